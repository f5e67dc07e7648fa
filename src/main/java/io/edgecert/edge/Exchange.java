package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.EdgeRoute;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;

import java.util.Optional;

/**
 * The request/response exchange in progress on a channel (an HTTP/1.1 connection or an HTTP/2
 * stream): what the route stage decided, for the stages after it. One at a time per channel, so
 * it lives in a channel attribute; the route stage sets it for every request and clears it for a
 * request it answers itself. It stays readable after the response's last part is written (a stage
 * may still need it then); the next request replaces it.
 */
final class Exchange {
    static final AttributeKey<Exchange> CURRENT = AttributeKey.valueOf("edgecert.exchange");

    final EdgeRoute route;
    final CacheBehavior behavior;
    /** The viewer's request head as it arrived (before any origin request policy). */
    final HttpRequest request;
    /** True when the viewer came over TLS. */
    final boolean secure;
    final long startNanos = System.nanoTime();
    /** RFC 9211 Cache-Status, set by the cache stage; empty when the cache had no say. */
    private String cacheStatus = "";
    /** Nanoseconds from the request sent to the origin to the origin's response head; -1 when no origin was asked. */
    private long originNanos = -1;

    Exchange(EdgeRoute route, CacheBehavior behavior, HttpRequest request, boolean secure) {
        this.route = route;
        this.behavior = behavior;
        this.request = request;
        this.secure = secure;
    }

    static Optional<Exchange> of(Channel ch) {
        return Optional.ofNullable(ch.attr(CURRENT).get());
    }

    String cacheStatus() {
        return cacheStatus;
    }

    void cacheStatus(String value) {
        this.cacheStatus = value;
    }

    long originNanos() {
        return originNanos;
    }

    /** Set by the origin stage; a failover or an error page adds the time of each origin asked. */
    void addOriginNanos(long nanos) {
        this.originNanos = originNanos < 0 ? nanos : originNanos + nanos;
    }
}
