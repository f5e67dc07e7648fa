package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.function.IntSupplier;

/**
 * Stage "viewer": what the behavior allows the viewer. On the plain HTTP port its
 * viewerProtocolPolicy decides: redirect-to-https answers 308 (as the port always did),
 * https-only 403, allow-all lets the request through to be served over plain HTTP. A method the
 * behavior does not allow is refused 403, as CloudFront does.
 */
final class ViewerHandler extends ChannelInboundHandlerAdapter {
    private final boolean secure;
    private final IntSupplier httpsPort;
    private boolean discarding;

    ViewerHandler(boolean secure, IntSupplier httpsPort) {
        this.secure = secure;
        this.httpsPort = httpsPort;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            discarding = false;
            Exchange ex = ctx.channel().attr(Exchange.CURRENT).get();
            if (ex != null && !admit(ctx, req, ex.behavior)) {
                discarding = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                return;
            }
        } else if (discarding && msg instanceof HttpContent) {
            discarding = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** True when the request goes on; otherwise it has been answered. */
    private boolean admit(ChannelHandlerContext ctx, HttpRequest req, CacheBehavior behavior) {
        if (!secure) {
            switch (behavior.viewerProtocolPolicy()) {
                case REDIRECT_TO_HTTPS -> {
                    OwnResponses.send(ctx, req, HttpsRedirect.response(ctx.alloc(), req, httpsPort.getAsInt()), false);
                    return false;
                }
                case HTTPS_ONLY -> {
                    OwnResponses.send(ctx, req, ErrorPages.page(ctx.alloc(), HttpResponseStatus.FORBIDDEN,
                            "This distribution is served over HTTPS only."), false);
                    return false;
                }
                case ALLOW_ALL -> {
                    // served over plain HTTP below
                }
            }
        }
        if (!behavior.allows(req.method().name())) {
            OwnResponses.send(ctx, req, ErrorPages.page(ctx.alloc(), HttpResponseStatus.FORBIDDEN,
                    "The method " + req.method().name() + " is not allowed here."), false);
            return false;
        }
        return true;
    }
}
