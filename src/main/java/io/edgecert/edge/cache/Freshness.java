package io.edgecert.edge.cache;

import io.edgecert.serving.CachePolicy;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How long a stored response is fresh for this cache and how old it is now (RFC 9111 4.2), with
 * the cache policy's TTLs applied the way CloudFront applies them.
 *
 * <p>Lifetime: {@code s-maxage}, else {@code max-age}, else {@code Expires - Date} (an invalid or
 * repeated Expires means already expired, 5.3), from CDN-Cache-Control instead when the response
 * has one (RFC 9213, which also sets Expires aside). When the origin says none of these, the
 * policy's {@code defaultTtl} when it is above zero (CloudFront), else the RFC heuristic (4.2.2:
 * 10% of {@code Date - Last-Modified}, at most a day, only for a heuristically cacheable status or
 * with {@code public}). Then the policy bounds it: at least {@code minTtl}, at most {@code maxTtl}
 * (CloudFront; a departure from the RFC when {@code minTtl > 0}: a response that says
 * {@code max-age=0} is then fresh for {@code minTtl}).
 *
 * <p>Age (4.2.3): {@code max(apparent_age, Age + response_delay) + resident_time}, in milliseconds.
 *
 * @param lifetime how long it is fresh, from when it was generated
 * @param age      its current age
 * @param source   where the lifetime came from
 */
public record Freshness(Duration lifetime, Duration age, Source source) {
    /** Where a lifetime came from. */
    public enum Source { S_MAXAGE, MAX_AGE, EXPIRES, POLICY_DEFAULT, HEURISTIC, NONE }

    /** RFC 9110 15.1: statuses cacheable by default (heuristic freshness allowed). */
    public static final Set<Integer> HEURISTICALLY_CACHEABLE = Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405,
            410, 414, 501);
    /** RFC 9111 4.2.2: heuristic lifetimes are capped (a day, the RFC's example of a sensible bound). */
    public static final Duration HEURISTIC_CAP = Duration.ofDays(1);

    private static final long MAX_SECONDS = CacheControl.DELTA_SECONDS_MAX;

    public static Freshness of(StoredHead head, CachePolicy policy, Instant now) {
        return of(head, CacheControl.forCache(head.headers()), policy, now);
    }

    /** The same, with the stored response's directives already parsed. */
    public static Freshness of(StoredHead head, CacheControl cc, CachePolicy policy, Instant now) {
        Lifetime l = lifetime(head.status(), head.headers(), cc, head.responseTime(), policy);
        return new Freshness(l.duration(), currentAge(head, now), l.source());
    }

    /** A lifetime and where it came from. */
    public record Lifetime(Duration duration, Source source) {
    }

    /** The freshness lifetime of a response received at {@code responseTime} (4.2.1), policy-bounded. */
    public static Lifetime lifetime(int status, HttpHeaders headers, Instant responseTime, CachePolicy policy) {
        return lifetime(status, headers, CacheControl.forCache(headers), responseTime, policy);
    }

    /** The same, with the response's directives already parsed. */
    public static Lifetime lifetime(int status, HttpHeaders headers, CacheControl cc, Instant responseTime,
                                    CachePolicy policy) {
        Instant date = HttpDates.header(headers, "Date", responseTime).orElse(responseTime);
        Duration origin;
        Source source;
        OptionalLong s = cc.sMaxAge();
        OptionalLong m = cc.maxAge();
        if (s.isPresent()) {
            origin = Duration.ofSeconds(s.getAsLong());
            source = Source.S_MAXAGE;
        } else if (m.isPresent()) {
            origin = Duration.ofSeconds(m.getAsLong());
            source = Source.MAX_AGE;
        } else if (!cc.targeted() && headers.contains("Expires")) {
            Optional<Instant> expires = HttpDates.header(headers, "Expires", responseTime);
            origin = expires.map(e -> nonNegative(Duration.between(date, e))).orElse(Duration.ZERO);
            source = Source.EXPIRES;
        } else if (policy.defaultTtl() > 0) {
            return new Lifetime(bound(Duration.ofSeconds(policy.defaultTtl()), policy), Source.POLICY_DEFAULT);
        } else {
            Optional<Duration> h = heuristic(status, headers, cc, date, responseTime);
            if (h.isEmpty()) {
                return new Lifetime(Duration.ZERO, Source.NONE);
            }
            origin = h.get();
            source = Source.HEURISTIC;
        }
        return new Lifetime(bound(origin, policy), source);
    }

    private static Optional<Duration> heuristic(int status, HttpHeaders headers, CacheControl cc, Instant date,
                                                Instant responseTime) {
        if (!HEURISTICALLY_CACHEABLE.contains(status) && !cc.isPublic()) {
            return Optional.empty();
        }
        return HttpDates.header(headers, "Last-Modified", responseTime)
                .map(lm -> nonNegative(Duration.between(lm, date)).dividedBy(10))
                .map(d -> d.compareTo(HEURISTIC_CAP) > 0 ? HEURISTIC_CAP : d);
    }

    private static Duration bound(Duration d, CachePolicy policy) {
        Duration min = Duration.ofSeconds(policy.minTtl());
        Duration max = Duration.ofSeconds(policy.maxTtl());
        if (d.compareTo(min) < 0) {
            d = min;
        }
        return d.compareTo(max) > 0 ? max : d;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** True when the origin gave a lifetime (s-maxage, max-age or Expires), valid or not. */
    public static boolean explicit(HttpHeaders headers) {
        CacheControl cc = CacheControl.forCache(headers);
        return cc.has("s-maxage") || cc.has("max-age") || (!cc.targeted() && headers.contains("Expires"));
    }

    /** RFC 9111 4.2.3 current_age. */
    public static Duration currentAge(StoredHead head, Instant now) {
        HttpHeaders h = head.headers();
        Instant responseTime = head.responseTime();
        Instant date = HttpDates.header(h, "Date", responseTime).orElse(responseTime);
        Duration apparent = nonNegative(Duration.between(date, responseTime));
        Duration delay = nonNegative(Duration.between(head.requestTime(), responseTime));
        Duration correctedAgeValue = Duration.ofSeconds(ageValue(h)).plus(delay);
        Duration initial = apparent.compareTo(correctedAgeValue) > 0 ? apparent : correctedAgeValue;
        return initial.plus(nonNegative(Duration.between(responseTime, now)));
    }

    /**
     * The Age header's value (5.1): the first member of the first field line when it is
     * delta-seconds, capped at 2^31; 0 when absent or not a number (a malformed Age is ignored).
     */
    public static long ageValue(HttpHeaders headers) {
        List<String> lines = headers.getAll("Age");
        if (lines.isEmpty()) {
            return 0;
        }
        String first = lines.get(0);
        int comma = first.indexOf(',');
        return CacheControl.deltaSeconds((comma < 0 ? first : first.substring(0, comma)).strip()).orElse(0);
    }

    /** The Age header to send (5.1): whole seconds of the current age, at most 2^31. */
    public long ageSeconds() {
        return Math.min(MAX_SECONDS, age.toSeconds());
    }

    public boolean fresh() {
        return lifetime.compareTo(age) > 0;
    }

    /** Lifetime left (negative once stale). */
    public Duration remaining() {
        return lifetime.minus(age);
    }

    /** How long it has been stale (zero while fresh). */
    public Duration staleness() {
        Duration d = age.minus(lifetime);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** RFC 9211 ttl: the remaining freshness in whole seconds (negative once stale). */
    public long ttlSeconds() {
        return Math.floorDiv(remaining().toMillis(), 1000);
    }
}
