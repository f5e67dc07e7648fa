package io.edgecert.certificates.x509;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict PEM reading (import-rules A3) that still accepts what people paste: CRLF line endings,
 * surrounding whitespace, and the text OpenSSL prints before a block ({@link OpensslPreamble}).
 * Everything else outside the armour is refused, because a stray DER blob or a truncated paste is
 * far more likely a mistake than intent.
 */
public final class Pem {
    /** One armoured block: its label, its headers (RFC 1421 style, e.g. Proc-Type) and its bytes. */
    public record Block(String label, Map<String, String> headers, byte[] der) {
        @Override
        public String toString() {
            return "Block[" + label + ", " + der.length + " bytes]";
        }
    }

    private static final Pattern BEGIN = Pattern.compile("^-----BEGIN ([A-Z0-9 ]+)-----$");
    private static final Pattern HEADER = Pattern.compile("^([A-Za-z0-9-]+):\\s*(.*)$");

    /**
     * A line of base64 body: [A-Za-z0-9+/]* then at most two '='. A loop, not a regex: every line
     * of every pasted block goes through here, and the regex was 28% of an import's CPU (JFR of
     * bench/import, java.util.regex character-class predicates under Pem.blocks).
     */
    static boolean isBase64Line(String line) {
        int n = line.length();
        int i = 0;
        while (i < n && isBase64Char(line.charAt(i))) {
            i++;
        }
        int padding = n - i;
        if (padding > 2) {
            return false;
        }
        for (; i < n; i++) {
            if (line.charAt(i) != '=') {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase64Char(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
    }

    private static final ThreadLocal<CertificateFactory> X509 = ThreadLocal.withInitial(() -> {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    });

    private Pem() {
    }

    /**
     * Reads every block of a field. Text before a block is allowed only when it is what OpenSSL
     * prints there ({@link OpensslPreamble}); text after the last block never is.
     *
     * @param field the request field, named in the violation
     */
    public static List<Block> blocks(String field, String text) {
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        List<Block> blocks = new ArrayList<>();
        int textStart = 0; // first line of the text since the previous block
        int i = 0;
        while (i < lines.length) {
            String line = lines[i].strip();
            Matcher begin = line.startsWith("-----BEGIN ") ? BEGIN.matcher(line) : null;
            if (begin == null || !begin.matches()) {
                i++;
                continue;
            }
            OpensslPreamble.check(field, lines, textStart, i);
            String label = begin.group(1);
            String end = "-----END " + label + "-----";
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            StringBuilder base64 = new StringBuilder();
            int j = i + 1;
            boolean inHeaders = true;
            boolean closed = false;
            for (; j < lines.length; j++) {
                String l = lines[j].strip();
                if (l.equals(end)) {
                    closed = true;
                    break;
                }
                if (l.startsWith("-----")) {
                    break;
                }
                if (inHeaders && l.indexOf(':') > 0) { // base64 has no ':', so most lines skip the regex
                    Matcher h = HEADER.matcher(l);
                    if (h.matches()) {
                        headers.put(h.group(1), h.group(2));
                        continue;
                    }
                }
                if (inHeaders && l.isEmpty() && !headers.isEmpty()) {
                    inHeaders = false;
                    continue;
                }
                inHeaders = false;
                if (!isBase64Line(l)) {
                    throw invalid(field, "has a " + label + " block whose content is not base64 (line " + (j + 1) + ")");
                }
                base64.append(l);
            }
            if (!closed) {
                throw invalid(field, "has a " + label + " block without its \"" + end + "\" line; the paste may be truncated");
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(base64.toString());
            } catch (IllegalArgumentException e) {
                throw invalid(field, "has a " + label + " block whose base64 is broken");
            }
            if (der.length == 0) {
                throw invalid(field, "has an empty " + label + " block");
            }
            blocks.add(new Block(label, headers, der));
            i = j + 1;
            textStart = i;
        }
        if (blocks.isEmpty()) {
            // Explain DER, bare base64 or garbage before saying that no block was found.
            OpensslPreamble.check(field, lines, 0, lines.length);
            throw invalid(field, "holds no PEM block; paste PEM text (-----BEGIN ...----- / -----END ...-----)");
        }
        for (int t = textStart; t < lines.length; t++) {
            if (!lines[t].isBlank()) {
                // Text is tolerated before a block (OpenSSL's dump), never after the last one.
                throw invalid(field, "has text after the last PEM block (line " + (t + 1) + ")");
            }
        }
        return blocks;
    }

    /** One armoured block as written (BEGIN line to END line, LF endings), not decoded: what {@link #find} sees. */
    public record Armour(String label, String text) {
        public boolean isCertificate() {
            return isCertificateLabel(label);
        }

        public boolean isPrivateKey() {
            return label.endsWith("PRIVATE KEY");
        }

        @Override
        public String toString() {
            return "Armour[" + label + ", " + text.length() + " chars]";
        }
    }

    /** CERTIFICATE and the two older labels OpenSSL still writes for one. */
    public static boolean isCertificateLabel(String label) {
        return label.equals("CERTIFICATE") || label.equals("X509 CERTIFICATE") || label.equals("TRUSTED CERTIFICATE");
    }

    /**
     * The armoured blocks of any text, leniently: text around them and a block without its END line
     * are skipped, nothing is decoded and nothing is refused. For sorting files by what they hold
     * (pairing); whatever is sent on goes through {@link #blocks} on the server.
     */
    public static List<Armour> find(String text) {
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        List<Armour> found = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            Matcher begin = line.startsWith("-----BEGIN ") ? BEGIN.matcher(line) : null;
            if (begin == null || !begin.matches()) {
                continue;
            }
            String end = "-----END " + begin.group(1) + "-----";
            for (int j = i + 1; j < lines.length; j++) {
                String l = lines[j].strip();
                if (l.equals(end)) {
                    StringBuilder armour = new StringBuilder(line).append('\n');
                    for (int k = i + 1; k < j; k++) {
                        armour.append(lines[k].strip()).append('\n');
                    }
                    found.add(new Armour(begin.group(1), armour.append(end).toString()));
                    i = j;
                    break;
                }
                if (l.startsWith("-----BEGIN ")) {
                    i = j - 1; // an unclosed block: look again from the next BEGIN
                    break;
                }
            }
        }
        return found;
    }

    /**
     * Whether text holds something that looks like a private key's BEGIN line, in any case and even
     * malformed ("-----BEGIN rsa private key"): deliberately loose, for deciding what must never be
     * echoed back to a browser.
     */
    public static boolean mayHoldPrivateKey(String text) {
        if (text == null) {
            return false;
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        for (int at = lower.indexOf("-----begin"); at >= 0; at = lower.indexOf("-----begin", at + 1)) {
            int from = at + "-----begin".length();
            int to = from;
            while (to < lower.length() && "\r\n-".indexOf(lower.charAt(to)) < 0) {
                to++;
            }
            if (lower.substring(from, to).contains("private key")) {
                return true;
            }
        }
        return false;
    }

    /** The certificates of a field, in the order given; every block must be a CERTIFICATE. */
    public static List<X509Certificate> certificates(String field, String text) {
        List<X509Certificate> out = new ArrayList<>();
        int n = 0;
        for (Block b : blocks(field, text)) {
            n++;
            if (!isCertificateLabel(b.label())) {
                throw invalid(field, "holds a \"" + b.label() + "\" block (block " + n + "); only CERTIFICATE blocks belong here"
                        + (b.label().contains("PRIVATE KEY") ? " — the private key goes in privateKey" : ""));
            }
            out.add(parseCertificate(field, b.der(), n));
        }
        return out;
    }

    public static X509Certificate parseCertificate(String field, byte[] der, int blockNumber) {
        try {
            X509Certificate c = (X509Certificate) X509.get().generateCertificate(new ByteArrayInputStream(der));
            // The JDK factory ignores trailing bytes; a certificate that re-encodes differently is
            // not what the user thinks it is.
            if (c.getEncoded().length != der.length) {
                throw invalid(field, "block " + blockNumber + " has bytes after the certificate");
            }
            return c;
        } catch (CertificateException | RuntimeException e) {
            if (e instanceof ProblemException p) {
                throw p;
            }
            throw invalid(field, "block " + blockNumber + " is not a valid X.509 certificate");
        }
    }

    /** PEM text of certificates, LF line endings, 64-character lines. */
    public static String encode(List<X509Certificate> certificates) {
        StringBuilder sb = new StringBuilder();
        Base64.Encoder enc = Base64.getMimeEncoder(64, new byte[]{'\n'});
        for (X509Certificate c : certificates) {
            try {
                sb.append("-----BEGIN CERTIFICATE-----\n")
                        .append(enc.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    static ProblemException invalid(String field, String why) {
        return ProblemException.of(new Violation(field, ErrorCode.InvalidPem, field + " " + why));
    }
}
