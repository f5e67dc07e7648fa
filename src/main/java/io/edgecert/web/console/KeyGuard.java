package io.edgecert.web.console;

import io.edgecert.certificates.x509.Pem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The certificate and chain boxes of a refused form go back to the browser (without htmx the page
 * is rendered again), so a box holding a private key (a cert+key bundle pasted into the wrong box)
 * must not: it is refused with an error saying where the key belongs, and comes back empty.
 */
final class KeyGuard {
    static final String MESSAGE = "a private key was found in this field; it belongs in the private key field."
            + " This field was cleared so that the key is not sent back: paste only the certificates here";

    private KeyGuard() {
    }

    static boolean holdsKey(String text) {
        return Pem.mayHoldPrivateKey(text); // any label: PRIVATE KEY, ENCRYPTED, RSA/EC/DSA/OPENSSH, any case
    }

    /** What may be sent back in a certificate or chain box: the text, or nothing if it holds a key. */
    static String echo(String text) {
        return holdsKey(text) ? "" : text;
    }

    /** Adds the field error for each of these boxes (field name, submitted text) that holds a key. */
    static void check(Map<String, List<String>> errors, Map<String, String> boxes) {
        boxes.forEach((field, text) -> {
            if (holdsKey(text)) {
                errors.computeIfAbsent(field, k -> new ArrayList<>()).add(MESSAGE);
            }
        });
    }
}
