package io.edgecert.cli;

import io.edgecert.certificates.x509.PemFilePairing;
import io.edgecert.certificates.x509.PemFilePairing.PemFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;

/**
 * The certificates of a directory for start-import-job: the directory's files (its folders too,
 * certbot's {@code live/NAME/} style) go to {@link PemFilePairing}, the rule set the console's
 * "Import multiple" uses, so that a directory pairs the same in both. A file is read only when its
 * name says PEM and its size fits ({@link PemFilePairing#worthReading}); the walk stops at
 * {@link PemFilePairing#MAX_FILES} files or {@link PemFilePairing#MAX_TOTAL_BYTES}.
 */
final class CertificatesDir {
    /** Deep enough for live/NAME/ and a folder or two around it; symbolic links to folders are not followed. */
    private static final int MAX_DEPTH = 8;

    private CertificatesDir() {
    }

    static PemFilePairing.Result scan(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return refused(dir + " is not a directory");
        }
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(dir, Set.of(), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) {
                // hidden folders (.git) are not walked at all; their files would only be skipped
                return d.equals(dir) || !hidden(d) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (!hidden(file) && Files.isRegularFile(file)) {
                    found.add(file);
                }
                return found.size() > PemFilePairing.MAX_FILES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
            }
        });
        if (found.size() > PemFilePairing.MAX_FILES) {
            return refused(dir + ": more than " + PemFilePairing.MAX_FILES + " files; split it");
        }
        List<PemFile> files = new ArrayList<>();
        long total = 0;
        for (Path file : found.stream().sorted().toList()) {
            String name = dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            long size = Files.size(file);
            if (!PemFilePairing.worthReading(name, size)) {
                files.add(new PemFilePairing.Unread(name, size));
                continue;
            }
            total += size;
            if (total > PemFilePairing.MAX_TOTAL_BYTES) {
                return refused(dir + ": more than " + (PemFilePairing.MAX_TOTAL_BYTES >> 20) + " MiB of PEM files; split it");
            }
            files.add(new PemFilePairing.Read(name, read(file)));
        }
        PemFilePairing.Result result = PemFilePairing.pair(files);
        if (result.pairs().isEmpty() && result.problems().isEmpty()) {
            return new PemFilePairing.Result(List.of(), List.of("no certificates in " + dir + ": expected NAME.crt with "
                    + "NAME.key (and NAME.chain.pem), one PEM bundle per certificate, or certbot's folders"), result.ignored());
        }
        return result;
    }

    /** Hidden files and folders (.git, .DS_Store) play no role and are not named. */
    private static boolean hidden(Path file) {
        return file.getFileName().toString().startsWith(".");
    }

    private static PemFilePairing.Result refused(String problem) {
        return new PemFilePairing.Result(List.of(), List.of(problem), List.of());
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw CliException.io("--certificates-dir: cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
