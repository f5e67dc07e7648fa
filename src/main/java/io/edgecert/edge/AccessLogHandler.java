package io.edgecert.edge;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Stage "log": one {@link AccessLog} entry per request (when EDGECERT_ACCESS_LOG is set) and one
 * {@link Traffic#record} (the console's charts), made when the last part of its response goes by
 * towards the client, whoever wrote it
 * (the origin stage, a cache hit, an error page). Status and body bytes are counted as sent, after
 * the stages behind (compression) changed them. Answers of the stages in front of it (route,
 * viewer) are reported by them through {@link #answeredBefore}.
 */
final class AccessLogHandler extends ChannelDuplexHandler {
    private final Optional<AccessLog> log;
    private final Optional<Traffic> traffic;
    private ChannelHandlerContext ctx;
    private String client;
    private int status;
    private long bytes;

    AccessLogHandler(AccessLog log) {
        this(Optional.of(log), Optional.empty());
    }

    AccessLogHandler(Optional<AccessLog> log, Optional<Traffic> traffic) {
        this.log = log;
        this.traffic = traffic;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse r) {
            if (r.status().code() < 200) {
                ctx.write(msg, promise); // informational: the final response follows
                return;
            }
            status = r.status().code();
            bytes = 0;
        }
        if (msg instanceof HttpContent c) {
            bytes += c.content().readableBytes();
        }
        if (msg instanceof LastHttpContent) {
            Exchange ex = ctx.channel().attr(Exchange.CURRENT).get();
            if (ex != null) {
                add(ex.request, status, bytes, ex.cacheStatus(), ex.originNanos(), ex.route.distributionId());
            }
        }
        ctx.write(msg, promise);
    }

    /** A response of a stage in front of this one, which this one does not see go by. */
    void answeredBefore(HttpRequest request, HttpResponse response) {
        long size = response instanceof HttpContent c ? c.content().readableBytes() : 0;
        Exchange ex = ctx.channel().attr(Exchange.CURRENT).get();
        add(request, response.status().code(), size, "", -1, ex != null && ex.request == request ? ex.route.distributionId() : "");
    }

    private void add(HttpRequest request, int status, long bytes, String cacheStatus, long originNanos, String distribution) {
        if (traffic.isPresent() && !distribution.isEmpty()) {
            traffic.get().record(distribution, status, bytes, Traffic.Cache.ofCacheStatus(cacheStatus), Math.max(0, originNanos));
        }
        if (log.isEmpty()) {
            return;
        }
        log.get().add(new AccessLog.Entry(System.currentTimeMillis(), client(), ProxyHeaders.hostWithoutPort(
                request.headers().get(HttpHeaderNames.HOST)), request.method().name(), request.uri(), status, bytes,
                cacheStatus, originNanos, distribution));
    }

    private String client() {
        if (client == null) {
            SocketAddress a = RouteHandler.connection(ctx.channel()).remoteAddress();
            client = a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : String.valueOf(a);
        }
        return client;
    }
}
