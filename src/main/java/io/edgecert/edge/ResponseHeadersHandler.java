package io.edgecert.edge;

import io.edgecert.serving.ResponseHeadersPolicy;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The "headers" stage: applies the behavior's response headers policy
 * ({@link ResponseHeaderRules}) to every response head the exchange sends, from the cache or
 * from the origin, and answers at the edge the CORS preflights that the policy decides on its
 * own (CORS with origin override): 204 with the policy's CORS headers, the request never going
 * further. It sits before the cache stage, so what the cache stores is the origin's headers and
 * the policy is applied on the way out each time (a policy change needs no invalidation).
 */
final class ResponseHeadersHandler extends ChannelDuplexHandler {
    /** The rest of a preflight the edge answered (a body, if the viewer sent one): dropped. */
    private boolean discarding;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding) {
            discarding = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
            Optional<Exchange> exchange = Exchange.of(ctx.channel());
            Optional<ResponseHeadersPolicy> policy = exchange.flatMap(e -> e.behavior.responseHeadersPolicy());
            if (policy.isPresent() && ResponseHeaderRules.answersPreflight(policy.get(), request)) {
                discarding = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                answerPreflight(ctx, policy.get(), exchange.get().request);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static void answerPreflight(ChannelHandlerContext ctx, ResponseHeadersPolicy policy, HttpRequest request) {
        FullHttpResponse answer = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NO_CONTENT,
                ctx.alloc().buffer(0));
        ResponseHeaderRules.apply(policy, request, answer.headers(), Optional.empty()); // no cache, no origin to time
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var written = ctx.writeAndFlush(answer);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().code() >= 200) {
            Exchange.of(ctx.channel()).ifPresent(exchange -> exchange.behavior.responseHeadersPolicy()
                    .ifPresent(policy -> apply(policy, exchange, response)));
        }
        ctx.write(msg, promise);
    }

    private static void apply(ResponseHeadersPolicy policy, Exchange exchange, HttpResponse response) {
        Optional<ResponseHeaderRules.Timing> timing = Optional.empty();
        if (ResponseHeaderRules.sampled(policy, exchange.request, ThreadLocalRandom.current().nextDouble(100))) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exchange.startNanos);
            long origin = exchange.originNanos() < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(exchange.originNanos());
            timing = Optional.of(new ResponseHeaderRules.Timing(exchange.cacheStatus(), ms, origin));
        }
        ResponseHeaderRules.apply(policy, exchange.request, response.headers(), timing);
    }
}
