package io.edgecert.edge;

import io.edgecert.serving.MinimumProtocol;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslPrivateKeyMethod;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.handler.ssl.util.TrustManagerFactoryWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.interfaces.RSAPrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the edge's SSL contexts with one provider for the whole process: BoringSSL
 * (netty-tcnative) where the native library loads, else the JDK's, said once at start-up. With
 * BoringSSL contexts are reference counted (OPENSSL_REFCNT) so native memory is freed the moment
 * the last user releases them, not at some later GC.
 */
final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    /** The JDK spells cipher suites by their IANA names. */
    private static final Map<String, String> JDK_CIPHER_NAMES = Map.ofEntries(
            Map.entry("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-ECDSA-AES128-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("AES128-SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256"));
    private static final List<String> TLS13_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    /**
     * The edge asks for no client certificates. Without a trust manager of its own netty hands
     * BoringSSL the JDK's ~140 roots as "acceptable issuers" for every context: 9 of the 10 ms a
     * context build took (JFR, setCACertificateBio). This one names none and accepts none.
     */
    private static final TrustManagerFactoryWrapper NO_CLIENT_CERTIFICATES = new TrustManagerFactoryWrapper(
            new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    throw new CertificateException("the edge does not accept client certificates");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    throw new CertificateException("not a client");
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            });

    private final SslProvider provider;
    private final Map<MinimumProtocol, List<String>> ciphers;
    /** Who makes RSA signatures under BoringSSL: the system's OpenSSL where it loads, else BoringSSL. */
    private final Optional<SystemOpenSslRsa> rsa;

    TlsContexts(EdgeSettings.TlsProvider wanted, EdgeSettings.RsaSigner rsaSigner) {
        boolean native_ = OpenSsl.isAvailable();
        this.provider = switch (wanted) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!native_) {
                    throw new IllegalStateException("EDGECERT_EDGE_TLS_PROVIDER=openssl but BoringSSL does not load here: "
                            + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL_REFCNT;
            }
            case AUTO -> native_ ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK;
        };
        this.ciphers = cipherLists(provider);
        if (provider == SslProvider.JDK && wanted == EdgeSettings.TlsProvider.AUTO) {
            log.warn("Edge TLS falls back to the JDK provider: BoringSSL (netty-tcnative) does not load on this machine ({}). "
                    + "Handshakes will be slower.", String.valueOf(OpenSsl.unavailabilityCause()));
        } else {
            log.info("Edge TLS provider: {}", provider == SslProvider.JDK ? "JDK" : OpenSsl.versionString());
        }
        this.rsa = provider == SslProvider.JDK ? Optional.empty() : rsaSigner(rsaSigner);
    }

    private static Optional<SystemOpenSslRsa> rsaSigner(EdgeSettings.RsaSigner wanted) {
        if (wanted == EdgeSettings.RsaSigner.BORINGSSL) {
            log.info("Edge RSA signatures: BoringSSL (EDGECERT_EDGE_RSA_SIGNER=boringssl)");
            return Optional.empty();
        }
        try {
            SystemOpenSslRsa loaded = SystemOpenSslRsa.load();
            log.info("Edge RSA signatures: {} (system libcrypto, through BoringSSL's private-key hook)", loaded.version());
            return Optional.of(loaded);
        } catch (Exception | LinkageError e) {
            if (wanted == EdgeSettings.RsaSigner.OPENSSL) {
                throw new IllegalStateException("EDGECERT_EDGE_RSA_SIGNER=openssl but the system OpenSSL signer does not load: " + e, e);
            }
            log.info("Edge RSA signatures: BoringSSL (the system OpenSSL signer does not load here: {})", e.toString());
            return Optional.empty();
        }
    }

    /** "openssl" when the system's OpenSSL makes the edge's RSA signatures, else "boringssl" or "jdk". */
    String rsaSignerName() {
        return rsa.isPresent() ? "openssl" : provider == SslProvider.JDK ? "jdk" : "boringssl";
    }

    Optional<SystemOpenSslRsa> systemOpenSslRsa() {
        return rsa;
    }

    String providerName() {
        return provider == SslProvider.JDK ? "JDK" : "BoringSSL";
    }

    boolean referenceCounted() {
        return provider == SslProvider.OPENSSL_REFCNT;
    }

    /** A server context for one certificate under one TLS policy, offering h2 and http/1.1. */
    SslContext server(List<X509Certificate> chain, PrivateKey key, MinimumProtocol policy) throws SSLException {
        X509Certificate[] certs = chain.toArray(new X509Certificate[0]);
        Optional<OpenSslPrivateKeyMethod> offload = rsa.isPresent() && key instanceof RSAPrivateKey rsaKey
                ? Optional.of(rsa.get().keyMethod(rsaKey)) : Optional.empty();
        SslContextBuilder b = (provider == SslProvider.JDK
                ? SslContextBuilder.forServer(new FixedKeyManager(key, certs, false, false))
                // the caching factory converts key and chain to BoringSSL's form once, on first use
                : SslContextBuilder.forServer(new OpenSslCachingX509KeyManagerFactory(
                        new KeyManagerFactoryWrapper(new FixedKeyManager(key, certs, true, offload.isPresent())))))
                .sslProvider(provider)
                .trustManager(NO_CLIENT_CERTIFICATES)
                .protocols(policy.protocols())
                .applicationProtocolConfig(ALPN);
        List<String> suites = ciphers.get(policy);
        if (provider == SslProvider.JDK) {
            b.ciphers(suites, SupportedCipherSuiteFilter.INSTANCE);
        } else if (!policy.tls12Ciphers().isEmpty()) {
            b.ciphers(suites);
        }
        offload.ifPresent(method -> b.option(OpenSslContextOption.PRIVATE_KEY_METHOD, method));
        SslContext built = b.build();
        if (built.sessionContext() instanceof OpenSslSessionContext sessions) {
            // Resumption rides on session tickets (stateless, nginx's default too). netty's
            // server-side cache would keep up to 20,480 sessions per SSL context, that is per
            // certificate here, and insert into it on every full handshake.
            sessions.setSessionCacheEnabled(false);
        }
        return built;
    }

    /** Each policy's cipher list for this provider, worked out once (contexts are built during handshakes). */
    private static Map<MinimumProtocol, List<String>> cipherLists(SslProvider provider) {
        Map<MinimumProtocol, List<String>> out = new EnumMap<>(MinimumProtocol.class);
        for (MinimumProtocol policy : MinimumProtocol.values()) {
            List<String> list = new ArrayList<>(TLS13_CIPHERS);
            if (provider == SslProvider.JDK) {
                policy.tls12Ciphers().stream().map(JDK_CIPHER_NAMES::get).forEach(list::add);
            } else {
                // BoringSSL's TLS 1.3 suites are fixed, but netty turns TLS 1.3 off when the list it
                // is given names none of them, so they lead the list (netty keeps those names as is).
                // BoringSSL dropped the CBC suites with SHA-256 MACs that the 2018/2019 policies
                // list: naming one fails the whole context, so only the suites it has are offered.
                policy.tls12Ciphers().stream().filter(OpenSsl::isCipherSuiteAvailable).forEach(list::add);
            }
            out.put(policy, List.copyOf(list));
        }
        return out;
    }

    /** The client context for HTTPS origins: verifies the origin's chain and name by default. */
    SslContext originClient(Optional<Path> trustStore) throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(provider == SslProvider.JDK ? SslProvider.JDK : SslProvider.OPENSSL)
                .endpointIdentificationAlgorithm("HTTPS");
        if (trustStore.isPresent()) {
            try (InputStream in = Files.newInputStream(trustStore.get())) {
                List<X509Certificate> anchors = new ArrayList<>();
                CertificateFactory.getInstance("X.509").generateCertificates(in)
                        .forEach(c -> anchors.add((X509Certificate) c));
                b.trustManager(anchors);
            }
        }
        return b.build();
    }
}
