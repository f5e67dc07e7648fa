package io.edgecert.web.console;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * "Import multiple certificates": turns a pile of PEM files (or one zip of them) into
 * certificate + key + chain triples, by content first and by name second:
 * <ul>
 *   <li>a file with a certificate and a key is a bundle (leaf first, the other certificates its chain);</li>
 *   <li>a file whose first certificate is a CA certificate is a chain; otherwise a certificate (with its
 *       chain when it holds more than one);</li>
 *   <li>otherwise files pair by base name: {@code shop.crt}, {@code shop.key}, {@code shop.chain.pem}
 *       (also {@code -key}, {@code _chain}, {@code .ca-bundle}, {@code fullchain} ...);</li>
 *   <li>certbot-style folders ({@code cert.pem}, {@code privkey.pem}, {@code chain.pem}) pair by folder.</li>
 * </ul>
 * Whatever cannot be paired is reported, never guessed. Everything stays in memory.
 */
final class PemPairing {
    static final int MAX_FILES = 30_000;
    static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n.*?-----END \\1-----", Pattern.DOTALL);
    private static final Set<String> EXTENSIONS = Set.of("pem", "crt", "cer", "cert", "key", "txt", "ca-bundle", "bundle");
    private static final Pattern ROLE_SUFFIX = Pattern.compile(
            "[._-](fullchain|chain|privkey|private|key|cert|crt|certificate|ca-bundle|cabundle|bundle|intermediates?)$");
    private static final Set<String> GENERIC = Set.of("cert", "certificate", "privkey", "private", "key", "chain",
            "fullchain", "ca", "bundle", "ca-bundle", "server", "intermediate", "intermediates");

    private PemPairing() {
    }

    record NamedFile(String name, byte[] content) {
        @Override
        public String toString() {
            return "NamedFile[" + name + ", " + content.length + " bytes]";
        }
    }

    /** One certificate to import, with the files it came from. PEM texts stay in memory only. */
    record Pair(String name, String certificateFile, String keyFile, Optional<String> chainFile,
                String certificate, String privateKey, Optional<String> certificateChain) {
        @Override
        public String toString() {
            return "Pair[" + name + ", key redacted]";
        }
    }

    record Result(List<Pair> pairs, List<String> problems) {
    }

    private enum Role { CERTIFICATE, FULLCHAIN, KEY, CHAIN, BUNDLE }

    private record Classified(String path, Role role, List<String> certificates, String key) {
    }

    static Result pair(List<NamedFile> uploaded) {
        List<String> problems = new ArrayList<>();
        List<NamedFile> files = expand(uploaded, problems);
        Map<String, List<Classified>> groups = new LinkedHashMap<>();
        for (NamedFile f : files) {
            classify(f, problems).ifPresent(c -> groups.computeIfAbsent(groupKey(c.path()), k -> new ArrayList<>()).add(c));
        }
        List<Pair> pairs = new ArrayList<>();
        for (Map.Entry<String, List<Classified>> g : groups.entrySet()) {
            pairGroup(g.getKey(), g.getValue(), problems).ifPresent(pairs::add);
        }
        return new Result(pairs, problems);
    }

    private static Optional<Pair> pairGroup(String key, List<Classified> members, List<String> problems) {
        String shown = displayName(key);
        List<Classified> bundles = members.stream().filter(c -> c.role() == Role.BUNDLE).toList();
        List<Classified> certs = members.stream().filter(c -> c.role() == Role.CERTIFICATE).toList();
        List<Classified> fullchains = members.stream().filter(c -> c.role() == Role.FULLCHAIN).toList();
        List<Classified> keys = members.stream().filter(c -> c.role() == Role.KEY).toList();
        List<Classified> chains = members.stream().filter(c -> c.role() == Role.CHAIN).toList();
        String files = String.join(", ", members.stream().map(Classified::path).toList());
        if (bundles.size() == 1 && members.size() == 1) {
            Classified b = bundles.get(0);
            return Optional.of(new Pair(shown, b.path(), b.path(), b.certificates().size() > 1 ? Optional.of(b.path()) : Optional.empty(),
                    b.certificates().get(0), b.key(), chainOf(b.certificates().subList(1, b.certificates().size()))));
        }
        if (!bundles.isEmpty()) {
            problems.add(shown + ": " + files + " — a file holding both a certificate and a key must come alone; "
                    + "rename the other files or upload them separately");
            return Optional.empty();
        }
        Classified leaf;
        if (certs.size() == 1) {
            leaf = certs.get(0);
        } else if (certs.isEmpty() && fullchains.size() == 1) {
            leaf = fullchains.get(0);
        } else if (certs.isEmpty() && fullchains.isEmpty()) {
            problems.add(shown + ": " + files + " — no certificate file found for it (expected e.g. " + suggestion(key, ".crt") + ")");
            return Optional.empty();
        } else {
            problems.add(shown + ": several certificate files (" + files + "); keep one per certificate, or give them distinct names");
            return Optional.empty();
        }
        if (keys.size() != 1) {
            problems.add(shown + ": " + (keys.isEmpty() ? "no private key file found for " + leaf.path()
                    + " (expected e.g. " + suggestion(key, ".key") + ")" : "several private key files (" + files + ")"));
            return Optional.empty();
        }
        if (chains.size() > 1) {
            problems.add(shown + ": several chain files (" + files + "); put the intermediates in one file");
            return Optional.empty();
        }
        Optional<String> chainFile;
        Optional<String> chain;
        if (chains.size() == 1) {
            chainFile = Optional.of(chains.get(0).path());
            chain = chainOf(chains.get(0).certificates());
        } else {
            Classified withExtras = leaf.certificates().size() > 1 ? leaf
                    : fullchains.stream().filter(f -> f.certificates().size() > 1).findFirst().orElse(null);
            chainFile = Optional.ofNullable(withExtras).map(Classified::path);
            chain = withExtras == null ? Optional.empty()
                    : chainOf(withExtras.certificates().subList(1, withExtras.certificates().size()));
        }
        return Optional.of(new Pair(shown, leaf.path(), keys.get(0).path(), chainFile, leaf.certificates().get(0),
                keys.get(0).key(), chain));
    }

    private static Optional<String> chainOf(List<String> certificates) {
        return certificates.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", certificates) + "\n");
    }

    private static Optional<Classified> classify(NamedFile f, List<String> problems) {
        String text = new String(f.content(), StandardCharsets.UTF_8);
        List<String> certificates = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        int keys = 0;
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            if (label.equals("CERTIFICATE") || label.equals("X509 CERTIFICATE") || label.equals("TRUSTED CERTIFICATE")) {
                certificates.add(m.group());
            } else if (label.endsWith("PRIVATE KEY")) {
                keys++;
                key.append(m.group()).append('\n');
            } else if (label.equals("EC PARAMETERS")) {
                key.insert(0, m.group() + "\n");
            }
        }
        if (certificates.isEmpty() && keys == 0) {
            problems.add(f.name() + ": no PEM certificate or private key in it (only PEM is accepted: text with "
                    + "-----BEGIN CERTIFICATE----- blocks and a private key block)");
            return Optional.empty();
        }
        if (keys > 1) {
            problems.add(f.name() + ": holds " + keys + " private keys; one file may hold one");
            return Optional.empty();
        }
        Role role;
        if (keys == 1) {
            role = certificates.isEmpty() ? Role.KEY : Role.BUNDLE;
        } else if (isCa(certificates.get(0))) {
            // by content, not by name: a file that starts with a CA certificate holds a chain
            role = Role.CHAIN;
        } else {
            role = certificates.size() > 1 ? Role.FULLCHAIN : Role.CERTIFICATE;
        }
        return Optional.of(new Classified(f.name(), role, certificates, key.toString()));
    }

    private static boolean isCa(String pem) {
        try {
            java.security.cert.X509Certificate c = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                    .getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            return c.getBasicConstraints() >= 0;
        } catch (java.security.cert.CertificateException | RuntimeException e) {
            return false; // the import rules will say what is wrong with it
        }
    }

    /** "certs/Shop.Example.chain.pem" -> "certs/shop.example"; "le/cert.pem" -> "le/". */
    static String groupKey(String path) {
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash + 1);
        String base = baseName(path);
        String stem = base;
        while (true) {
            int dot = stem.lastIndexOf('.');
            if (dot > 0 && EXTENSIONS.contains(stem.substring(dot + 1))) {
                stem = stem.substring(0, dot);
                continue;
            }
            Matcher m = ROLE_SUFFIX.matcher(stem);
            if (m.find() && m.start() > 0) {
                stem = stem.substring(0, m.start());
                continue;
            }
            break;
        }
        return GENERIC.contains(stem) ? dir : dir + stem;
    }

    private static String displayName(String key) {
        if (key.isEmpty()) {
            return "(top folder)";
        }
        return key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
    }

    private static String suggestion(String key, String extension) {
        if (key.isEmpty() || key.endsWith("/")) {
            return key + (extension.equals(".key") ? "privkey.pem" : "cert.pem");
        }
        return key + extension;
    }

    private static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        return (slash < 0 ? path : path.substring(slash + 1)).toLowerCase(Locale.ROOT);
    }

    /** Zips become their files (folders kept in the names); everything else passes through. */
    private static List<NamedFile> expand(List<NamedFile> uploaded, List<String> problems) {
        List<NamedFile> out = new ArrayList<>();
        long total = 0;
        for (NamedFile f : uploaded) {
            if (!isZip(f)) {
                out.add(new NamedFile(clean(f.name()), f.content()));
                total += f.content().length;
                continue;
            }
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(f.content()))) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    String name = clean(e.getName());
                    String base = baseName(name);
                    if (e.isDirectory() || name.startsWith("__MACOSX/") || base.startsWith(".") || base.isEmpty()) {
                        continue;
                    }
                    if (out.size() >= MAX_FILES) {
                        problems.add(f.name() + ": more than " + MAX_FILES + " files; split the upload");
                        return out;
                    }
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    byte[] chunk = new byte[8192];
                    int n;
                    while ((n = zip.read(chunk)) > 0) {
                        total += n;
                        if (total > MAX_TOTAL_BYTES) {
                            problems.add(f.name() + ": unpacks to more than " + (MAX_TOTAL_BYTES >> 20) + " MiB; split the upload");
                            return out;
                        }
                        buf.write(chunk, 0, n);
                    }
                    out.add(new NamedFile(name, buf.toByteArray()));
                }
            } catch (IOException | IllegalArgumentException e) {
                problems.add(f.name() + ": not a readable zip file (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    private static boolean isZip(NamedFile f) {
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
