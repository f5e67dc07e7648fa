package io.edgecert.crypto;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The 256-bit key that encrypts private keys at rest. Given as EDGECERT_MASTER_KEY (base64 of 32
 * bytes) or generated once into {@code master.key} in the data dir. Only its short id (a hash
 * prefix) is ever printed, so operators can tell which key a node runs with.
 */
public final class MasterKey {
    public static final String FILE_NAME = "master.key";

    private final SecretKey key;
    private final String id;

    private MasterKey(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes (base64 of 32 random bytes), got "
                    + raw.length + " bytes");
        }
        this.key = new SecretKeySpec(raw, "AES");
        this.id = shortId(raw);
    }

    public static MasterKey fromBase64(String base64) {
        try {
            return new MasterKey(Base64.getDecoder().decode(base64.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("EDGECERT_MASTER_KEY is not valid: " + e.getMessage()
                    + " (generate one with: openssl rand -base64 32)");
        }
    }

    /** From the environment value if set, else the data dir file (created on first start). */
    public static MasterKey load(Optional<String> fromEnv, Path dataDir, java.util.function.Consumer<String> announce) {
        if (fromEnv.isPresent()) {
            return fromBase64(fromEnv.get());
        }
        Path file = dataDir.resolve(FILE_NAME);
        SecretFile.Loaded loaded = SecretFile.readOrCreate(file, MasterKey::generateBase64);
        MasterKey k = fromBase64(loaded.value());
        if (loaded.created()) {
            announce.accept("Generated a new master key in " + file.toAbsolutePath()
                    + " (mode 0600, id " + k.id() + "). Back it up: without it the stored private keys cannot be decrypted.");
        }
        return k;
    }

    public static String generateBase64() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    SecretKey secretKey() {
        return key;
    }

    /** First 8 hex digits of SHA-256 over the key: identifies, reveals nothing. */
    public String id() {
        return id;
    }

    private static String shortId(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[id=" + id + "]";
    }
}
