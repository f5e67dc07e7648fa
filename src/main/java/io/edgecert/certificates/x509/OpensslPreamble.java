package io.edgecert.certificates.x509;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The text OpenSSL prints in front of a PEM block, which import-rules A3 accepts because people
 * paste whole command outputs. Recognised, line by line:
 * <ul>
 *   <li>{@code openssl x509 -text}: a {@code Certificate:} line and the indented dump under it;</li>
 *   <li>{@code openssl pkcs12}: {@code Bag Attributes} / {@code Key Attributes} (or
 *       {@code ...: <No Attributes>}) with indented {@code name: value} lines such as
 *       {@code localKeyID:} and {@code friendlyName:}, then {@code subject=} / {@code issuer=};</li>
 *   <li>{@code openssl x509 -subject -issuer}: {@code subject=} / {@code issuer=} lines;</li>
 *   <li>{@code openssl s_client -showcerts}: {@code  0 s:}, {@code    i:}, {@code    a:PKEY},
 *       {@code    v:NotBefore} lines, and the connection report before the chain
 *       ({@code CONNECTED(...)}, {@code depth=}, {@code verify return:}/{@code verify error:},
 *       {@code ---}, {@code Certificate chain}).</li>
 * </ul>
 * Anything else is refused: a stray word in front of a certificate is more likely a broken paste
 * than intent. Messages give the line number, never the line, which might be key material.
 */
final class OpensslPreamble {
    /** Where a line sits: at the top level, or under a header whose indented lines belong to it. */
    private enum Section { TOP, TEXT_DUMP, ATTRIBUTES }

    private static final Pattern CERTIFICATE_DUMP = Pattern.compile("Certificate:");
    private static final Pattern ATTRIBUTES = Pattern.compile("(Bag|Key) Attributes");
    private static final Pattern NO_ATTRIBUTES = Pattern.compile("(Bag|Key) Attributes: <No Attributes>");
    private static final Pattern ATTRIBUTE = Pattern.compile("[^:\\s][^:]*: ?.*");
    private static final List<Pattern> SINGLE_LINES = List.of(
            Pattern.compile("(subject|issuer)=.*"),
            Pattern.compile("\\d+ s:.*"),
            Pattern.compile("i:.*"),
            Pattern.compile("a:PKEY.*"),
            Pattern.compile("v:NotBefore.*"),
            Pattern.compile("CONNECTED\\(\\w+\\)"),
            Pattern.compile("depth=\\d+ .*"),
            Pattern.compile("verify (return|error):.*"),
            Pattern.compile("---"),
            Pattern.compile("Certificate chain"));

    private OpensslPreamble() {
    }

    /** Refuses (InvalidPem) the first line in {@code lines[from, to)} that OpenSSL would not print. */
    static void check(String field, String[] lines, int from, int to) {
        Section section = Section.TOP;
        for (int i = from; i < to; i++) {
            String raw = lines[i];
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("-----")) {
                throw Pem.invalid(field, "has a malformed PEM boundary line (line " + (i + 1) + ")");
            }
            if (!printable(line) || line.length() >= 16 && Pem.isBase64Line(line)) {
                throw Pem.invalid(field, "has data outside a PEM block (line " + (i + 1) + "); paste PEM text "
                        + "(-----BEGIN ...----- / -----END ...-----), not DER or raw base64");
            }
            boolean indented = Character.isWhitespace(raw.charAt(0));
            if (indented && section == Section.TEXT_DUMP) {
                continue;
            }
            if (indented && section == Section.ATTRIBUTES && ATTRIBUTE.matcher(line).matches()) {
                continue;
            }
            if (CERTIFICATE_DUMP.matcher(line).matches()) {
                section = Section.TEXT_DUMP;
            } else if (ATTRIBUTES.matcher(line).matches()) {
                section = Section.ATTRIBUTES;
            } else if (NO_ATTRIBUTES.matcher(line).matches() || SINGLE_LINES.stream().anyMatch(p -> p.matcher(line).matches())) {
                section = Section.TOP;
            } else {
                throw Pem.invalid(field, "has text outside a PEM block (line " + (i + 1) + ") that is not OpenSSL "
                        + "output; only the PEM blocks, optionally with what openssl x509 -text, pkcs12 or "
                        + "s_client -showcerts prints before them, are accepted");
            }
        }
    }

    private static boolean printable(String line) {
        return line.chars().noneMatch(c -> c < 0x20 && c != '\t' || c == 0x7f || c == 0xfffd);
    }
}
