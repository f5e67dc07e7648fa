package io.edgecert.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * AES-256-GCM for private keys at rest. The associated data binds a ciphertext to the record it
 * belongs to (the certificate id), so a ciphertext copied onto another row does not decrypt.
 *
 * <p>Layout: {@code [1 byte format version = 1][12 byte nonce][ciphertext + 16 byte tag]}. The
 * version byte leaves room for key rotation without guessing.
 */
public final class KeyCipher {
    private static final byte FORMAT_V1 = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final MasterKey masterKey;
    private final SecureRandom random = new SecureRandom();

    public KeyCipher(MasterKey masterKey) {
        this.masterKey = masterKey;
    }

    public byte[] encrypt(byte[] plaintext, String associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, masterKey.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT_V1).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The caller owns the returned bytes and should wipe them when done. */
    public byte[] decrypt(byte[] blob, String associatedData) {
        if (blob.length < 1 + NONCE_BYTES + TAG_BITS / 8 || blob[0] != FORMAT_V1) {
            throw new KeyDecryptionException("stored key has an unknown format");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, masterKey.secretKey(),
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(blob, 1, 1 + NONCE_BYTES)));
            c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(blob, 1 + NONCE_BYTES, blob.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new KeyDecryptionException("stored key does not decrypt with master key " + masterKey.id()
                    + " (wrong master key, or the row was tampered with)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public static final class KeyDecryptionException extends RuntimeException {
        public KeyDecryptionException(String message) {
            super(message);
        }
    }
}
