package io.edgecert.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Origin side: drops informational responses (100 Continue, 103 Early Hints, …) so the exchange
 * only ever sees the final response. Netty's decoder follows every 1xx head with an empty
 * LastHttpContent; that one is dropped too, else it would end the exchange before the final
 * response arrived. 101 is not informational here: the edge never asks an origin to upgrade.
 */
final class InformationalResponseFilter extends ChannelInboundHandlerAdapter {
    private boolean droppingInformational;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL
                && r.status().code() != 101) {
            droppingInformational = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
        } else if (droppingInformational && msg instanceof LastHttpContent) {
            droppingInformational = false;
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
