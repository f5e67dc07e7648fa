package io.edgecert.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.BrotliEncoder;
import io.netty.handler.codec.compression.BrotliMode;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.compression.Zstd;
import io.netty.handler.codec.compression.ZstdEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Ratio and speed of gzip, Brotli and zstd through netty's encoders on a text corpus (the docs
 * directory given), a generated JSON array and a generated HTML table: bench/compression/run.sh.
 * Speeds are medians of 21 runs after 15 warm-ups, one thread.
 */
public final class CompressionBench {
    private CompressionBench() {
    }

    static byte[] run(Supplier<ChannelHandler> f, byte[] in, int chunk, boolean flushEach) {
        EmbeddedChannel ch = new EmbeddedChannel(f.get());
        ByteBuf outAll = Unpooled.buffer();
        for (int i = 0; i < in.length; i += chunk) {
            ByteBuf b = Unpooled.wrappedBuffer(in, i, Math.min(chunk, in.length - i));
            if (flushEach) ch.writeOutbound(b); else { ch.write(b); if ((i / chunk) % 4 == 3) ch.flush(); }
            ByteBuf o; while ((o = ch.readOutbound()) != null) { outAll.writeBytes(o); o.release(); }
        }
        ch.flush(); ch.finish();
        ByteBuf o; while ((o = ch.readOutbound()) != null) { outAll.writeBytes(o); o.release(); }
        byte[] r = new byte[outAll.readableBytes()]; outAll.readBytes(r); return r;
    }
    /** zstd's encoder emits a frame per flush, so it is flushed every 64 KB (its block), not per part. */
    public static void main(String[] a) throws Throwable {
        Brotli.ensureAvailability(); Zstd.ensureAvailability();
        Map<String, byte[]> corpus = new LinkedHashMap<>();
        StringBuilder docs = new StringBuilder();
        try (var s = Files.list(Path.of(a[0]))) { for (Path p : s.sorted().toList()) docs.append(Files.readString(p)); }
        corpus.put("docs/*.md", docs.toString().getBytes());
        StringBuilder json = new StringBuilder("["); Random r = new Random(7);
        for (int i = 0; i < 4000; i++) json.append(String.format("{\"id\":%d,\"name\":\"cert-%08x\",\"domain\":\"shop%d.example.com\",\"status\":\"%s\",\"notAfter\":\"2027-%02d-%02dT00:00:00Z\",\"tags\":[\"a%d\",\"b%d\"]},", i, r.nextInt(), r.nextInt(500), r.nextBoolean()?"active":"pending", 1+r.nextInt(12), 1+r.nextInt(28), r.nextInt(9), r.nextInt(9)));
        json.append("{}]"); corpus.put("generated JSON", json.toString().getBytes());
        StringBuilder html = new StringBuilder("<!doctype html><html><head><title>Shop</title><link rel=stylesheet href=/s.css></head><body><table>");
        for (int i = 0; i < 3000; i++) html.append(String.format("<tr class=\"row %s\"><td><a href=\"/products/%d\">Product %d</a></td><td>%d.%02d EUR</td><td><img src=\"/img/%x.webp\" alt=\"\"></td></tr>\n", i%2==0?"even":"odd", i, r.nextInt(100000), r.nextInt(500), r.nextInt(100), r.nextInt()));
        html.append("</table></body></html>"); corpus.put("generated HTML", html.toString().getBytes());
        Map<String, Supplier<ChannelHandler>> codecs = new LinkedHashMap<>();
        codecs.put("gzip-6", () -> ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, 6));
        codecs.put("gzip-9", () -> ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, 9));
        for (int q : new int[]{4, 5, 6, 9, 11}) codecs.put("br-" + q, () -> new BrotliEncoder(StandardCompressionOptions.brotli(q, 22, BrotliMode.TEXT)));
        for (int l : new int[]{3, 6, 9, 19}) codecs.put("zstd-" + l, () -> new ZstdEncoder(l, 64 * 1024, 32 << 20));
        for (var c : corpus.entrySet()) {
            byte[] in = c.getValue();
            System.out.printf("%n%s: %,d bytes%n", c.getKey(), in.length);
            for (var k : codecs.entrySet()) {
                boolean zstd = k.getKey().startsWith("zstd");
                for (int w = 0; w < 15; w++) run(k.getValue(), in, 16384, !zstd);
                int n = 21; long[] ts = new long[n]; byte[] out = null;
                for (int i = 0; i < n; i++) { long t0 = System.nanoTime(); out = run(k.getValue(), in, 16384, !zstd); ts[i] = System.nanoTime() - t0; }
                Arrays.sort(ts); double s = ts[n / 2] / 1e9;
                System.out.printf("  %-8s %,9d bytes  ratio %5.2f%%  %7.1f MB/s%n", k.getKey(), out.length, 100.0 * out.length / in.length, in.length / s / 1e6);
            }
        }
    }
}
