package io.edgecert.edge;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;

import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The request path as netty handlers, one concern each, the same behind HTTP/1.1 (after the
 * HTTP codec), each HTTP/2 stream (after the frame-to-HttpObject codec) and the plain HTTP port.
 * Head to tail, the way a request goes:
 * <pre>
 *   sequencer → route → viewer → log → headers → cache → compress → origin
 * </pre>
 * and a response goes back the other way from whichever stage wrote it (origin, a cache hit, an
 * error page of the viewer or route stage). "sequencer" is HTTP/1.1 only, "log" only with an
 * access log or traffic counters (the node always has those: the console's charts), and
 * "headers", "cache", "compress" only when their {@link Stages} are given.
 * docs/caching.md, "The request path", says what each does.
 */
final class RequestPipeline {
    static final String SEQUENCER = "sequencer";
    static final String ROUTE = "route";
    static final String VIEWER = "viewer";
    static final String LOG = "log";
    static final String HEADERS = "headers";
    static final String CACHE = "cache";
    static final String COMPRESS = "compress";
    static final String ORIGIN = "origin";

    /**
     * The stages other parts provide, each a factory of a new handler (or the same one, if it is
     * {@link ChannelHandler.Sharable}) per connection, or per stream for HTTP/2; empty: not installed.
     */
    record Stages(Optional<Supplier<? extends ChannelHandler>> headers, Optional<Supplier<? extends ChannelHandler>> cache,
                  Optional<Supplier<? extends ChannelHandler>> compress) {
        static final Stages NONE = new Stages(Optional.empty(), Optional.empty(), Optional.empty());

        Stages withHeaders(Supplier<? extends ChannelHandler> factory) {
            return new Stages(Optional.of(factory), cache, compress);
        }

        Stages withCache(Supplier<? extends ChannelHandler> factory) {
            return new Stages(headers, Optional.of(factory), compress);
        }

        Stages withCompress(Supplier<? extends ChannelHandler> factory) {
            return new Stages(headers, cache, Optional.of(factory));
        }
    }

    /** What every stage needs from the edge, fixed for the edge's life. */
    record Context(Supplier<RouteTable> routes, OriginPools origins, long responseTimeoutMillis, IntSupplier httpsPort,
                   Optional<AccessLog> accessLog, Stages stages, Optional<Traffic> traffic) {
        Context(Supplier<RouteTable> routes, OriginPools origins, long responseTimeoutMillis, IntSupplier httpsPort,
                Optional<AccessLog> accessLog, Stages stages) {
            this(routes, origins, responseTimeoutMillis, httpsPort, accessLog, stages, Optional.empty());
        }
    }

    private RequestPipeline() {
    }

    /**
     * Appends the stages to a pipeline that ends in an HTTP codec (HttpObjects in, out).
     *
     * @param secure  the viewer came over TLS (false: the plain HTTP port)
     * @param http2   an HTTP/2 stream: one exchange, no sequencer
     */
    static void install(ChannelPipeline p, Context c, boolean secure, boolean http2) {
        if (!http2) {
            p.addLast(SEQUENCER, new SequencerHandler());
        }
        p.addLast(ROUTE, new RouteHandler(c.routes(), secure, c.httpsPort()));
        p.addLast(VIEWER, new ViewerHandler(secure, c.httpsPort()));
        if (c.accessLog().isPresent() || c.traffic().isPresent()) {
            p.addLast(LOG, new AccessLogHandler(c.accessLog(), c.traffic()));
        }
        c.stages().headers().ifPresent(f -> p.addLast(HEADERS, f.get()));
        c.stages().cache().ifPresent(f -> p.addLast(CACHE, f.get()));
        c.stages().compress().ifPresent(f -> p.addLast(COMPRESS, f.get()));
        p.addLast(ORIGIN, new OriginHandler(c.origins(), c.responseTimeoutMillis(), secure));
    }
}
