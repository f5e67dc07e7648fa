package io.edgecert.certificates.x509;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written base64 line check answers exactly as the regex it replaced. */
class PemBase64LineTest {
    private static final Pattern REPLACED = Pattern.compile("^[A-Za-z0-9+/]*={0,2}$");
    private static final String ALPHABET = "Aaz09+/=-: _.\u00e9";

    @Test
    void agreesWithTheRegexOnEdgeCasesAndRandomLines() {
        for (String s : new String[]{"", "=", "==", "===", "QUJD", "QUI=", "QQ==", "QQ===", "Q=Q", "a+b/c", "ab cd", "-----",
                "Proc-Type: 4,ENCRYPTED", "\u00e9t\u00e9"}) {
            assertThat(Pem.isBase64Line(s)).as("'%s'", s).isEqualTo(REPLACED.matcher(s).matches());
        }
        Random random = new Random(42);
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                // mostly base64 characters, so that accepted lines are common too
                b.append(random.nextInt(4) > 0 ? "ABCxyz019+/".charAt(random.nextInt(11)) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String s = b.toString();
            boolean expected = REPLACED.matcher(s).matches();
            assertThat(Pem.isBase64Line(s)).as("'%s'", s).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        assertThat(accepted).as("the random lines include valid ones").isGreaterThan(1_000);
    }
}
