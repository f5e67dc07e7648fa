package io.edgecert.web.console;

import io.edgecert.certificates.x509.PemFilePairing;
import io.edgecert.certificates.x509.PemFilePairing.PemFile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * "Import multiple certificates": the uploaded files (a zip becomes its files, folders kept in the
 * names) go to {@link PemFilePairing}, the rule set start-import-job uses on a directory. Everything
 * stays in memory; a zip is unpacked within {@link PemFilePairing#MAX_FILES} and
 * {@link PemFilePairing#MAX_TOTAL_BYTES}, and an entry is kept only when worth reading.
 */
final class PemUploads {
    private PemUploads() {
    }

    record Upload(String name, byte[] content) {
        @Override
        public String toString() {
            return "Upload[" + name + ", " + content.length + " bytes]";
        }
    }

    /** The pairing of the uploads, with the problems of unreadable or oversized zips first. */
    static PemFilePairing.Result pair(List<Upload> uploads) {
        List<String> problems = new ArrayList<>();
        List<PemFile> files = expand(uploads, problems);
        PemFilePairing.Result r = PemFilePairing.pair(files);
        if (problems.isEmpty()) {
            return r;
        }
        problems.addAll(r.problems());
        return new PemFilePairing.Result(r.pairs(), List.copyOf(problems), r.ignored());
    }

    private static List<PemFile> expand(List<Upload> uploads, List<String> problems) {
        List<PemFile> out = new ArrayList<>();
        long total = 0;
        for (Upload f : uploads) {
            if (!isZip(f)) {
                out.add(new PemFilePairing.Read(clean(f.name()), f.content()));
                total += f.content().length;
                continue;
            }
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(f.content()))) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    String name = clean(e.getName());
                    if (e.isDirectory() || name.isEmpty() || name.endsWith("/")) {
                        continue;
                    }
                    if (out.size() >= PemFilePairing.MAX_FILES) {
                        problems.add(f.name() + ": more than " + PemFilePairing.MAX_FILES + " files; split the upload");
                        return out;
                    }
                    // Every entry is unpacked and counted, read or not: a zip bomb costs its 64 MiB and no more.
                    boolean wanted = PemFilePairing.worthReading(name, Math.max(e.getSize(), 0));
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    byte[] chunk = new byte[8192];
                    long size = 0;
                    int n;
                    while ((n = zip.read(chunk)) > 0) {
                        size += n;
                        total += n;
                        if (total > PemFilePairing.MAX_TOTAL_BYTES) {
                            problems.add(f.name() + ": unpacks to more than " + (PemFilePairing.MAX_TOTAL_BYTES >> 20)
                                    + " MiB; split the upload");
                            return out;
                        }
                        wanted &= PemFilePairing.worthReading(name, size);
                        if (wanted) {
                            buf.write(chunk, 0, n);
                        }
                    }
                    out.add(wanted ? new PemFilePairing.Read(name, buf.toByteArray()) : new PemFilePairing.Unread(name, size));
                }
            } catch (IOException | IllegalArgumentException e) {
                problems.add(f.name() + ": not a readable zip file (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    private static boolean isZip(Upload f) {
        byte[] c = f.content();
        return c.length >= 4 && c[0] == 'P' && c[1] == 'K' && c[2] == 3 && c[3] == 4;
    }

    /** Forward slashes, no leading "./" or "/", no ".." tricks (names are only displayed and compared). */
    private static String clean(String name) {
        String n = name == null ? "" : name.replace('\\', '/');
        while (n.startsWith("/") || n.startsWith("./")) {
            n = n.substring(n.startsWith("/") ? 1 : 2);
        }
        return n.replace("../", "");
    }
}
