package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.PathPattern;
import io.edgecert.serving.ResponseHeadersPolicy;
import io.edgecert.serving.ViewerProtocolPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The headers stage in an EmbeddedChannel, with the Exchange the route stage would have set. */
@Timeout(30)
class ResponseHeadersHandlerTest {
    private static ResourceLeakDetector.Level before;
    private static final ResponseHeadersPolicy OVERRIDING = new ResponseHeadersPolicy("p", "api-cors",
            Optional.of(new ResponseHeadersPolicy.Cors(List.of("https://app.example.com"), List.of("Content-Type"),
                    List.of("GET", "PUT"), List.of(), false, Optional.of(300L), true)),
            List.of(new ResponseHeadersPolicy.HeaderRule("X-Frame-Options", "DENY", true)), List.of("X-Powered-By"),
            Optional.of(100.0));

    @BeforeAll
    static void paranoid() {
        before = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterAll
    static void restore() {
        ResourceLeakDetector.setLevel(before);
    }

    static EmbeddedChannel channel(Optional<ResponseHeadersPolicy> policy, HttpRequest request) {
        CacheBehavior behavior = new CacheBehavior(PathPattern.DEFAULT, "o", ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                CacheBehavior.ALL_METHODS, CacheBehavior.GET_HEAD, false, ManagedPolicies.CACHING_DISABLED,
                ManagedPolicies.ALL_VIEWER, policy);
        EmbeddedChannel ch = new EmbeddedChannel(new ResponseHeadersHandler());
        Exchange exchange = new Exchange(null, behavior, request, true);
        exchange.cacheStatus("edgecert; fwd=miss");
        exchange.addOriginNanos(5_000_000);
        ch.attr(Exchange.CURRENT).set(exchange);
        return ch;
    }

    static HttpRequest request(HttpMethod method, String... headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/api/items");
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    @Test
    void everyResponseHeadGetsThePolicy() {
        HttpRequest req = request(HttpMethod.GET, "Origin", "https://app.example.com");
        EmbeddedChannel ch = channel(Optional.of(OVERRIDING), req);
        assertThat(ch.writeInbound(req)).isTrue(); // not a preflight: on to the cache and the origin
        assertThat((Object) ch.readInbound()).isSameAs(req);
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set("X-Powered-By", "Express").set("X-Frame-Options", "SAMEORIGIN")
                .set("Server-Timing", "db;dur=4");
        ch.writeOutbound(res);
        HttpResponse out = ch.readOutbound();
        assertThat(out.headers().contains("X-Powered-By")).isFalse();
        assertThat(out.headers().get("X-Frame-Options")).isEqualTo("DENY");
        assertThat(out.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(out.headers().get("Vary")).isEqualTo("Origin");
        assertThat(out.headers().get("Server-Timing"))
                .startsWith("cdn-upstream-layer;desc=\"EDGE\",cdn-upstream-fbl;dur=5,cdn-cache-miss,db;dur=4,cdn-downstream-fbl;dur=");
        ByteBuf body = Unpooled.buffer().writeInt(7);
        ch.writeOutbound(new DefaultLastHttpContent(body)); // body parts pass as they are
        Object last = ch.readOutbound();
        assertThat(last).isInstanceOf(DefaultLastHttpContent.class);
        ReferenceCountUtil.release(last);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aPreflightThePolicyOverridesIsAnsweredAtTheEdge() {
        HttpRequest preflight = request(HttpMethod.OPTIONS, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type");
        EmbeddedChannel ch = channel(Optional.of(OVERRIDING), preflight);
        assertThat(ch.writeInbound(preflight)).isFalse();
        ByteBuf stray = Unpooled.buffer().writeByte(1);
        assertThat(ch.writeInbound(new DefaultLastHttpContent(stray))).isFalse(); // its body is dropped
        assertThat(stray.refCnt()).isZero();
        FullHttpResponse answer = ch.readOutbound();
        assertThat(answer.status()).isEqualTo(HttpResponseStatus.NO_CONTENT);
        assertThat(answer.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(answer.headers().get("Access-Control-Allow-Methods")).isEqualTo("GET, PUT");
        assertThat(answer.headers().get("Access-Control-Allow-Headers")).isEqualTo("Content-Type");
        assertThat(answer.headers().get("Access-Control-Max-Age")).isEqualTo("300");
        assertThat(answer.headers().get("X-Frame-Options")).isEqualTo("DENY");
        assertThat(answer.headers().contains("Server-Timing")).isFalse();
        answer.release();
        assertThat(ch.isOpen()).isTrue(); // keep-alive: the next request comes on the same connection
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aPreflightInOneMessageUnderHttp10ClosesAfterTheAnswer() {
        HttpRequest preflight = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.OPTIONS, "/api/items",
                Unpooled.buffer(1)); // not 0: an empty buffer is shared, release() never frees it
        preflight.headers().set("Origin", "https://app.example.com").set("Access-Control-Request-Method", "GET");
        EmbeddedChannel ch = channel(Optional.of(OVERRIDING), preflight);
        assertThat(ch.writeInbound(preflight)).isFalse();
        assertThat(((DefaultFullHttpRequest) preflight).refCnt()).isZero();
        FullHttpResponse answer = ch.readOutbound();
        assertThat(answer.headers().get("Connection")).isEqualTo("close");
        answer.release();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void withoutOverrideThePreflightGoesToTheOriginAndThePolicyFillsIn() {
        HttpRequest preflight = request(HttpMethod.OPTIONS, "Origin", "https://x.test",
                "Access-Control-Request-Method", "DELETE");
        EmbeddedChannel ch = channel(Optional.of(ManagedPolicies.CORS_WITH_PREFLIGHT_AND_SECURITY_HEADERS), preflight);
        assertThat(ch.writeInbound(preflight)).isTrue();
        ch.writeInbound(new DefaultHttpContent(Unpooled.buffer(0)));
        HttpObject forwarded = ch.readInbound();
        assertThat(forwarded).isSameAs(preflight);
        ReferenceCountUtil.release(ch.readInbound());
        HttpResponse fromOrigin = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        fromOrigin.headers().set("Access-Control-Allow-Methods", "GET");
        ch.writeOutbound(fromOrigin);
        HttpResponse out = ch.readOutbound();
        assertThat(out.headers().get("Access-Control-Allow-Methods")).isEqualTo("GET"); // the origin's wins
        assertThat(out.headers().get("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(out.headers().get("Strict-Transport-Security")).isEqualTo("max-age=31536000");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void noPolicyOrNoExchangeLeavesResponsesAlone() {
        HttpRequest req = request(HttpMethod.OPTIONS, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "PUT");
        EmbeddedChannel ch = channel(Optional.empty(), req);
        assertThat(ch.writeInbound(req)).isTrue();
        ch.readInbound();
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set("X-Powered-By", "Express");
        ch.writeOutbound(res);
        HttpResponse out = ch.readOutbound();
        assertThat(out.headers().names()).containsExactly("X-Powered-By");
        assertThat(ch.finish()).isFalse();

        EmbeddedChannel bare = new EmbeddedChannel(new ResponseHeadersHandler()); // e.g. the edge's own 400
        HttpResponse own = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
        bare.writeOutbound(own);
        assertThat(((HttpResponse) bare.readOutbound()).headers().isEmpty()).isTrue();
        assertThat(bare.finish()).isFalse();
    }
}
