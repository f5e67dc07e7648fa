package io.edgecert.edge;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * How the stages in front of "log" (route, viewer) answer a request themselves: the access log
 * is told (it sits behind them and would not see the response go by), then the response is
 * written from the answering stage towards the client, through the sequencer.
 */
final class OwnResponses {
    private OwnResponses() {
    }

    static void send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response, boolean closeAfter) {
        if (ctx.pipeline().get(RequestPipeline.LOG) instanceof AccessLogHandler log) {
            log.answeredBefore(request, response);
        }
        if (closeAfter && !(ctx.channel() instanceof Http2StreamChannel)) {
            HttpUtil.setKeepAlive(response, false);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }
}
