package io.edgecert.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * After the handshake: HTTP/2 or HTTP/1.1 as ALPN agreed, each ending in the stages of the
 * {@link RequestPipeline} (per connection for HTTP/1.1, per stream for HTTP/2).
 */
final class AlpnHandler extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(AlpnHandler.class);

    private final RequestPipeline.Context stages;
    private final Counter handshakes;
    private final Counter handshakeFailures;

    AlpnHandler(RequestPipeline.Context stages, Counter handshakes, Counter handshakeFailures) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.stages = stages;
        this.handshakes = handshakes;
        this.handshakeFailures = handshakeFailures;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        handshakes.increment();
        ChannelPipeline p = ctx.pipeline();
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            p.addLast("h2", Http2FrameCodecBuilder.forServer().build());
            p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast("h2-to-http", new Http2StreamFrameToHttpObjectCodec(true));
                    stream.pipeline().addLast("expect", new HttpServerExpectContinueHandler());
                    RequestPipeline.install(stream.pipeline(), stages, true, true);
                }
            }));
        } else {
            p.addLast("http", new HttpServerCodec(8192, 32 * 1024, 64 * 1024));
            p.addLast("keep-alive", new HttpServerKeepAliveHandler());
            p.addLast("expect", new HttpServerExpectContinueHandler());
            RequestPipeline.install(p, stages, true, false);
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        // Scanners and unknown names fail handshakes all day: count them, don't flood the log.
        handshakeFailures.increment();
        log.debug("TLS handshake from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
