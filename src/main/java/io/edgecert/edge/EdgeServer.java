package io.edgecert.edge;

import io.edgecert.edge.cache.CacheStore;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.serving.KeyProvider;
import io.edgecert.serving.SealedMaterial;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * edgecert's TLS edge. Two listeners (HTTPS, and plain HTTP, where a behavior's viewer protocol
 * policy redirects, refuses or serves); the pipelines, in order:
 * <pre>
 *   https: idle → sni (EdgeSniHandler, becomes SslHandler) → alpn (AlpnHandler)
 *        → h1: http codec → keep-alive → expect → request stages
 *        → h2: frame codec → multiplexer → per stream: h2-to-http → expect → request stages
 *   http:  idle → http codec → keep-alive → expect → request stages
 * </pre>
 * The request stages are {@link RequestPipeline}'s: sequencer (HTTP/1.1) → route → viewer → log
 * → headers → cache → compress → origin.
 * {@link #apply} is how the deployment tells the edge what to serve: certificates are made ready
 * first, then the route table is swapped in one write, so a handshake sees the old or the new
 * table whole and established connections go on with the context they have.
 */
public final class EdgeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);
    private static final int CLIENT_IDLE_SECONDS = 120;

    private final EdgeSettings settings;
    private final TlsContexts tls;
    private final ServingCertificates certificates;
    /** The default certificate once per policy: a distribution's own name keeps its minimum TLS version. */
    private final Map<MinimumProtocol, SslContext> defaultContexts = new EnumMap<>(MinimumProtocol.class);
    private final OriginPools origins;
    private final EdgeTransport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Counter handshakes;
    private final Counter handshakeFailures;
    /** What this node served, per distribution: the console's charts read it, the request path's last stage records. */
    private final Traffic traffic = new Traffic(java.time.Clock.systemUTC());
    private final Optional<AccessLog> accessLog;
    /** This node's cached objects: the cache stage reads and fills it, invalidations purge it. */
    private final CacheStore cache;
    private volatile RouteTable routes = RouteTable.EMPTY;
    private Channel httpsChannel;
    private Channel httpChannel;

    private EdgeServer(EdgeSettings settings, Supplier<KeyProvider> source, MeterRegistry metrics) throws Exception {
        this.settings = settings;
        this.tls = new TlsContexts(settings.tlsProvider(), settings.rsaSigner());
        this.certificates = new ServingCertificates(source, tls, settings.sslContextCacheSize());
        DefaultCertificate defaults = DefaultCertificate.load(settings.defaultCertificate(), settings.defaultPrivateKey(),
                settings.edgeDomain());
        for (MinimumProtocol policy : MinimumProtocol.values()) {
            defaultContexts.put(policy, tls.server(defaults.chain(), defaults.key(), policy));
        }
        this.transport = EdgeTransport.select(settings.transport());
        this.origins = new OriginPools(transport, settings.originConnectTimeout(), settings.originIdleTimeout(),
                tls.originClient(settings.originTrustStore()));
        this.boss = transport.newGroup(1);
        // One event loop per core, not netty's 2 × cores: on 2 cores that proxies 42,000 keep-alive
        // requests/s instead of 32,000 (bench/edge, wrk -c32), the extra threads only trade places.
        this.workers = transport.newGroup(settings.workerThreads() > 0 ? settings.workerThreads()
                : Runtime.getRuntime().availableProcessors());
        this.accessLog = AccessLog.open(settings.accessLog(), metrics);
        this.cache = new CacheStore(settings.cache(), metrics);
        this.handshakes = Counter.builder("edgecert_edge_handshakes").description("TLS handshakes completed")
                .register(metrics);
        this.handshakeFailures = Counter.builder("edgecert_edge_handshake_failures")
                .description("TLS handshakes refused or failed").register(metrics);
        Gauge.builder("edgecert_edge_routes", this, e -> e.routes.size()).description("distributions served")
                .register(metrics);
        Gauge.builder("edgecert_edge_certificates_loaded", certificates, ServingCertificates::materialCount)
                .description("certificates held in memory (sealed)").register(metrics);
        Gauge.builder("edgecert_edge_ssl_contexts", certificates, ServingCertificates::contextCount)
                .description("SSL contexts built and cached").register(metrics);
        tls.systemOpenSslRsa().ifPresent(rsa -> Map.<String, ToDoubleFunction<SystemOpenSslRsa>>of(
                "sign", SystemOpenSslRsa::signatures, "decrypt", SystemOpenSslRsa::decryptions).forEach((operation, count) ->
                FunctionCounter.builder("edgecert_edge_openssl_rsa_operations", rsa, count)
                        .description("RSA private-key operations made by the system's OpenSSL").tag("operation", operation)
                        .register(metrics)));
        log.info("Edge default certificate: {}", defaults.generated()
                ? "generated, self-signed for *." + settings.edgeDomain() : defaults.chain().get(0).getSubjectX500Principal());
    }

    /**
     * @param source the key provider, asked for only when routes are applied or a handshake needs a
     *               key (a node opens its database while the edge starts)
     */
    public static EdgeServer start(EdgeSettings settings, Supplier<KeyProvider> source, MeterRegistry metrics) throws Exception {
        EdgeServer server = new EdgeServer(settings, source, metrics);
        try {
            server.bind();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bind() throws InterruptedException {
        EdgeSniHandler.Lookup lookup = new EdgeSniHandler.Lookup() {
            @Override
            public RouteTable routes() {
                return routes;
            }

            @Override
            public Optional<SslContext> retainedContext(RouteTable.Match match) throws Exception {
                EdgeRoute r = match.route();
                return certificates.retainedContext(r.certificateId().orElseThrow(), r.minimumProtocol());
            }

            @Override
            public Optional<SslContext> retainedDefault(MinimumProtocol policy, boolean ownDomainName) {
                return settings.strictSni() && !ownDomainName ? Optional.empty()
                        : Optional.of(ReferenceCountUtil.retain(defaultContexts.get(policy)));
            }
        };
        // The stages of other parts join here, one line each: .withHeaders(...), .withCache(...), .withCompress(...)
        RequestPipeline.Stages stages = RequestPipeline.Stages.NONE
                .withHeaders(ResponseHeadersHandler::new)
                .withCache(CacheStage.factory(cache, java.time.Clock.systemUTC()))
                .withCompress(CompressionHandler::new);
        RequestPipeline.Context requestStages = new RequestPipeline.Context(() -> routes, origins,
                settings.originResponseTimeout().toMillis(), this::httpsPort, accessLog, stages, Optional.of(traffic));
        httpsChannel = new ServerBootstrap().group(boss, workers).channel(transport.serverChannel)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, CLIENT_IDLE_SECONDS, TimeUnit.SECONDS));
                        ch.pipeline().addLast("close", ConnectionCloser.INSTANCE);
                        ch.pipeline().addLast("sni", new EdgeSniHandler(lookup, 10_000));
                        ch.pipeline().addLast("alpn", new AlpnHandler(requestStages, handshakes, handshakeFailures));
                    }
                })
                .bind(new InetSocketAddress(settings.bind(), settings.httpsPort())).sync().channel();
        httpChannel = new ServerBootstrap().group(boss, workers).channel(transport.serverChannel)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, CLIENT_IDLE_SECONDS, TimeUnit.SECONDS));
                        ch.pipeline().addLast("close", ConnectionCloser.INSTANCE);
                        ch.pipeline().addLast("http", new HttpServerCodec(8192, 32 * 1024, 64 * 1024));
                        ch.pipeline().addLast("keep-alive", new HttpServerKeepAliveHandler());
                        ch.pipeline().addLast("expect", new HttpServerExpectContinueHandler());
                        RequestPipeline.install(ch.pipeline(), requestStages, false, false);
                    }
                })
                .bind(new InetSocketAddress(settings.bind(), settings.httpPort())).sync().channel();
        log.info("Edge on https://{}:{} and http://{}:{} (TLS by {}, {} sockets{})", settings.bind(), httpsPort(),
                settings.bind(), httpPort(), tls.providerName(), transport == EdgeTransport.EPOLL ? "epoll" : "NIO",
                settings.strictSni() ? ", strict SNI" : "");
        if (transport == EdgeTransport.NIO && settings.transport() == EdgeTransport.Choice.AUTO) {
            log.info("epoll is not available ({}): the edge uses Java NIO", EdgeTransport.unavailabilityReason());
        }
    }

    /**
     * Serve exactly these routes from now on. Returns once every certificate they use is in
     * memory and the new table is live: the caller may then report the versions as deployed.
     */
    public void apply(List<EdgeRoute> next) {
        certificates.prepare(next);
        List<EdgeRoute> servable = next.stream()
                .filter(r -> r.certificateId().map(certificates::has).orElse(true))
                .toList();
        if (servable.size() < next.size()) {
            log.warn("{} distribution(s) name a certificate that no longer exists; their aliases are not served",
                    next.size() - servable.size());
        }
        routes = RouteTable.of(servable);
    }

    /** Certificate material to take as loaded before the first {@link #apply} (a node's start-up snapshot). */
    public void preload(Collection<SealedMaterial> material) {
        certificates.preload(material);
    }

    /** The sealed certificate material the edge holds now (keys still encrypted), for the start-up snapshot. */
    public Collection<SealedMaterial> material() {
        return certificates.material();
    }

    public int httpsPort() {
        return ((InetSocketAddress) httpsChannel.localAddress()).getPort();
    }

    public int httpPort() {
        return ((InetSocketAddress) httpChannel.localAddress()).getPort();
    }

    public String tlsProvider() {
        return tls.providerName();
    }

    /** "openssl" (the system's, see SystemOpenSslRsa), "boringssl" or "jdk": who signs with RSA keys. */
    public String rsaSigner() {
        return tls.rsaSignerName();
    }

    /** RSA signatures the system's OpenSSL has made for this edge. */
    public long systemOpenSslSignatures() {
        return tls.systemOpenSslRsa().map(SystemOpenSslRsa::signatures).orElse(0L);
    }

    /** RSA key-exchange decryptions the system's OpenSSL has made for this edge. */
    public long systemOpenSslDecryptions() {
        return tls.systemOpenSslRsa().map(SystemOpenSslRsa::decryptions).orElse(0L);
    }

    /** "epoll" or "nio": the socket layer in use. */
    public String transport() {
        return transport.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Counters for tests and benchmarks: SSL contexts built so far and held now. */
    public long sslContextsBuilt() {
        return certificates.contextBuilds();
    }

    public int sslContextsHeld() {
        return certificates.contextCount();
    }

    /** This node's traffic counters per distribution (requests, bytes, cache hits, origin time). */
    public Traffic traffic() {
        return traffic;
    }

    public CacheStore cache() {
        return cache;
    }

    @Override
    public void close() {
        if (httpsChannel != null) {
            httpsChannel.close().syncUninterruptibly();
        }
        if (httpChannel != null) {
            httpChannel.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        origins.close();
        accessLog.ifPresent(AccessLog::close);
        cache.close(); // after the event loops: no reader is left to stream a body it releases
        certificates.close();
        defaultContexts.values().forEach(ReferenceCountUtil::release);
    }
}
