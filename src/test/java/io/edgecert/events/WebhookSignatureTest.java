package io.edgecert.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {
    static final String SECRET = "whsec_test-secret";
    static final byte[] BODY = "{\"id\":\"e1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aKnownVector() {
        // printf '1700000000.{"id":"e1"}' | openssl dgst -sha256 -hmac whsec_test-secret
        assertThat(WebhookSignature.header(SECRET, 1_700_000_000L, BODY))
                .isEqualTo("t=1700000000,v1=" + OpensslHmac.hex(SECRET, "1700000000.{\"id\":\"e1\"}"));
    }

    @Test
    void verifyAcceptsOnlyTheRightSecretBodyAndARecentTime() {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        String header = WebhookSignature.header(SECRET, now.getEpochSecond(), BODY);
        Duration fiveMinutes = Duration.ofMinutes(5);

        assertThat(WebhookSignature.verify(SECRET, header, BODY, now.plusSeconds(60), fiveMinutes)).isTrue();
        assertThat(WebhookSignature.verify("whsec_other", header, BODY, now, fiveMinutes)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, header, "{\"id\":\"e2\"}".getBytes(StandardCharsets.UTF_8), now, fiveMinutes)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, now.plus(Duration.ofMinutes(6)), fiveMinutes)).as("replayed later").isFalse();
        assertThat(WebhookSignature.verify(SECRET, header.replace("t=1700000000", "t=1700000001"), BODY, now, fiveMinutes)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "t=1700000000,v1=00,v1=" + header.substring(header.indexOf("v1=") + 3), BODY,
                now, fiveMinutes)).as("one of several v1 values matches").isTrue();
        assertThat(WebhookSignature.verify(SECRET, "garbage", BODY, now, fiveMinutes)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, null, BODY, now, fiveMinutes)).isFalse();
    }
}
