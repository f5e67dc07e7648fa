package io.edgecert.edge;

import io.edgecert.serving.MinimumProtocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import java.util.Optional;

/**
 * First handler of every TLS connection: reads the ClientHello's SNI, picks the SSL context from
 * the current route table (exact alias, wildcard alias, own domain name, else the default) and
 * replaces itself with an SslHandler. The route it matched is left on the channel for the proxy,
 * which refuses requests whose Host belongs to another distribution.
 */
final class EdgeSniHandler extends SniHandler {
    static final AttributeKey<RouteTable.Match> SNI_MATCH = AttributeKey.valueOf("edgecert.sniMatch");

    /** What the handler needs from the edge, read at handshake time. */
    interface Lookup {
        RouteTable routes();

        Optional<SslContext> retainedContext(RouteTable.Match match) throws Exception;

        /**
         * The default certificate's context for this TLS policy, retained; empty when the edge is
         * strict and the name is not a distribution's own domain name.
         */
        Optional<SslContext> retainedDefault(MinimumProtocol policy, boolean ownDomainName);
    }

    private static final byte ALERT_RECORD = 21;
    private static final byte FATAL = 2;
    /** RFC 8446 6.2: the certificate exists but cannot be used. */
    private static final byte HANDSHAKE_FAILURE = 40;
    /** RFC 6066 3: strict SNI and a name no distribution serves. */
    private static final byte UNRECOGNIZED_NAME = 112;

    private static final Logger log = LoggerFactory.getLogger(EdgeSniHandler.class);

    private final Lookup lookup;

    EdgeSniHandler(Lookup lookup, long handshakeTimeoutMillis) {
        super(hostname -> null, handshakeTimeoutMillis); // the mapping is lookup() below
        this.lookup = lookup;
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) throws Exception {
        Optional<RouteTable.Match> match = lookup.routes().lookup(hostname);
        Optional<SslContext> context = Optional.empty();
        if (match.isPresent() && match.get().usesDistributionCertificate()) {
            try {
                context = lookup.retainedContext(match.get());
            } catch (Exception e) {
                // Netty's SNI handler answers an exception thrown here with the default context,
                // which would serve the wrong certificate; a failed future fails the handshake.
                log.warn("No SSL context for {} (certificate {}): {}", hostname,
                        match.get().route().certificateId().orElse("-"), e.toString());
                return refuse(ctx, HANDSHAKE_FAILURE, "cannot serve " + hostname);
            }
        }
        if (context.isEmpty()) {
            // a distribution's own name keeps its minimum TLS version, though the certificate is the edge's
            context = lookup.retainedDefault(match.map(m -> m.route().minimumProtocol()).orElse(MinimumProtocol.DEFAULT),
                    match.isPresent() && !match.get().usesDistributionCertificate());
        }
        if (context.isEmpty()) {
            return refuse(ctx, UNRECOGNIZED_NAME,
                    "no distribution serves " + (hostname == null ? "a handshake without SNI" : hostname));
        }
        match.ifPresent(m -> ctx.channel().attr(SNI_MATCH).set(m));
        return ctx.executor().newSucceededFuture(context.get());
    }

    /**
     * Answers the ClientHello with a fatal TLS alert before the connection closes, so that the
     * client is told why (netty would only close it: an "unexpected EOF" to the client).
     */
    private static Future<SslContext> refuse(ChannelHandlerContext ctx, byte alert, String why) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{ALERT_RECORD, 3, 3, 0, 2, FATAL, alert}));
        return ctx.executor().newFailedFuture(new SSLHandshakeException(why));
    }

    @Override
    protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext sslContext) throws Exception {
        try {
            super.replaceHandler(ctx, hostname, sslContext); // the new engine holds its own reference
        } finally {
            ReferenceCountUtil.release(sslContext);
        }
    }
}
