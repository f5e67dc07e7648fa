package io.edgecert.edge;

import io.edgecert.config.Env;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static java.util.Map.entry;

/**
 * How the edge listens and behaves (api.md, "Running"; README "The edge").
 *
 * @param defaultCertificate PEM chain + key files served for the distributions' own domain names
 *                           and unknown names; generated for {@code *.<edge domain>} when absent
 * @param strictSni          refuse handshakes without SNI or for names no distribution serves,
 *                           instead of answering with the default certificate
 * @param transport          socket layer: epoll where it loads (AUTO), or forced
 * @param sslContextCacheSize SSL contexts kept built (one per certificate and TLS policy); the
 *                           rest are rebuilt on demand from in-memory sealed material
 * @param originIdleTimeout  longest silence of an origin once its response has started; then the
 *                           exchange is cut (a stalled body must not hold a client forever)
 * @param accessLog          EDGECERT_ACCESS_LOG: "stdout" or a file path; empty: no access log
 * @param cache              the object store's tiers and limits (EDGECERT_CACHE_*, docs/caching.md)
 */
public record EdgeSettings(String bind, int httpsPort, int httpPort, String edgeDomain,
                           Optional<Path> defaultCertificate, Optional<Path> defaultPrivateKey, boolean strictSni,
                           int sslContextCacheSize, TlsProvider tlsProvider, Duration originConnectTimeout,
                           Duration originResponseTimeout, Duration originIdleTimeout, Optional<Path> originTrustStore,
                           int workerThreads, EdgeTransport.Choice transport, RsaSigner rsaSigner,
                           Optional<String> accessLog, io.edgecert.edge.cache.CacheSettings cache) {

    /** Which TLS implementation serves: BoringSSL when it loads (AUTO), or forced. */
    public enum TlsProvider { AUTO, OPENSSL, JDK }

    /** Who makes RSA signatures under BoringSSL: the system's OpenSSL 3 when it loads (AUTO), or forced. */
    public enum RsaSigner { AUTO, OPENSSL, BORINGSSL }

    public static EdgeSettings from(Map<String, String> environment, int httpsPort, int httpPort, String edgeDomain) {
        return from(new Env(environment), httpsPort, httpPort, edgeDomain);
    }

    public static EdgeSettings from(Env env, int httpsPort, int httpPort, String edgeDomain) {
        Optional<Path> cert = env.file("EDGECERT_EDGE_DEFAULT_CERTIFICATE");
        Optional<Path> key = env.file("EDGECERT_EDGE_DEFAULT_PRIVATE_KEY");
        if (cert.isPresent() != key.isPresent()) {
            throw new io.edgecert.config.ConfigException("EDGECERT_EDGE_DEFAULT_CERTIFICATE and EDGECERT_EDGE_DEFAULT_PRIVATE_KEY go together");
        }
        TlsProvider provider = env.choice("EDGECERT_EDGE_TLS_PROVIDER", TlsProvider.AUTO, entry("auto", TlsProvider.AUTO),
                entry("openssl", TlsProvider.OPENSSL), entry("boringssl", TlsProvider.OPENSSL), entry("jdk", TlsProvider.JDK));
        return new EdgeSettings(env.get("EDGECERT_EDGE_BIND").orElse("0.0.0.0"), httpsPort, httpPort, edgeDomain,
                cert, key, env.flag("EDGECERT_EDGE_STRICT_SNI", false),
                env.integer("EDGECERT_EDGE_SSL_CONTEXT_CACHE", 16, 1_000_000, 50_000), provider,
                env.duration("EDGECERT_EDGE_ORIGIN_CONNECT_TIMEOUT", Duration.ofSeconds(5)),
                env.duration("EDGECERT_EDGE_ORIGIN_RESPONSE_TIMEOUT", Duration.ofSeconds(60)),
                env.duration("EDGECERT_EDGE_ORIGIN_IDLE_TIMEOUT", Duration.ofSeconds(60)),
                env.file("EDGECERT_EDGE_ORIGIN_TRUST_STORE"),
                env.integer("EDGECERT_EDGE_THREADS", 0, 1024, 0),
                env.choice("EDGECERT_EDGE_TRANSPORT", EdgeTransport.Choice.AUTO, entry("auto", EdgeTransport.Choice.AUTO),
                        entry("epoll", EdgeTransport.Choice.EPOLL), entry("nio", EdgeTransport.Choice.NIO)),
                env.choice("EDGECERT_EDGE_RSA_SIGNER", RsaSigner.AUTO, entry("auto", RsaSigner.AUTO),
                        entry("openssl", RsaSigner.OPENSSL), entry("boringssl", RsaSigner.BORINGSSL)),
                accessLog(env), io.edgecert.edge.cache.CacheSettings.from(env));
    }

    /** "stdout", or a file whose directory exists (the file is created, then appended to). */
    private static Optional<String> accessLog(Env env) {
        Optional<String> target = env.get("EDGECERT_ACCESS_LOG");
        target.filter(t -> !t.equalsIgnoreCase("stdout")).ifPresent(t -> {
            Path dir = Path.of(t).toAbsolutePath().getParent();
            if (dir == null || !java.nio.file.Files.isDirectory(dir) || java.nio.file.Files.isDirectory(Path.of(t))) {
                throw new io.edgecert.config.ConfigException("EDGECERT_ACCESS_LOG must be stdout or a file in an existing directory, got '"
                        + t + "'");
            }
        });
        return target;
    }
}
