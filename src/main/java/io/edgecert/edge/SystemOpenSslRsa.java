package io.edgecert.edge;

import io.netty.handler.ssl.OpenSslPrivateKeyMethod;

import javax.net.ssl.SSLEngine;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.interfaces.RSAPrivateKey;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * RSA private-key operations by the system's OpenSSL 3 (libcrypto.so.3), through BoringSSL's
 * private-key-method hook: BoringSSL runs the handshake, OpenSSL makes the one RSA signature (or,
 * for RSA key exchange, the decryption). OpenSSL 3.0 has AVX-512 IFMA code for RSA that BoringSSL
 * lacks; on this project's CPUs an RSA-2048 signature costs less than half (README "Benchmarks").
 * The native part is {@code src/main/c/edgecert_rsa.c}, built by Maven where gcc is present.
 */
final class SystemOpenSslRsa {
    private static final String LIBRARY = "/native/linux-x86_64/libedgecert-rsa.so";
    private static final Cleaner KEYS = Cleaner.create();

    private final String version;
    private final LongAdder signatures = new LongAdder();
    private final LongAdder decryptions = new LongAdder();

    private SystemOpenSslRsa(String version) {
        this.version = version;
    }

    /** OpenSSL's version once the native part is loaded, or why it cannot run here. */
    private record Library(Optional<String> version, Optional<Exception> failure) {
    }

    /**
     * The native part, loaded once per JVM: a second copy of the library would get native
     * methods bound to either copy (the JVM picks one per method), and its digests would never be
     * initialised.
     */
    private static Library library;

    /** A signer for one edge (its own counters); throws with the reason when it cannot run on this machine. */
    static SystemOpenSslRsa load() throws Exception {
        Library loaded = loadLibrary();
        if (loaded.failure().isPresent()) {
            throw loaded.failure().get();
        }
        return new SystemOpenSslRsa(loaded.version().orElseThrow());
    }

    private static synchronized Library loadLibrary() {
        if (library == null) {
            try {
                library = new Library(Optional.of(loadOnce()), Optional.empty());
            } catch (Exception e) {
                library = new Library(Optional.empty(), Optional.of(e));
            } catch (LinkageError e) {
                library = new Library(Optional.empty(), Optional.of(new IllegalStateException(e.toString(), e)));
            }
        }
        return library;
    }

    private static String loadOnce() throws Exception {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsupportedOperationException("built for Linux x86_64 only, this is " + os + " " + arch);
        }
        Path file;
        try (InputStream in = SystemOpenSslRsa.class.getResourceAsStream(LIBRARY)) {
            if (in == null) {
                throw new UnsupportedOperationException("the jar has no " + LIBRARY
                        + " (it is built only where gcc was present at build time)");
            }
            file = Files.createTempFile("edgecert-rsa", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            System.load(file.toString()); // fails here when libcrypto.so.3 is missing
        } finally {
            Files.deleteIfExists(file); // the mapping stays; nothing is left in the temp dir
        }
        return init();
    }

    /** OpenSSL's own version string, for the start-up log. */
    String version() {
        return version;
    }

    /** Operations so far (tests and the metrics show that OpenSSL, not BoringSSL, did them). */
    long signatures() {
        return signatures.sum();
    }

    long decryptions() {
        return decryptions.sum();
    }

    /**
     * The private-key method for one certificate's key: the key is copied into OpenSSL's memory,
     * freed once the SSL context holding the method is gone (the context owns the only reference).
     */
    OpenSslPrivateKeyMethod keyMethod(RSAPrivateKey key) {
        byte[] der = key.getEncoded();
        long handle;
        try {
            handle = parseKey(der);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
        KeyMethod method = new KeyMethod(handle, signatures, decryptions);
        long owned = handle;
        KEYS.register(method, () -> freeKey(owned));
        return method;
    }

    private static final class KeyMethod implements OpenSslPrivateKeyMethod {
        private final long handle;
        private final LongAdder signatures;
        private final LongAdder decryptions;

        KeyMethod(long handle, LongAdder signatures, LongAdder decryptions) {
            this.handle = handle;
            this.signatures = signatures;
            this.decryptions = decryptions;
        }

        @Override
        public byte[] sign(SSLEngine engine, int signatureAlgorithm, byte[] input) {
            try {
                byte[] signature = SystemOpenSslRsa.sign(handle, signatureAlgorithm, input);
                signatures.increment();
                return signature;
            } finally {
                Reference.reachabilityFence(this); // the cleaner must not free the key mid-call
            }
        }

        @Override
        public byte[] decrypt(SSLEngine engine, byte[] input) {
            try {
                byte[] plain = SystemOpenSslRsa.decrypt(handle, input);
                decryptions.increment();
                return plain;
            } finally {
                Reference.reachabilityFence(this);
            }
        }
    }

    private static native String init();

    private static native long parseKey(byte[] pkcs8);

    private static native void freeKey(long key);

    private static native byte[] sign(long key, int signatureScheme, byte[] input);

    private static native byte[] decrypt(long key, byte[] input);
}
