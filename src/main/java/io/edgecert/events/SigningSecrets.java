package io.edgecert.events;

import io.edgecert.crypto.KeyCipher;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Webhook signing secrets: generated per subscription, shown once, kept only as ciphertext under
 * the master key with the subscription id as associated data (a ciphertext copied onto another
 * subscription does not decrypt).
 */
final class SigningSecrets {
    static final String PREFIX = "whsec_";

    private final KeyCipher cipher;
    private final SecureRandom random = new SecureRandom();

    SigningSecrets(KeyCipher cipher) {
        this.cipher = cipher;
    }

    /** 256 random bits, URL-safe, with a prefix that makes a leaked secret easy to recognise. */
    String generate() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    byte[] seal(String secret, String subscriptionId) {
        return cipher.encrypt(secret.getBytes(StandardCharsets.UTF_8), subscriptionId);
    }

    String open(byte[] sealed, String subscriptionId) {
        byte[] plain = cipher.decrypt(sealed, subscriptionId);
        try {
            return new String(plain, StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }
}
