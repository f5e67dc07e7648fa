package io.edgecert.crypto;


import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The bearer token with full rights. Compared by SHA-256 digest in constant time, so neither the
 * length nor a prefix of the token leaks through timing.
 */
public final class AdminToken {
    public static final String FILE_NAME = "admin.token";

    private final byte[] digest;

    private AdminToken(String token) {
        if (token.length() < 16) {
            throw new IllegalArgumentException("EDGECERT_ADMIN_TOKEN must be at least 16 characters");
        }
        this.digest = sha256(token);
    }

    public static AdminToken of(String token) {
        return new AdminToken(token);
    }

    public static AdminToken load(Optional<String> fromEnv, Path dataDir, Consumer<String> announce) {
        if (fromEnv.isPresent()) {
            return new AdminToken(fromEnv.get());
        }
        Path file = dataDir.resolve(FILE_NAME);
        SecretFile.Loaded loaded = SecretFile.readOrCreate(file, AdminToken::generate);
        if (loaded.created()) {
            announce.accept("Generated the admin token into " + file.toAbsolutePath()
                    + " (mode 0600). Use it as 'Authorization: Bearer <token>' or EDGECERT_TOKEN for the CLI.");
        }
        return new AdminToken(loaded.value());
    }

    static String generate() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return "ect_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(digest, sha256(candidate));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "AdminToken[(redacted)]";
    }
}
