package io.edgecert.edge;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * One certificate and its key, handed to the TLS stack directly. netty's key-and-chain builder
 * path puts them into a PKCS#12 KeyStore first, whose PBKDF2 key protection costs ~10 ms per SSL
 * context (measured: 13 ms per context build with it, see README "Benchmarks"); with 10,000
 * certificates that is the difference between serving a cold name at once and after a stall.
 */
final class FixedKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "edgecert";

    private final PrivateKey key;
    private final X509Certificate[] chain;
    /** BoringSSL asks per key-exchange type and copes with a mismatch; the JDK needs the right answer. */
    private final boolean anyKeyType;
    /** Another signer holds the key (SystemOpenSslRsa): BoringSSL gets the chain alone and calls it. */
    private final boolean withholdKey;

    FixedKeyManager(PrivateKey key, X509Certificate[] chain, boolean anyKeyType, boolean withholdKey) {
        this.key = key;
        this.chain = chain.clone();
        this.anyKeyType = anyKeyType;
        this.withholdKey = withholdKey;
    }

    private String aliasFor(String keyType) {
        return anyKeyType || key.getAlgorithm().equals(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String a = aliasFor(keyType);
        return a == null ? null : new String[]{a};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) && !withholdKey ? key : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String toString() {
        return "FixedKeyManager[" + chain[0].getSubjectX500Principal() + ", key=(redacted)]";
    }
}
