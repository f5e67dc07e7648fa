package io.edgecert.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to origins, pooled per event loop and origin: a client connection and
 * its origin connections share one thread, so relaying never crosses threads or takes locks.
 * Idle origin connections close after {@link #IDLE}, which is shorter than common origin
 * keep-alive timeouts (nginx 75 s, Node 5 s is the outlier: a closed one is simply not reused).
 */
final class OriginPools implements AutoCloseable {
    static final Duration IDLE = Duration.ofSeconds(30);
    private static final AttributeKey<SimpleChannelPool> POOL = AttributeKey.valueOf("edgecert.originPool");

    record OriginKey(boolean tls, String host, int port) {
        static OriginKey of(URI origin) {
            boolean tls = "https".equalsIgnoreCase(origin.getScheme());
            int port = origin.getPort() > 0 ? origin.getPort() : (tls ? 443 : 80);
            return new OriginKey(tls, origin.getHost(), port);
        }
    }

    /**
     * Non-blocking DNS (netty's resolver, /etc/hosts first, then the system's name servers, with
     * its own cache): the default resolver would block the event loop on a JDK lookup.
     */
    private final DnsAddressResolverGroup resolver;
    private final Bootstrap base;
    private final SslContext clientTls;
    private final Duration responseIdle;
    private final ConcurrentHashMap<EventLoop, Map<OriginKey, SimpleChannelPool>> pools = new ConcurrentHashMap<>();

    OriginPools(EdgeTransport transport, Duration connectTimeout, Duration responseIdle, SslContext clientTls) {
        // the resolver's UDP channel must be of the same transport as the event loop it runs on
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder().datagramChannelType(transport.datagramChannel));
        this.base = new Bootstrap().channel(transport.clientChannel).resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
        this.clientTls = clientTls;
        this.responseIdle = responseIdle;
    }

    /** Must be called on {@code loop}. The channel's pipeline ends in an {@link OriginRelay}. */
    Future<Channel> acquire(EventLoop loop, OriginKey key) {
        Map<OriginKey, SimpleChannelPool> perLoop = pools.computeIfAbsent(loop, l -> new HashMap<>());
        SimpleChannelPool pool = perLoop.computeIfAbsent(key, k -> newPool(loop, k));
        return pool.acquire(loop.newPromise());
    }

    /** Back to its pool when the exchange ended cleanly, else closed. */
    void release(Channel origin, boolean reusable) {
        SimpleChannelPool pool = origin.attr(POOL).get();
        if (reusable && pool != null && origin.isActive()) {
            pool.release(origin);
        } else {
            origin.close();
            if (pool != null) {
                pool.release(origin); // the pool forgets a closed channel
            }
        }
    }

    private SimpleChannelPool newPool(EventLoop loop, OriginKey key) {
        Bootstrap b = base.clone().group(loop).remoteAddress(key.host(), key.port());
        SimpleChannelPool[] self = new SimpleChannelPool[1];
        self[0] = new SimpleChannelPool(b, new AbstractChannelPoolHandler() {
            @Override
            public void channelCreated(Channel ch) {
                ch.attr(POOL).set(self[0]);
                if (key.tls()) {
                    SslHandler tls = clientTls.newHandler(ch.alloc(), key.host(), key.port());
                    ch.pipeline().addLast("tls", tls);
                }
                ch.pipeline().addLast("http", new HttpClientCodec());
                // reader idle: a response that stalls (OriginRelay asks the exchange); all idle: the pool's keep-alive
                ch.pipeline().addLast("idle", new IdleStateHandler(responseIdle.toMillis(), 0, IDLE.toMillis(),
                        TimeUnit.MILLISECONDS));
                ch.pipeline().addLast("informational", new InformationalResponseFilter());
                ch.pipeline().addLast("relay", new OriginRelay());
            }
        }, ChannelHealthChecker.ACTIVE, true, true); // LIFO: reuse the warmest connection
        return self[0];
    }

    @Override
    public void close() {
        pools.values().forEach(m -> m.values().forEach(SimpleChannelPool::close));
        pools.clear();
        resolver.close();
    }
}
