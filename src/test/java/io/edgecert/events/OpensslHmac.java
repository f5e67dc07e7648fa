package io.edgecert.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** HMAC-SHA256 computed by openssl, a second opinion that shares no code with edgecert. */
final class OpensslHmac {
    private OpensslHmac() {
    }

    static String hex(String key, String message) {
        try {
            Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", key, "-r").start();
            p.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("openssl failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            return out.split("\\s+")[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
