package io.edgecert.events;

import java.util.Optional;

/** The SMTP server email notifications go through. The password is never printed. */
public record SmtpSettings(String host, int port, Optional<String> user, Optional<String> password, String from,
                           Security security) {

    /** How the connection to the server is protected. */
    public enum Security {
        /** Plain connection upgraded with STARTTLS, which is required (port 587). */
        STARTTLS(587),
        /** TLS from the first byte, "SMTPS" (port 465). */
        TLS(465),
        /** No encryption: only for a relay on the same host or network (port 25). */
        NONE(25);

        private final int defaultPort;

        Security(int defaultPort) {
            this.defaultPort = defaultPort;
        }

        public int defaultPort() {
            return defaultPort;
        }
    }

    @Override
    public String toString() {
        return "SmtpSettings[" + host + ":" + port + ", " + security + ", user=" + user.orElse("-")
                + ", password=" + (password.isPresent() ? "(redacted)" : "-") + ", from=" + from + "]";
    }
}
