package io.edgecert.edge;

import com.aayushatharva.brotli4j.encoder.Encoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.BrotliEncoder;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseCombiner;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The "compress" stage: between the cache stage and the origin stage, so the compressed variant
 * is what the cache stores (with {@code Vary: Accept-Encoding}). Compresses the origin's response
 * as it streams through, part by part, with netty's encoders (Brotli over brotli4j, gzip over the
 * JDK's zlib); whether to is {@link CompressionRules}'. No zstd: measured on the project's docs
 * and generated JSON/HTML zstd-3 is 5-22% larger than Brotli at quality 5, and the compressed
 * variant is made once and served many times (docs/caching.md, "headers").
 *
 * <p>Buffer ownership: each body part's buffer goes to the encoder, which releases it; what the
 * encoder writes goes downstream in new parts; an encoder still open when the exchange breaks
 * off is finished and its output released.
 */
final class CompressionHandler extends ChannelOutboundHandlerAdapter {
    /** Brotli quality 5 (window 2^22): the knee of ratio over speed on text (see above). */
    static final int BROTLI_QUALITY = 5;
    static final int GZIP_LEVEL = 6;

    private EmbeddedChannel encoder;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (response.status().code() >= 200) {
                discardEncoder(); // a response that broke off before its last part left one behind
                Optional<Exchange> exchange = Exchange.of(ctx.channel());
                if (exchange.isPresent()) {
                    startResponse(ctx, exchange.get(), response, promise);
                    return;
                }
            }
            ctx.write(msg, promise);
        } else if (msg instanceof HttpContent content && encoder != null) {
            encodePart(ctx, content, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private void startResponse(ChannelHandlerContext ctx, Exchange exchange, HttpResponse response,
                               ChannelPromise promise) {
        OptionalLong size = response instanceof FullHttpResponse full
                ? OptionalLong.of(full.content().readableBytes()) : OptionalLong.empty();
        if (!CompressionRules.compressible(exchange.behavior, exchange.request, response, size)) {
            ctx.write(response, promise);
            return;
        }
        // the answer depends on Accept-Encoding even for a viewer that gets it uncompressed
        ResponseHeaderRules.addToken(response.headers(), HttpHeaderNames.VARY, "Accept-Encoding");
        Optional<CompressionRules.Coding> coding = CompressionRules.choose(exchange.behavior, exchange.request,
                response, size);
        if (coding.isEmpty()) {
            ctx.write(response, promise);
            return;
        }
        encoder = newEncoder(ctx, coding.get());
        CompressionRules.compressedHead(response.headers(), coding.get());
        if (response instanceof FullHttpResponse full) {
            compressWhole(ctx, full, promise);
        } else {
            HttpUtil.setTransferEncodingChunked(response, true);
            ctx.write(response, promise);
        }
    }

    /** A response that came in one message leaves in one, with the compressed length. */
    private void compressWhole(ChannelHandlerContext ctx, FullHttpResponse full, ChannelPromise promise) {
        List<ByteBuf> out = new ArrayList<>();
        CompositeByteBuf body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        try {
            encoder.writeOutbound(full.content().retain());
            drain(out);
            finishEncoder(out);
            body.addComponents(true, out);
            out.clear();
        } catch (Throwable e) {
            out.forEach(ReferenceCountUtil::safeRelease);
            body.release();
            full.release();
            discardEncoder();
            promise.setFailure(e);
            return;
        }
        FullHttpResponse compressed = full.replace(body);
        full.release();
        HttpUtil.setContentLength(compressed, body.readableBytes());
        ctx.write(compressed, promise);
    }

    private void encodePart(ChannelHandlerContext ctx, HttpContent content, ChannelPromise promise) {
        boolean last = content instanceof LastHttpContent;
        HttpHeaders trailers = last ? ((LastHttpContent) content).trailingHeaders() : null;
        List<ByteBuf> out = new ArrayList<>();
        try {
            encoder.writeOutbound(content.content()); // the encoder owns the buffer now, and releases it
            drain(out);
            if (last) {
                finishEncoder(out);
            }
        } catch (Throwable e) {
            out.forEach(ReferenceCountUtil::safeRelease);
            discardEncoder();
            promise.setFailure(e);
            ctx.close(); // the viewer has part of a compressed stream that cannot be finished
            return;
        }
        PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
        for (int i = 0; i < out.size(); i++) {
            boolean end = last && i == out.size() - 1;
            combiner.add(ctx.write(end ? new DefaultLastHttpContent(out.get(i), trailers)
                    : new DefaultHttpContent(out.get(i))));
        }
        if (last && out.isEmpty()) {
            combiner.add(ctx.write(new DefaultLastHttpContent(ctx.alloc().buffer(0), trailers)));
        }
        combiner.finish(promise); // nothing written yet (the encoder is buffering): done at once
    }

    private void drain(List<ByteBuf> out) {
        ByteBuf b;
        while ((b = encoder.readOutbound()) != null) {
            if (b.isReadable()) {
                out.add(b);
            } else {
                b.release();
            }
        }
    }

    private void finishEncoder(List<ByteBuf> out) {
        EmbeddedChannel e = encoder;
        encoder = null;
        e.finish();
        ByteBuf b;
        while ((b = e.readOutbound()) != null) {
            if (b.isReadable()) {
                out.add(b);
            } else {
                b.release();
            }
        }
    }

    private void discardEncoder() {
        if (encoder != null) {
            EmbeddedChannel e = encoder;
            encoder = null;
            e.finishAndReleaseAll();
        }
    }

    private static EmbeddedChannel newEncoder(ChannelHandlerContext ctx, CompressionRules.Coding coding) {
        ChannelHandler codec = switch (coding) {
            case BR -> new BrotliEncoder(new Encoder.Parameters().setQuality(BROTLI_QUALITY).setWindow(22)
                    .setMode(Encoder.Mode.TEXT));
            case GZIP -> ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, GZIP_LEVEL);
        };
        // the encoder allocates from this channel's allocator, as netty's HttpContentEncoder does
        return new EmbeddedChannel(ctx.channel().id(), ctx.channel().metadata().hasDisconnect(),
                ctx.channel().config(), codec);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        discardEncoder();
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discardEncoder();
    }
}
