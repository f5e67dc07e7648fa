package io.edgecert.certificates.x509;

import io.edgecert.problems.ProblemException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule set that turns a pile of PEM files into certificate + key + chain triples, for the
 * CLI's {@code start-import-job --certificates-dir} and the console's "Import multiple" alike, so
 * that one directory gives the same pairs and the same problems in both. Roles come from the
 * content, groups from the names:
 * <ul>
 *   <li>only files named like PEM ({@link #EXTENSIONS}) are read; others are ignored and named;</li>
 *   <li>a file with a certificate and a key is a bundle (leaf first, other certificates its chain);
 *       a file whose first certificate is a CA is a chain; other certificate files are leaves
 *       (a "fullchain" when it holds more than one certificate); a file with only a key is a key;</li>
 *   <li>files group by base name without extension and role suffix ({@code shop.crt},
 *       {@code shop.key}, {@code shop.chain.pem}, {@code shop-key.pem}, {@code shop_ca-bundle.crt});
 *       generic names ({@code cert.pem}, {@code privkey.pem}: certbot) group by folder;</li>
 *   <li>a group is one leaf, one key and at most one chain; anything else is a problem naming the
 *       files, never a guess.</li>
 * </ul>
 * Pure: no I/O, the callers read the files (and zips) within {@link #MAX_FILE_BYTES} and
 * {@link #MAX_TOTAL_BYTES}.
 */
public final class PemFilePairing {
    public static final int MAX_FILES = 30_000;
    public static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;
    /** The largest chain the import rules take (2 MiB) with a leaf and a key, rounded up: a bigger file is not read. */
    public static final int MAX_FILE_BYTES = 2_200_000;
    /** The extensions (last, or last two) of the files that play a role; lower case. */
    public static final Set<String> EXTENSIONS = Set.of("pem", "crt", "cer", "cert", "key", "ca-bundle", "bundle");
    private static final Pattern ROLE_SUFFIX = Pattern.compile(
            "[._-](fullchain|chain|privkey|private|key|cert|crt|certificate|ca-bundle|cabundle|bundle|intermediates?)$");
    private static final Set<String> GENERIC = Set.of("cert", "certificate", "privkey", "private", "key", "chain",
            "fullchain", "ca", "bundle", "ca-bundle", "server", "intermediate", "intermediates");

    private PemFilePairing() {
    }

    /** A file by its path ('/' between folders, as in a zip) and what its reader knows of it. */
    public sealed interface PemFile permits Read, Unread {
        String name();
    }

    /** A file that was read. */
    public record Read(String name, byte[] content) implements PemFile {
        @Override
        public String toString() {
            return "Read[" + name + ", " + content.length + " bytes]";
        }
    }

    /** A file that was not read, because {@link #worthReading} said so: its size is enough to decide. */
    public record Unread(String name, long size) implements PemFile {
    }

    /** One certificate to import and the files it came from. The PEM texts stay in memory only. */
    public record Pair(String name, String certificateFile, String keyFile, Optional<String> chainFile,
                       String certificate, String privateKey, Optional<String> certificateChain) {
        /** The distinct files of the pair, certificate first: for messages about it. */
        public List<String> files() {
            Set<String> files = new LinkedHashSet<>(List.of(certificateFile, keyFile));
            chainFile.ifPresent(files::add);
            return List.copyOf(files);
        }

        @Override
        public String toString() {
            return "Pair[" + name + " from " + files() + ", key redacted]";
        }
    }

    /** The pairs, what could not be paired (each problem names its files), and the files no rule reads. */
    public record Result(List<Pair> pairs, List<String> problems, List<String> ignored) {
    }

    /** Whether a reader should read this file at all: named like PEM, not hidden, and not too large to be one. */
    public static boolean worthReading(String name, long size) {
        return !hidden(name) && playsARole(name) && size <= MAX_FILE_BYTES;
    }

    /** Hidden files and folders (.git, ._resource forks) and a Mac zip's __MACOSX folder: skipped, not even named. */
    private static boolean hidden(String name) {
        return name.startsWith("__MACOSX/") || name.startsWith(".") || name.contains("/.");
    }

    private static boolean playsARole(String name) {
        String base = baseName(name);
        int dot = base.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(base.substring(dot + 1));
    }

    private enum Role { CERTIFICATE, FULLCHAIN, KEY, CHAIN, BUNDLE }

    /** A file sorted by what it holds: its certificate blocks in order and its key (with EC PARAMETERS if given). */
    private record Classified(String path, Role role, List<String> certificates, String key) {
        boolean holdsChain() {
            return certificates.size() > 1;
        }
    }

    /** Pairs the files; the result does not depend on their order. */
    public static Result pair(List<? extends PemFile> files) {
        List<String> problems = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        Map<String, List<Classified>> groups = new TreeMap<>();
        for (PemFile f : files.stream().sorted(Comparator.comparing(PemFile::name)).toList()) {
            if (hidden(f.name())) {
                continue;
            }
            if (!playsARole(f.name())) {
                ignored.add(f.name());
                continue;
            }
            long size = f instanceof Read r ? r.content().length : ((Unread) f).size();
            if (size > MAX_FILE_BYTES || !(f instanceof Read read)) {
                problems.add(f.name() + ": " + size + " bytes, more than the " + MAX_FILE_BYTES
                        + " a PEM file of one certificate may have; not read");
                continue;
            }
            Optional<Classified> c = classify(read, problems);
            c.ifPresent(x -> groups.computeIfAbsent(groupKey(x.path()), k -> new ArrayList<>()).add(x));
        }
        List<Pair> pairs = new ArrayList<>();
        groups.forEach((key, members) -> pairGroup(key, members, problems).ifPresent(pairs::add));
        return new Result(List.copyOf(pairs), List.copyOf(problems), List.copyOf(ignored));
    }

    private static Optional<Classified> classify(Read f, List<String> problems) {
        List<String> certificates = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        int keys = 0;
        for (Pem.Armour a : Pem.find(new String(f.content(), StandardCharsets.UTF_8))) {
            if (a.isCertificate()) {
                certificates.add(a.text() + "\n");
            } else if (a.isPrivateKey()) {
                keys++;
                key.append(a.text()).append('\n');
            } else if (a.label().equals("EC PARAMETERS")) {
                key.insert(0, a.text() + "\n");
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
            role = Role.CHAIN; // by content, not by name: shop.example.ca.crt may well be a leaf
        } else {
            role = certificates.size() > 1 ? Role.FULLCHAIN : Role.CERTIFICATE;
        }
        return Optional.of(new Classified(f.name(), role, List.copyOf(certificates), key.toString()));
    }

    private static boolean isCa(String pem) {
        try {
            return Pem.certificates("chain", pem).get(0).getBasicConstraints() >= 0;
        } catch (ProblemException e) {
            return false; // the import rules will say what is wrong with it
        }
    }

    /** One leaf, one key, at most one chain; whatever else the group holds is named in a problem. */
    private static Optional<Pair> pairGroup(String key, List<Classified> members, List<String> problems) {
        String shown = displayName(key);
        String files = String.join(", ", members.stream().map(Classified::path).toList());
        List<Classified> leaves = having(members, c -> c.role() == Role.CERTIFICATE || c.role() == Role.BUNDLE);
        if (leaves.isEmpty()) {
            leaves = having(members, c -> c.role() == Role.FULLCHAIN);
        }
        if (leaves.isEmpty()) {
            problems.add(shown + ": " + files + " — no certificate file found for it (expected e.g. "
                    + suggestion(key, ".crt") + ")");
            return Optional.empty();
        }
        if (leaves.size() > 1) {
            problems.add(shown + ": several certificate files (" + names(leaves) + "); keep one per certificate, "
                    + "or give them distinct names");
            return Optional.empty();
        }
        Classified leaf = leaves.get(0);
        List<Classified> keys = having(members, c -> c.role() == Role.KEY || c == leaf && c.role() == Role.BUNDLE);
        if (keys.isEmpty()) {
            problems.add(shown + ": no private key file found for " + leaf.path() + " (expected e.g. "
                    + suggestion(key, ".key") + ", or the key in " + leaf.path() + ")");
            return Optional.empty();
        }
        if (keys.size() > 1) {
            problems.add(shown + ": several private keys (" + names(keys) + "); keep one");
            return Optional.empty();
        }
        List<Classified> chains = having(members, c -> c.role() == Role.CHAIN || c == leaf && c.holdsChain());
        if (chains.isEmpty()) {
            // beside a plain cert.pem, certbot's fullchain.pem brings the chain
            chains = having(members, c -> c.role() == Role.FULLCHAIN && c != leaf).stream().limit(1).toList();
        }
        if (chains.size() > 1) {
            problems.add(shown + ": several chains (" + names(chains) + "); put the intermediates in one place");
            return Optional.empty();
        }
        Optional<Classified> chainFile = chains.stream().findFirst();
        Optional<String> chain = chainFile.map(c -> c.role() == Role.CHAIN ? c.certificates()
                : c.certificates().subList(1, c.certificates().size())).map(c -> String.join("", c));
        return Optional.of(new Pair(shown, leaf.path(), keys.get(0).path(), chainFile.map(Classified::path),
                leaf.certificates().get(0), keys.get(0).key(), chain));
    }

    private static List<Classified> having(List<Classified> members, Predicate<Classified> role) {
        return members.stream().filter(role).toList();
    }

    private static String names(List<Classified> files) {
        return String.join(", ", files.stream().map(Classified::path).toList());
    }

    /** "certs/Shop.Example.chain.pem" -> "certs/shop.example"; "le/cert.pem" -> "le/". */
    static String groupKey(String path) {
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash + 1);
        String stem = baseName(path);
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
}
