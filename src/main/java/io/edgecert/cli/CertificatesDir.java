package io.edgecert.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The certificates of a directory for start-import-job. Each certificate is either
 * <ul>
 *   <li>a pair: {@code NAME.crt} or {@code NAME.pem} (the certificate) with {@code NAME.key}, and
 *       optionally {@code NAME.chain.pem} (or {@code .chain.crt}); or</li>
 *   <li>a bundle: one {@code NAME.pem}/{@code NAME.crt} with CERTIFICATE blocks and one PRIVATE KEY
 *       block; the first certificate is the leaf, the others are the chain.</li>
 * </ul>
 * A certificate file whose first certificate is followed by others (a "fullchain") gives its chain
 * the same way. Anything ambiguous or unpaired is a problem: the caller refuses the whole directory
 * so a job never runs with half of what the user meant.
 */
final class CertificatesDir {
    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \\1-----", Pattern.DOTALL);

    private CertificatesDir() {
    }

    /** One certificate to import, with the files it came from (for messages). */
    record Entry(String name, String certificate, String privateKey, Optional<String> chain, List<String> files) {
        @Override
        public String toString() {
            return "Entry[" + name + " from " + files + ", privateKey=(redacted)]";
        }
    }

    /** What the directory holds: entries if there are no problems; ignored files are named, not refused. */
    record Scan(List<Entry> entries, List<String> problems, List<String> ignored) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    /** The files that share one NAME. */
    private static final class Group {
        final List<Path> certificates = new ArrayList<>();
        final List<Path> chains = new ArrayList<>();
        Path key;
    }

    private record Block(String label, String text) {
        boolean isCertificate() {
            return label.equals("CERTIFICATE");
        }

        boolean isPrivateKey() {
            return label.endsWith("PRIVATE KEY");
        }
    }

    static Scan scan(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new Scan(List.of(), List.of(dir + " is not a directory"), List.of());
        }
        Map<String, Group> groups = new TreeMap<>();
        List<String> ignored = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.startsWith(".") || !Files.isRegularFile(file)) {
                    continue;
                }
                if (!classify(groups, file, fileName)) {
                    ignored.add(fileName);
                }
            }
        }
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        groups.forEach((name, group) -> pair(name, group, problems).ifPresent(entries::add));
        if (entries.isEmpty() && problems.isEmpty()) {
            problems.add("no certificates in " + dir + ": expected NAME.crt with NAME.key (and NAME.chain.pem), "
                    + "or one PEM bundle per certificate");
        }
        return new Scan(problems.isEmpty() ? List.copyOf(entries) : List.of(), List.copyOf(problems), List.copyOf(ignored));
    }

    /** Files a name by its role; false for files that play none. */
    private static boolean classify(Map<String, Group> groups, Path file, String fileName) {
        for (String suffix : new String[]{".chain.pem", ".chain.crt"}) {
            if (fileName.endsWith(suffix) && fileName.length() > suffix.length()) {
                groups.computeIfAbsent(fileName.substring(0, fileName.length() - suffix.length()), n -> new Group())
                        .chains.add(file);
                return true;
            }
        }
        int dot = fileName.lastIndexOf('.');
        if (dot <= 0) {
            return false;
        }
        String name = fileName.substring(0, dot);
        switch (fileName.substring(dot)) {
            case ".key" -> groups.computeIfAbsent(name, n -> new Group()).key = file;
            case ".crt", ".pem" -> groups.computeIfAbsent(name, n -> new Group()).certificates.add(file);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Optional<Entry> pair(String name, Group g, List<String> problems) {
        List<String> files = new ArrayList<>();
        g.certificates.forEach(f -> files.add(f.getFileName().toString()));
        Optional.ofNullable(g.key).ifPresent(f -> files.add(f.getFileName().toString()));
        g.chains.forEach(f -> files.add(f.getFileName().toString()));
        if (g.certificates.size() > 1) {
            problems.add(name + ": ambiguous, " + names(g.certificates) + " are each a certificate of " + name + "; keep one");
            return Optional.empty();
        }
        if (g.chains.size() > 1) {
            problems.add(name + ": ambiguous, " + names(g.chains) + " are each a chain of " + name + "; keep one");
            return Optional.empty();
        }
        Path chainFile = g.chains.isEmpty() ? null : g.chains.get(0);
        if (g.certificates.isEmpty()) {
            problems.add(name + ": unpaired, " + String.join(" and ", files) + " but no certificate "
                    + name + ".crt or " + name + ".pem");
            return Optional.empty();
        }
        Path certificateFile = g.certificates.get(0);
        String certificateText = read(certificateFile);
        List<Block> blocks = blocks(certificateText);
        List<Block> certificates = blocks.stream().filter(Block::isCertificate).toList();
        List<Block> keys = blocks.stream().filter(Block::isPrivateKey).toList();
        String certificateName = certificateFile.getFileName().toString();
        if (certificates.isEmpty()) {
            problems.add(name + ": " + certificateName + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                    + (keys.isEmpty() ? "" : " but a private key; name a key file " + name + ".key"));
            return Optional.empty();
        }
        if (keys.size() > 1) {
            problems.add(name + ": ambiguous, " + certificateName + " holds " + keys.size()
                    + " private keys; a bundle holds exactly one");
            return Optional.empty();
        }
        if (!keys.isEmpty() && g.key != null) {
            problems.add(name + ": ambiguous, " + certificateName + " already holds a private key and "
                    + g.key.getFileName() + " is another one; keep one");
            return Optional.empty();
        }
        if (keys.isEmpty() && g.key == null) {
            problems.add(name + ": unpaired, " + certificateName + " has no private key: add " + name
                    + ".key, or put the key in " + certificateName + " as a bundle");
            return Optional.empty();
        }
        if (certificates.size() > 1 && chainFile != null) {
            problems.add(name + ": ambiguous, " + certificateName + " already holds a chain after its first certificate and "
                    + chainFile.getFileName() + " is another one; keep one");
            return Optional.empty();
        }
        String privateKey;
        if (g.key != null) {
            privateKey = read(g.key);
            if (blocks(privateKey).stream().noneMatch(Block::isPrivateKey)) {
                problems.add(name + ": " + g.key.getFileName() + " holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)");
                return Optional.empty();
            }
        } else {
            privateKey = keys.get(0).text() + "\n";
        }
        Optional<String> chain = Optional.empty();
        if (chainFile != null) {
            String chainText = read(chainFile);
            if (blocks(chainText).stream().noneMatch(Block::isCertificate)) {
                problems.add(name + ": " + chainFile.getFileName() + " holds no PEM certificate");
                return Optional.empty();
            }
            chain = Optional.of(chainText);
        } else if (certificates.size() > 1) {
            chain = Optional.of(join(certificates.subList(1, certificates.size())));
        }
        // A plain certificate file goes as it is (the server accepts OpenSSL's text dump around it);
        // from a bundle or a fullchain only the leaf block goes in the certificate field.
        String certificate = certificates.size() == 1 && keys.isEmpty() ? certificateText : certificates.get(0).text() + "\n";
        return Optional.of(new Entry(name, certificate, privateKey, chain, List.copyOf(files)));
    }

    private static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new Block(m.group(1), m.group()));
        }
        return blocks;
    }

    private static String names(List<Path> files) {
        return String.join(" and ", files.stream().map(f -> f.getFileName().toString()).toList());
    }

    private static String join(List<Block> blocks) {
        StringBuilder s = new StringBuilder();
        blocks.forEach(b -> s.append(b.text()).append('\n'));
        return s.toString();
    }

    private static String read(Path file) {
        return Inputs.read("--certificates-dir", file);
    }
}
