package io.edgecert.certificates.x509;

import java.io.IOException;
import java.io.InputStream;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Public Suffix List (ICANN and private sections), as every JDK ships it in
 * {@code $JAVA_HOME/lib/security/public_suffix_list.dat}: a zip with one entry per top-level
 * domain whose lines are that TLD's rules (a leading control byte marks the section). Used to refuse
 * wildcards over a public suffix ({@code *.co.uk}, {@code *.s3.amazonaws.com}), which CAs may not
 * issue and browsers do not honour.
 *
 * <p>Read lazily, one TLD at a time. Without the file only the PSL's default rule is known (every
 * single label is a public suffix), which is what {@link HostnameMatcher} enforced before.
 */
public final class PublicSuffixes {
    private static final Path FILE = Path.of(System.getProperty("java.home"), "lib", "security", "public_suffix_list.dat");
    private static final Map<String, Set<String>> RULES_BY_TLD = new ConcurrentHashMap<>();
    private static volatile Boolean available;

    private PublicSuffixes() {
    }

    /** Whether the list itself could be read (false means only the default rule applies). */
    static boolean available() {
        if (available == null) {
            available = Files.isReadable(FILE);
        }
        return available;
    }

    /**
     * Is this ASCII (A-label) domain, lowercase and without a trailing dot, a public suffix, i.e.
     * a name under which anyone can register (com, co.uk, s3.amazonaws.com, github.io)?
     */
    static boolean isPublicSuffix(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty()) {
            return true;
        }
        int lastDot = d.lastIndexOf('.');
        if (lastDot < 0) {
            return true; // the default rule "*": every TLD is a suffix
        }
        Set<String> rules = rulesFor(d.substring(lastDot + 1));
        if (rules.contains("!" + d)) {
            return false;
        }
        if (rules.contains(d)) {
            return true;
        }
        int firstDot = d.indexOf('.');
        return rules.contains("*" + d.substring(firstDot));
    }

    /**
     * Is this host name the apex of a registrable domain ({@code example.com}, {@code example.co.uk},
     * not {@code shop.example.co.uk}): not a public suffix itself, but directly under one.
     */
    public static boolean isRegistrableDomain(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        int dot = d.indexOf('.');
        // an exception rule (!city.kawasaki.jp) makes its name registrable: its suffix is the rest
        return dot > 0 && !isPublicSuffix(d) && (isException(d) || isPublicSuffix(d.substring(dot + 1)));
    }

    private static boolean isException(String d) {
        int lastDot = d.lastIndexOf('.');
        return lastDot > 0 && rulesFor(d.substring(lastDot + 1)).contains("!" + d);
    }

    private static Set<String> rulesFor(String tld) {
        return RULES_BY_TLD.computeIfAbsent(tld, PublicSuffixes::load);
    }

    private static Set<String> load(String tld) {
        if (!available()) {
            return Set.of();
        }
        try (ZipFile zip = new ZipFile(FILE.toFile())) {
            ZipEntry entry = zip.getEntry(tld);
            if (entry == null && tld.startsWith("xn--")) {
                entry = zip.getEntry(IDN.toUnicode(tld));
            }
            if (entry == null) {
                return Set.of();
            }
            String text;
            try (InputStream in = zip.getInputStream(entry)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Set<String> rules = new HashSet<>();
            for (String line : text.split("\n")) {
                String rule = line.replaceAll("[\\x00-\\x1f]", "").strip(); // section marker: \0 ICANN, \1 private
                if (rule.isEmpty() || rule.startsWith("//")) {
                    continue;
                }
                rules.add(ascii(rule));
            }
            return Set.copyOf(rules);
        } catch (IOException | RuntimeException e) {
            available = false; // unreadable: fall back to the default rule only
            return Set.of();
        }
    }

    private static String ascii(String rule) {
        String prefix = rule.startsWith("!") ? "!" : rule.startsWith("*.") ? "*." : "";
        String name = rule.substring(prefix.length());
        try {
            return prefix + IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return rule.toLowerCase(Locale.ROOT);
        }
    }
}
