package io.edgecert.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;

/**
 * Last handler of an origin connection: hands the origin's response to the exchange that holds
 * the connection. Between exchanges (idle in the pool) nothing is expected; anything that comes
 * then, or the pool's idle timeout, closes the connection. During an exchange a read-idle event
 * goes to the exchange, which decides whether the origin has stalled.
 */
final class OriginRelay extends ChannelInboundHandlerAdapter {
    /** The client side of one request/response exchange. Called on the connection's event loop. */
    interface Exchange {
        void onOriginResponse(HttpObject msg);

        void onOriginFailure(Throwable cause);

        void onOriginWritabilityChanged(boolean writable);

        void onOriginReadComplete();

        /** The origin sent nothing for the read-idle timeout while this exchange held it. */
        void onOriginIdle();
    }

    private Exchange exchange;

    void begin(Exchange e) {
        this.exchange = e;
    }

    void end() {
        this.exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null && msg instanceof HttpObject o) {
            exchange.onOriginResponse(o);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onOriginReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        exchange = null;
        if (e != null) {
            e.onOriginFailure(new IOException("the origin closed the connection before the response was complete"));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Exchange e = exchange;
        exchange = null;
        ctx.close();
        if (e != null) {
            e.onOriginFailure(cause);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onOriginWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            if (exchange == null && idle.state() == IdleState.ALL_IDLE) {
                ctx.close(); // idle in the pool for too long
            } else if (exchange != null && idle.state() == IdleState.READER_IDLE) {
                exchange.onOriginIdle();
            }
        } else {
            ReferenceCountUtil.release(evt);
        }
    }
}
