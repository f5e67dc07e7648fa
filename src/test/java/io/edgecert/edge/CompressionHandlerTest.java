package io.edgecert.edge;

import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CachePolicy;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.PathPattern;
import io.edgecert.serving.Selection;
import io.edgecert.serving.ViewerProtocolPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compress stage in an EmbeddedChannel, as the origin stage feeds it: what comes out is
 * decoded with real decoders (brotli4j's, the JDK's gzip) and compared byte for byte, and every
 * buffer that went in is released. The inputs are unpooled (leak-tracked too) so that a released
 * buffer's refCnt stays 0 instead of coming back from the pool as another allocation.
 */
@Timeout(60)
class CompressionHandlerTest {
    private static ResourceLeakDetector.Level before;
    static final CachePolicy GZIP_ONLY = new CachePolicy("g", "gzip-only", 0, 60, 600, Selection.NONE,
            Selection.NONE, Selection.NONE, true, false);

    @BeforeAll
    static void paranoid() {
        before = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        assertThat(Brotli.isAvailable()).as("brotli4j's native library").isTrue(); // loads it for the decoder too
    }

    @AfterAll
    static void restore() {
        ResourceLeakDetector.setLevel(before);
    }

    static CacheBehavior behavior(boolean compress, CachePolicy policy) {
        return new CacheBehavior(PathPattern.DEFAULT, "o", ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                CacheBehavior.ALL_METHODS, CacheBehavior.GET_HEAD, compress, policy, ManagedPolicies.ALL_VIEWER,
                Optional.empty());
    }

    static EmbeddedChannel channel(CacheBehavior behavior, HttpRequest request) {
        EmbeddedChannel ch = new EmbeddedChannel(new CompressionHandler());
        ch.attr(Exchange.CURRENT).set(new Exchange(null, behavior, request, true));
        return ch;
    }

    static HttpRequest get(String acceptEncoding) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/doc");
        if (acceptEncoding != null) {
            r.headers().set("Accept-Encoding", acceptEncoding);
        }
        return r;
    }

    static HttpResponse head(long length, String type) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set("Content-Length", length).set("Content-Type", type).set("ETag", "\"v1\"")
                .set("Vary", "Origin");
        return r;
    }

    /** Text that compresses like a real page: words from a small vocabulary, in random order. */
    static byte[] text(int size, long seed) {
        String[] words = {"edge", "certificate", "origin", "cache", "distribution", "brotli", "the", "of", "a",
                "response", "header", "policy", "<div class=\"row\">", "</div>\n", "{\"id\":", "},"};
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 32);
        while (sb.length() < size) {
            sb.append(words[r.nextInt(words.length)]).append(r.nextInt(10) == 0 ? r.nextInt(1000) : "").append(' ');
        }
        return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    /** What the viewer got: the head and the body bytes, every part released. */
    record Received(HttpResponse head, byte[] body, int parts, LastHttpContent last) {
    }

    static Received drain(EmbeddedChannel ch, ByteArrayOutputStream into) {
        HttpResponse head = null;
        int parts = 0;
        LastHttpContent last = null;
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof HttpResponse r) {
                head = r;
            }
            if (o instanceof HttpContent c) {
                parts++;
                ByteBuf b = c.content();
                into.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(b));
                if (o instanceof LastHttpContent l) {
                    last = new DefaultLastHttpContent();
                    last.trailingHeaders().set(l.trailingHeaders());
                }
                c.release();
            }
        }
        return new Received(head, into.toByteArray(), parts, last);
    }

    static byte[] unbrotli(byte[] in) throws IOException {
        try (InputStream s = new BrotliInputStream(new ByteArrayInputStream(in))) {
            return s.readAllBytes();
        }
    }

    static byte[] gunzip(byte[] in) throws IOException {
        try (InputStream s = new GZIPInputStream(new ByteArrayInputStream(in))) {
            return s.readAllBytes();
        }
    }

    /** Writes the body in parts of {@code part} bytes, keeping every input buffer to check its release. */
    static List<ByteBuf> writeBody(EmbeddedChannel ch, byte[] body, int part, boolean trailers) {
        List<ByteBuf> inputs = new ArrayList<>();
        for (int off = 0; off < body.length; off += part) {
            ByteBuf b = Unpooled.buffer(part);
            b.writeBytes(body, off, Math.min(part, body.length - off));
            inputs.add(b);
            boolean end = off + part >= body.length;
            HttpContent c = end ? new DefaultLastHttpContent(b) : new DefaultHttpContent(b);
            if (end && trailers) {
                ((LastHttpContent) c).trailingHeaders().set("X-Checksum", "abc");
            }
            ch.writeOutbound(c);
        }
        return inputs;
    }

    @Test
    void brotliIsPreferredAndDecodesToTheOriginsBytes() throws IOException {
        assertThat(Brotli.isAvailable()).as("brotli4j native").isTrue();
        byte[] body = text(300_000, 1);
        EmbeddedChannel ch = channel(behavior(true, ManagedPolicies.CACHING_OPTIMIZED), get("gzip, deflate, br, zstd"));
        ch.writeOutbound(head(body.length, "text/html; charset=utf-8"));
        List<ByteBuf> inputs = writeBody(ch, body, 16 * 1024, true);
        Received got = drain(ch, new ByteArrayOutputStream());

        assertThat(got.head().headers().get("Content-Encoding")).isEqualTo("br");
        assertThat(got.head().headers().contains("Content-Length")).isFalse();
        assertThat(got.head().headers().get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(got.head().headers().get("Vary")).isEqualTo("Origin, Accept-Encoding");
        assertThat(got.head().headers().get("ETag")).isEqualTo("W/\"v1\"");
        assertThat(got.body().length).isLessThan(body.length / 3);
        assertThat(unbrotli(got.body())).isEqualTo(body);
        assertThat(got.last()).isNotNull();
        assertThat(got.last().trailingHeaders().get("X-Checksum")).isEqualTo("abc");
        assertThat(inputs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void gzipWhenTheViewerOrTheCachePolicyRulesOutBrotli() throws IOException {
        byte[] body = text(50_000, 2);
        for (var c : List.of(new Object[]{ManagedPolicies.CACHING_OPTIMIZED, "gzip, br;q=0"},
                new Object[]{GZIP_ONLY, "br, gzip"})) {
            EmbeddedChannel ch = channel(behavior(true, (CachePolicy) c[0]), get((String) c[1]));
            ch.writeOutbound(head(body.length, "application/json"));
            List<ByteBuf> inputs = writeBody(ch, body, 8 * 1024, false);
            Received got = drain(ch, new ByteArrayOutputStream());
            assertThat(got.head().headers().get("Content-Encoding")).isEqualTo("gzip");
            assertThat(gunzip(got.body())).isEqualTo(body);
            assertThat(inputs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void aResponseInOneMessageLeavesInOneWithTheCompressedLength() throws IOException {
        byte[] body = text(20_000, 3);
        ByteBuf content = Unpooled.buffer().writeBytes(body);
        FullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND, content);
        full.headers().set("Content-Type", "text/css").set("ETag", "W/\"weak\"").set("Content-Length", body.length);
        EmbeddedChannel ch = channel(behavior(true, ManagedPolicies.CACHING_OPTIMIZED), get("br"));
        ch.writeOutbound(full);
        FullHttpResponse out = ch.readOutbound();
        byte[] compressed = new byte[out.content().readableBytes()];
        out.content().readBytes(compressed);
        assertThat(out.headers().getInt("Content-Length")).isEqualTo(compressed.length);
        assertThat(out.headers().get("ETag")).isEqualTo("W/\"weak\""); // weak stays as it is
        assertThat(out.headers().get("Vary")).isEqualTo("Accept-Encoding");
        assertThat(unbrotli(compressed)).isEqualTo(body);
        out.release();
        assertThat(content.refCnt()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aFiveMegabyteResponseStreamsThroughWithoutBeingHeld() throws IOException {
        byte[] body = text(5 * 1024 * 1024, 4);
        EmbeddedChannel ch = channel(behavior(true, ManagedPolicies.CACHING_OPTIMIZED), get("br"));
        ch.writeOutbound(head(body.length, "text/plain"));
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        int part = 8 * 1024;
        int written = 0;
        int outBeforeEnd = 0;
        List<ByteBuf> inputs = new ArrayList<>();
        for (int off = 0; off < body.length; off += part) {
            ByteBuf b = Unpooled.buffer(part).writeBytes(body, off, Math.min(part, body.length - off));
            inputs.add(b);
            boolean end = off + part >= body.length;
            ch.writeOutbound(end ? new DefaultLastHttpContent(b) : new DefaultHttpContent(b));
            written += part;
            if (written == 2 * 1024 * 1024) { // two fifths in: compressed parts must already be on their way
                outBeforeEnd = drain(ch, compressed).parts();
            }
        }
        Received rest = drain(ch, compressed);
        assertThat(outBeforeEnd).as("parts out after 2 MB in").isPositive();
        assertThat(compressed.size()).isLessThan(body.length / 3);
        assertThat(unbrotli(compressed.toByteArray())).isEqualTo(body);
        assertThat(rest.last()).isNotNull();
        assertThat(inputs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void whatIsNotCompressedPassesUntouchedAndACompressibleOneStillVaries() {
        byte[] body = text(5_000, 5);
        // compressible, but this viewer accepts no coding: as it came, with Vary for the others
        EmbeddedChannel ch = channel(behavior(true, ManagedPolicies.CACHING_OPTIMIZED), get(null));
        ch.writeOutbound(head(body.length, "text/html"));
        List<ByteBuf> inputs = writeBody(ch, body, 4096, false);
        Received got = drain(ch, new ByteArrayOutputStream());
        assertThat(got.body()).isEqualTo(body);
        assertThat(got.head().headers().get("Vary")).isEqualTo("Origin, Accept-Encoding");
        assertThat(got.head().headers().get("ETag")).isEqualTo("\"v1\"");
        assertThat(got.head().headers().getInt("Content-Length")).isEqualTo(body.length);
        assertThat(inputs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(ch.finish()).isFalse();

        // a PNG: neither compressed nor varying
        EmbeddedChannel png = channel(behavior(true, ManagedPolicies.CACHING_OPTIMIZED), get("br, gzip"));
        png.writeOutbound(head(body.length, "image/png"));
        writeBody(png, body, 4096, false);
        Received raw = drain(png, new ByteArrayOutputStream());
        assertThat(raw.body()).isEqualTo(body);
        assertThat(raw.head().headers().get("Vary")).isEqualTo("Origin");
        assertThat(raw.head().headers().contains("Content-Encoding")).isFalse();
        assertThat(png.finish()).isFalse();
    }

    @Test
    void anExchangeThatBreaksOffMidBodyReleasesTheEncoder() {
        byte[] body = text(100_000, 6);
        EmbeddedChannel ch = channel(behavior(true, ManagedPolicies.CACHING_OPTIMIZED), get("gzip"));
        ch.writeOutbound(head(body.length, "text/plain"));
        ByteBuf first = Unpooled.buffer().writeBytes(body, 0, 30_000);
        ch.writeOutbound(new DefaultHttpContent(first));
        drain(ch, new ByteArrayOutputStream());
        ch.close(); // the origin failed: the stage closes the viewer's connection
        assertThat(first.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aNewResponseAfterOneThatBrokeOffStartsAFreshStream() throws IOException {
        byte[] body = text(10_000, 7);
        EmbeddedChannel ch = channel(behavior(true, ManagedPolicies.CACHING_OPTIMIZED), get("gzip"));
        ch.writeOutbound(head(body.length, "text/plain"));
        ch.writeOutbound(new DefaultHttpContent(Unpooled.buffer().writeBytes(body, 0, 4000)));
        drain(ch, new ByteArrayOutputStream());
        // an error page replaces the broken response on the same channel
        ch.writeOutbound(head(body.length, "text/plain"));
        writeBody(ch, body, 4096, false);
        Received got = drain(ch, new ByteArrayOutputStream());
        assertThat(gunzip(got.body())).isEqualTo(body);
        assertThat(ch.finish()).isFalse();
    }
}
