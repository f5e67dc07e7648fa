package io.edgecert.edge.cache;

import io.edgecert.serving.CachePolicy;
import io.edgecert.serving.Selection;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The primary cache key of a request under a cache policy, CloudFront's way: the path, then what
 * the policy selects of the query string, the headers and the cookies (each sorted, so that order
 * never splits a key), and Accept-Encoding reduced to the one coding this cache would serve under
 * the policy ({@link #encodingToken}). GET and HEAD share a key (a HEAD is answered from a stored
 * GET, RFC 9110 9.3.2); any other cached method (OPTIONS) has its own.
 *
 * <p>The key's value is one line per part; no part can hold a line break (netty refuses them in
 * header values, and a raw query string or cookie cannot have one), so two different requests
 * never make the same value.
 */
public final class CacheKeys {
    private CacheKeys() {
    }

    public static CacheKey of(String distributionId, CachePolicy policy, HttpRequest request) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        int hash = path.indexOf('#');
        if (hash >= 0) {
            path = path.substring(0, hash);
        }
        String method = request.method().name();
        StringBuilder key = new StringBuilder(64 + uri.length());
        key.append(method.equals("HEAD") ? "GET" : method).append(' ').append(path);
        if (q >= 0 && policy.queryStrings().kind() != Selection.Kind.NONE) {
            appendQuery(key, uri.substring(q + 1), policy.queryStrings());
        }
        HttpHeaders headers = request.headers();
        if (policy.headers().kind() != Selection.Kind.NONE) {
            appendHeaders(key, headers, policy.headers());
        }
        if (policy.cookies().kind() != Selection.Kind.NONE) {
            appendCookies(key, headers.getAll(HttpHeaderNames.COOKIE), policy.cookies());
        }
        String coding = encodingToken(policy, headers.get(HttpHeaderNames.ACCEPT_ENCODING));
        if (!coding.isEmpty()) {
            key.append("\nae ").append(coding);
        }
        return new CacheKey(distributionId, path, key.toString());
    }

    private static void appendQuery(StringBuilder key, String query, Selection selection) {
        int hash = query.indexOf('#');
        if (hash >= 0) {
            query = query.substring(0, hash);
        }
        List<String> items = new ArrayList<>();
        for (String item : query.split("&")) {
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (selection.includes(eq < 0 ? item : item.substring(0, eq))) {
                items.add(item);
            }
        }
        // by name, then by the whole item: "b=2&a=1" and "a=1&b=2" are one key, "a=1&a=2" and "a=2&a=1" too
        items.sort((x, y) -> {
            int c = name(x).compareTo(name(y));
            return c != 0 ? c : x.compareTo(y);
        });
        for (String item : items) {
            key.append("\nq ").append(item);
        }
    }

    private static String name(String item) {
        int eq = item.indexOf('=');
        return eq < 0 ? item : item.substring(0, eq);
    }

    private static void appendHeaders(StringBuilder key, HttpHeaders headers, Selection selection) {
        TreeMap<String, List<String>> selected = new TreeMap<>();
        for (Map.Entry<String, String> e : headers) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            // Accept-Encoding is in the key as its token; Cookie as its selected cookies
            if (name.equals("accept-encoding") || name.equals("cookie") || !selection.includes(name)) {
                continue;
            }
            selected.computeIfAbsent(name, n -> new ArrayList<>()).add(e.getValue().strip());
        }
        selected.forEach((name, values) -> key.append("\nh ").append(name).append(": ").append(String.join(", ", values)));
    }

    private static void appendCookies(StringBuilder key, List<String> cookieLines, Selection selection) {
        List<String> items = new ArrayList<>();
        for (String line : cookieLines) {
            for (String pair : line.split(";")) {
                String p = pair.strip();
                if (p.isEmpty()) {
                    continue;
                }
                if (selection.includes(name(p))) {
                    items.add(p);
                }
            }
        }
        items.sort((x, y) -> {
            int c = name(x).compareTo(name(y));
            return c != 0 ? c : x.compareTo(y);
        });
        for (String item : items) {
            key.append("\nc ").append(item);
        }
    }

    /**
     * The keys the same request has when it accepts the codings the policy enables: a request that
     * accepts only identity (a Range request from a browser's fetch always says
     * {@code Accept-Encoding: identity}) may be answered by what is stored under them when the
     * stored bytes are not encoded (no Content-Encoding). Empty when the request's own key already
     * names a coding.
     */
    public static List<CacheKey> encodedSiblings(CacheKey key, CachePolicy policy) {
        if (key.value().contains("\nae ")) {
            return List.of();
        }
        List<CacheKey> out = new ArrayList<>(2);
        if (policy.acceptEncodingBrotli()) {
            out.add(new CacheKey(key.distributionId(), key.path(), key.value() + "\nae br"));
        }
        if (policy.acceptEncodingGzip()) {
            out.add(new CacheKey(key.distributionId(), key.path(), key.value() + "\nae gzip"));
        }
        return out;
    }

    /**
     * The content coding this cache serves a request under a policy: "br" when the policy enables
     * Brotli and the viewer accepts it, else "gzip" likewise, else "" (identity). Viewers that send
     * "gzip, br" and "br" share a key, as they get the same bytes. A coding with q=0 is refused.
     */
    public static String encodingToken(CachePolicy policy, String acceptEncoding) {
        if (acceptEncoding == null || (!policy.acceptEncodingBrotli() && !policy.acceptEncodingGzip())) {
            return "";
        }
        boolean br = false;
        boolean gzip = false;
        boolean star = false;
        for (String element : acceptEncoding.split(",")) {
            String[] parts = element.split(";");
            String coding = parts[0].strip().toLowerCase(Locale.ROOT);
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    refused = isZero(p.substring(2));
                }
            }
            if (refused) {
                continue;
            }
            switch (coding) {
                case "br" -> br = true;
                case "gzip", "x-gzip" -> gzip = true;
                case "*" -> star = true;
                default -> {
                }
            }
        }
        if (policy.acceptEncodingBrotli() && br) {
            return "br";
        }
        if (policy.acceptEncodingGzip() && (gzip || star)) {
            return "gzip";
        }
        return "";
    }

    private static boolean isZero(String q) {
        String v = q.strip();
        return v.matches("0(\\.0{0,3})?");
    }
}
