package io.edgecert.edge;

import io.edgecert.edge.cache.CacheKeys;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CachePolicy;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * When the edge compresses a response, CloudFront's rules ("Serving compressed files"): the
 * behavior says {@code compress}; the viewer accepts br or gzip (Brotli preferred), and the cache
 * policy caches that coding (its Accept-Encoding settings: the cache key must say which coding a
 * stored object has); the origin sent no Content-Encoding at all; the
 * content type is on CloudFront's list; the size is 1,000 to 10,000,000 bytes, known from
 * Content-Length (CloudFront does not compress a response without one). Beyond CloudFront: a
 * {@code Cache-Control: no-transform} response is left as it is (RFC 9110 §7.7), and so are
 * responses without a body to compress (HEAD, 1xx, 204, 206, 304). Pure, like
 * {@link ResponseHeaderRules}.
 */
final class CompressionRules {
    static final long MIN_SIZE = 1_000;
    static final long MAX_SIZE = 10_000_000;

    /** The codings the edge produces, in the order it prefers them. */
    enum Coding {
        BR("br"), GZIP("gzip");

        final String token;

        Coding(String token) {
            this.token = token;
        }
    }

    /** CloudFront's "File types that CloudFront compresses", as Content-Type media types. */
    static final Set<String> COMPRESSIBLE = Set.of("application/dash+xml", "application/eot", "application/font",
            "application/font-sfnt", "application/javascript", "application/json", "application/opentype",
            "application/otf", "application/pkcs7-mime", "application/protobuf", "application/rss+xml",
            "application/truetype", "application/ttf", "application/vnd.apple.mpegurl",
            "application/vnd.ms-fontobject", "application/xhtml+xml", "application/xml", "application/x-font-opentype",
            "application/x-font-truetype", "application/x-font-ttf", "application/x-httpd-cgi",
            "application/x-javascript", "application/x-mpegurl", "application/x-opentype", "application/x-otf",
            "application/x-perl", "application/x-ttf", "font/eot", "font/opentype", "font/otf", "font/ttf",
            "image/svg+xml", "text/css", "text/csv", "text/html", "text/javascript", "text/js", "text/plain",
            "text/richtext", "text/tab-separated-values", "text/xml", "text/x-component", "text/x-java-source",
            "text/x-script", "vnd.apple.mpegurl");

    private CompressionRules() {
    }

    /**
     * True when this response is one the edge would compress for some viewer: it then varies on
     * Accept-Encoding, whether or not this viewer's request gets it compressed.
     */
    static boolean compressible(CacheBehavior behavior, HttpRequest request, HttpResponse response,
                                OptionalLong knownSize) {
        if (!behavior.compress() || HttpMethod.HEAD.equals(request.method())
                || request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            return false; // CloudFront serves HTTP/1.0 uncompressed
        }
        int status = response.status().code();
        if (status < 200 || status == 204 || status == 206 || status == 304) {
            return false;
        }
        HttpHeaders h = response.headers();
        if (h.contains(HttpHeaderNames.CONTENT_ENCODING) || noTransform(h)) {
            return false;
        }
        OptionalLong size = knownSize.isPresent() ? knownSize : contentLength(h);
        if (size.isEmpty() || size.getAsLong() < MIN_SIZE || size.getAsLong() > MAX_SIZE) {
            return false;
        }
        String type = h.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        int semi = type.indexOf(';');
        return COMPRESSIBLE.contains((semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The coding for this exchange, empty when the response goes as the origin sent it. It is
     * always the coding the cache key names for this viewer ({@link CacheKeys#encodingToken}), so
     * a stored variant is found by exactly the viewers it was made for; the stricter reading of
     * Accept-Encoding here can only veto it (then the identity is stored under that key, which
     * every viewer can read).
     */
    static Optional<Coding> choose(CacheBehavior behavior, HttpRequest request, HttpResponse response,
                                   OptionalLong knownSize) {
        if (!compressible(behavior, request, response, knownSize)) {
            return Optional.empty();
        }
        List<String> accept = request.headers().getAll(HttpHeaderNames.ACCEPT_ENCODING);
        if (accept.isEmpty()) {
            return Optional.empty();
        }
        CachePolicy policy = behavior.cachePolicy();
        String keyed = CacheKeys.encodingToken(policy, String.join(", ", accept));
        return negotiate(accept, policy.acceptEncodingBrotli() && Brotli.isAvailable(), policy.acceptEncodingGzip())
                .filter(c -> c.token.equals(keyed));
    }

    /**
     * The viewer's Accept-Encoding (RFC 9110 §12.5.3): a coding with q=0 is refused, "*" stands
     * for gzip when gzip is not named (as in the cache key). Brotli first, then gzip, each when
     * the cache policy caches it (CloudFront's EnableAcceptEncodingBrotli/Gzip).
     */
    static Optional<Coding> negotiate(Iterable<String> acceptEncoding, boolean brotliAllowed, boolean gzipAllowed) {
        Double br = null;
        Double gzip = null;
        Double star = null;
        for (String header : acceptEncoding) {
            for (String item : header.split(",")) {
                String[] parts = item.split(";");
                String coding = parts[0].trim().toLowerCase(Locale.ROOT);
                double q = 1.0;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].trim();
                    if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                        try {
                            q = Double.parseDouble(p.substring(2).trim());
                        } catch (NumberFormatException e) {
                            q = 0; // a q the viewer could not write is no consent
                        }
                    }
                }
                switch (coding) {
                    case "br" -> br = q;
                    case "gzip", "x-gzip" -> gzip = gzip == null ? q : Math.max(gzip, q);
                    case "*" -> star = q;
                    default -> {
                    }
                }
            }
        }
        if (brotliAllowed && br != null && br > 0) {
            return Optional.of(Coding.BR);
        }
        if (gzipAllowed && accepted(gzip, star)) {
            return Optional.of(Coding.GZIP);
        }
        return Optional.empty();
    }

    private static boolean accepted(Double named, Double star) {
        return named != null ? named > 0 : star != null && star > 0;
    }

    static OptionalLong contentLength(HttpHeaders h) {
        String v = h.get(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static boolean noTransform(HttpHeaders h) {
        for (String v : h.getAll(HttpHeaderNames.CACHE_CONTROL)) {
            for (String d : v.split(",")) {
                if (d.trim().equalsIgnoreCase("no-transform")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The head of the compressed response: the coding named, Vary extended, the length gone
     * (chunked on HTTP/1.1, frames on HTTP/2), a strong ETag made weak since the bytes differ
     * while the representation is the same, an ETag that is not one (neither quoted nor W/)
     * dropped, as CloudFront does.
     */
    static void compressedHead(HttpHeaders h, Coding coding) {
        h.set(HttpHeaderNames.CONTENT_ENCODING, coding.token);
        ResponseHeaderRules.addToken(h, HttpHeaderNames.VARY, "Accept-Encoding");
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        String etag = h.get(HttpHeaderNames.ETAG);
        if (etag != null) {
            String e = etag.trim();
            if (e.startsWith("\"")) {
                h.set(HttpHeaderNames.ETAG, "W/" + e);
            } else if (!e.startsWith("W/")) {
                h.remove(HttpHeaderNames.ETAG);
            }
        }
    }
}
