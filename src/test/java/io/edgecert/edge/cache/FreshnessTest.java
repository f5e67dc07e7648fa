package io.edgecert.edge.cache;

import io.edgecert.serving.CachePolicy;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static io.edgecert.edge.cache.Heads.T0;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class FreshnessTest {
    /** status; response headers; policy min/default/max; lifetime seconds; source */
    @ParameterizedTest(name = "[{index}] {0} {1} policy {2} -> {3}s {4}")
    @CsvSource(delimiter = ';', value = {
            "200; Cache-Control: max-age=100; 0/0/31536000; 100; MAX_AGE",
            "200; Cache-Control: max-age=100, s-maxage=10; 0/0/31536000; 10; S_MAXAGE",
            "200; Cache-Control: s-maxage=1000 | Cache-Control: max-age=1; 0/0/31536000; 1000; S_MAXAGE",
            "200; Cache-Control: max-age=0 | Expires: {now+100}; 0/0/31536000; 0; MAX_AGE",
            "200; Cache-Control: max-age=100 | Expires: {now-100}; 0/0/31536000; 100; MAX_AGE",
            "200; Expires: {now+100} | Date: {now}; 0/0/31536000; 100; EXPIRES",
            "200; Expires: {now-100} | Date: {now}; 0/0/31536000; 0; EXPIRES",
            "200; Expires: 0; 0/0/31536000; 0; EXPIRES",
            "200; Expires: {now+100} | Expires: {now+200}; 0/0/31536000; 0; EXPIRES",
            "200; Expires: {now+100} | Date: garbage; 0/0/31536000; 100; EXPIRES",
            "200; Expires: {now+100} | Date: {now-50}; 0/0/31536000; 150; EXPIRES",
            "200; Last-Modified: {now-1000} | Date: {now}; 0/0/31536000; 100; HEURISTIC",
            "200; Last-Modified: {now-10000000} | Date: {now}; 0/0/31536000; 86400; HEURISTIC",
            "404; Last-Modified: {now-1000}; 0/0/31536000; 100; HEURISTIC",
            "201; Last-Modified: {now-1000}; 0/0/31536000; 0; NONE",
            "599; Last-Modified: {now-1000}; 0/0/31536000; 0; NONE",
            "599; Last-Modified: {now-1000} | Cache-Control: public; 0/0/31536000; 100; HEURISTIC",
            "200; ; 0/0/31536000; 0; NONE",
            "200; ; 0/86400/31536000; 86400; POLICY_DEFAULT",
            "200; Cache-Control: max-age=0; 60/86400/31536000; 60; MAX_AGE",
            "200; Cache-Control: max-age=100000000; 0/86400/31536000; 31536000; MAX_AGE",
            "200; Cache-Control: max-age=10; 0/86400/5; 5; MAX_AGE",
            "200; CDN-Cache-Control: max-age=50 | Cache-Control: max-age=5; 0/0/31536000; 50; MAX_AGE",
            "200; CDN-Cache-Control: public | Expires: {now+100}; 0/0/31536000; 0; NONE",
            "200; CDN-Cache-Control: max-age=0 | Expires: {now+100}; 0/0/31536000; 0; MAX_AGE",
    })
    void lifetime(int status, String spec, String bounds, long seconds, Freshness.Source source) {
        String[] b = bounds.split("/");
        CachePolicy p = Heads.policy(Long.parseLong(b[0]), Long.parseLong(b[1]), Long.parseLong(b[2]));
        Freshness.Lifetime l = Freshness.lifetime(status, Heads.headers(spec), T0, p);
        assertThat(l.duration()).isEqualTo(Duration.ofSeconds(seconds));
        assertThat(l.source()).isEqualTo(source);
    }

    /** response headers; request sent at T0-delay; received at T0; now = T0+resident -> current age */
    @ParameterizedTest(name = "[{index}] {0} delay {1} resident {2} -> age {3}")
    @CsvSource(delimiter = ';', value = {
            "Date: {now}; 0; 0; 0",
            "Date: {now}; 0; 10; 10",
            "Date: {now-30}; 0; 10; 40",
            "Date: {now} | Age: 100; 0; 10; 110",
            "Date: {now} | Age: 100; 2; 10; 112",
            "Date: {now-200} | Age: 100; 2; 10; 210",
            "Date: {now+50}; 0; 5; 5",
            "Date: {now} | Age: abc; 0; 0; 0",
            "Date: {now} | Age: -7200; 0; 0; 0",
            "Date: {now} | Age: 7200.0; 0; 0; 0",
            "Date: {now} | Age: 7200, 0; 0; 0; 7200",
            "Date: {now} | Age: 0, 7200; 0; 0; 0",
            "Date: {now} | Age: 7200 | Age: 0; 0; 0; 7200",
            "Date: {now} | Age: 2147483649; 0; 0; 2147483648",
            "; 1; 3; 4",
    })
    void currentAge(String spec, long delay, long resident, long age) {
        StoredHead h = new StoredHead(200, Heads.headers(spec), T0.minusSeconds(delay), T0, Map.of());
        assertThat(Freshness.currentAge(h, T0.plusSeconds(resident))).isEqualTo(Duration.ofSeconds(age));
    }
}
