package io.edgecert.web.console;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordsTest {
    @Test
    void passwordsRoundTripAndRefuseWeakOnes() {
        String hash = Passwords.hash("a long enough password");
        assertThat(hash).startsWith("pbkdf2-sha256$600000$");
        assertThat(Passwords.verify("a long enough password", hash)).isTrue();
        assertThat(Passwords.verify("a long enough passwore", hash)).isFalse();
        assertThat(Passwords.hash("a long enough password")).isNotEqualTo(hash);
        assertThat(Passwords.problem("short", "admin")).contains("at least 12");
        assertThat(Passwords.generate()).hasSize(20);
    }
}
