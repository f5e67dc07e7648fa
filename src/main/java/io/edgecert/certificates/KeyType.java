package io.edgecert.certificates;

import java.util.Optional;

/** The key algorithms and sizes edgecert accepts (import-rules A7), named as the API shows them. */
public enum KeyType {
    RSA_1024("RSA", 1024),
    RSA_2048("RSA", 2048),
    RSA_3072("RSA", 3072),
    RSA_4096("RSA", 4096),
    EC_prime256v1("EC", 256),
    EC_secp384r1("EC", 384),
    EC_secp521r1("EC", 521);

    private final String algorithm;
    private final int bits;

    KeyType(String algorithm, int bits) {
        this.algorithm = algorithm;
        this.bits = bits;
    }

    /** "RSA" or "EC", as the JCA names the key algorithm. */
    public String algorithm() {
        return algorithm;
    }

    public int bits() {
        return bits;
    }

    /** Human text for review pages and messages, e.g. "RSA 2048" or "EC prime256v1". */
    public String displayName() {
        return algorithm + " " + (algorithm.equals("RSA") ? String.valueOf(bits) : name().substring(3));
    }

    public static Optional<KeyType> of(String algorithm, int bits) {
        for (KeyType t : values()) {
            if (t.algorithm.equals(algorithm) && t.bits == bits) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
