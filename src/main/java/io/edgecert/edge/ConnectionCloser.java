package io.edgecert.edge;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

import javax.net.ssl.SSLException;
import java.io.IOException;

/**
 * Closes client connections that stayed idle past the IdleStateHandler's limit, or that the
 * socket reports broken. Sits in front of TLS: a transport IOException (most often a reset from a
 * client that closed with data unread, e.g. TLS 1.3 session tickets) closes the connection here,
 * instead of walking the TLS and HTTP handlers, where netty's SslHandler matches each one
 * against a regex and its stack trace (1.8 % of the edge's handshake CPU in a profile).
 * Stateless, shared.
 */
@ChannelHandler.Sharable
final class ConnectionCloser extends ChannelInboundHandlerAdapter {
    static final ConnectionCloser INSTANCE = new ConnectionCloser();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException && !(cause instanceof SSLException)) {
            ctx.close(); // the handlers behind see channelInactive, as for any close
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
