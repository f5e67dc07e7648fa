package io.edgecert.edge.cache;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One Cache-Status member (RFC 9211) for this cache, e.g. {@code edgecert; hit; ttl=42} or
 * {@code edgecert; fwd=uri-miss; stored}. {@code hit} and {@code fwd} exclude each other (2.1, 2.2).
 */
public record CacheStatus(boolean hit, Optional<Fwd> fwd, OptionalInt fwdStatus, OptionalLong ttl, boolean stored,
                          boolean collapsed, Optional<String> detail) {
    public static final String CACHE_NAME = "edgecert";
    public static final String HEADER = "Cache-Status";

    /** RFC 9211 2.2 fwd values. */
    public enum Fwd {
        BYPASS("bypass"), METHOD("method"), URI_MISS("uri-miss"), VARY_MISS("vary-miss"), MISS("miss"),
        REQUEST("request"), STALE("stale"), PARTIAL("partial");

        private final String token;

        Fwd(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    public static CacheStatus hit(long ttl) {
        return new CacheStatus(true, Optional.empty(), OptionalInt.empty(), OptionalLong.of(ttl), false, false,
                Optional.empty());
    }

    public static CacheStatus forward(Fwd fwd) {
        return new CacheStatus(false, Optional.of(fwd), OptionalInt.empty(), OptionalLong.empty(), false, false,
                Optional.empty());
    }

    public CacheStatus withFwdStatus(int status) {
        return new CacheStatus(hit, fwd, OptionalInt.of(status), ttl, stored, collapsed, detail);
    }

    public CacheStatus withStored(boolean stored) {
        return new CacheStatus(hit, fwd, fwdStatus, ttl, stored, collapsed, detail);
    }

    public CacheStatus withTtl(long ttl) {
        return new CacheStatus(hit, fwd, fwdStatus, OptionalLong.of(ttl), stored, collapsed, detail);
    }

    public CacheStatus withCollapsed() {
        return new CacheStatus(hit, fwd, fwdStatus, ttl, stored, true, detail);
    }

    /** A detail token (RFC 9211 2.8), e.g. "stale-while-revalidate". */
    public CacheStatus withDetail(String token) {
        return new CacheStatus(hit, fwd, fwdStatus, ttl, stored, collapsed, Optional.of(token));
    }

    /** The header value. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(CACHE_NAME);
        if (hit) {
            b.append("; hit");
        }
        fwd.ifPresent(f -> b.append("; fwd=").append(f.token()));
        fwdStatus.ifPresent(s -> b.append("; fwd-status=").append(s));
        ttl.ifPresent(t -> b.append("; ttl=").append(t));
        if (stored) {
            b.append("; stored");
        }
        if (collapsed) {
            b.append("; collapsed");
        }
        detail.ifPresent(d -> b.append("; detail=").append(d));
        return b.toString();
    }
}
