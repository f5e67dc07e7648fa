package io.edgecert.edge.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.edgecert.edge.cache.Heads.T0;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class RevalidationTest {
    private static final String STORED = "Date: {now} | ETag: \"a\" | Last-Modified: {now-3600} | Cache-Control: max-age=1"
            + " | Content-Type: text/plain | Content-Length: 10 | Content-Encoding: gzip | Test-Header: old | Age: 5"
            + " | Content-Foo: old";

    /** 304 headers; field; value after the merge ("-" absent) */
    @ParameterizedTest(name = "[{index}] 304 {0}: {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
            "ETag: \"a\" | Test-Header: new; Test-Header; new",
            "ETag: \"a\"; Test-Header; old",
            "ETag: \"a\" | X-Test-Header: x; X-Test-Header; x",
            "ETag: \"a\" | Content-Foo: new; Content-Foo; new",
            "ETag: \"a\" | Cache-Control: max-age=100; Cache-Control; max-age=100",
            "ETag: \"a\" | Content-Length: 0; Content-Length; 10",
            "ETag: \"a\" | Content-Type: text/html; Content-Type; text/plain",
            "ETag: \"a\" | Content-Encoding: br; Content-Encoding; gzip",
            "ETag: \"a\" | Connection: close, X-Hop | X-Hop: 1; X-Hop; -",
            "ETag: \"a\" | Keep-Alive: timeout=5; Keep-Alive; -",
            "ETag: \"a\"; Age; -",
            "ETag: \"a\" | Age: 3; Age; 3",
            "ETag: \"a\" | Date: {now+10}; Date; {now+10}",
            "ETag: \"a\"; Date; {now+20}",
            "ETag: \"a\" | Set-Cookie: a=1 | Set-Cookie: b=2; Set-Cookie; a=1,b=2",
    })
    void merge(String notModified, String field, String expected) {
        StoredHead stored = Heads.stored(200, STORED);
        StoredHead merged = Revalidation.merge(stored, Heads.headers(notModified), T0.plusSeconds(19), T0.plusSeconds(20));
        List<String> values = merged.headers().getAll(field);
        assertThat(values.isEmpty() ? "-" : String.join(",", values)).isEqualTo(Heads.dates(expected));
        assertThat(merged.requestTime()).isEqualTo(T0.plusSeconds(19));
        assertThat(merged.responseTime()).isEqualTo(T0.plusSeconds(20));
        assertThat(merged.status()).isEqualTo(200);
    }

    @Test
    void mergedHeadIsFreshAgain() {
        StoredHead stored = Heads.stored(200, STORED);
        assertThat(Freshness.of(stored, Heads.ORIGIN, T0.plusSeconds(20)).fresh()).isFalse();
        StoredHead merged = Revalidation.merge(stored, Heads.headers("ETag: \"a\" | Cache-Control: max-age=100"),
                T0.plusSeconds(20), T0.plusSeconds(20));
        Freshness f = Freshness.of(merged, Heads.ORIGIN, T0.plusSeconds(30));
        assertThat(f.fresh()).isTrue();
        assertThat(f.ageSeconds()).isEqualTo(10);
    }

    /** stored ETags / Last-Modified of the candidates (","); 304 headers; index selected (-1 none) */
    @ParameterizedTest(name = "[{index}] {0} / 304 {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
            "ETag: \"a\",ETag: \"b\"; ETag: \"b\"; 1",
            "ETag: \"a\",ETag: \"b\"; ETag: \"c\"; -1",
            "ETag: W/\"a\",ETag: \"b\"; ETag: W/\"a\"; 0",
            "Last-Modified: {now-10},Last-Modified: {now-20}; Last-Modified: {now-20}; 1",
            "ETag: \"a\"; ; 0",
            "ETag: \"a\",ETag: \"b\"; ; 0",
    })
    void select(String candidates, String notModified, int expected) {
        List<StoredHead> heads = java.util.Arrays.stream(candidates.split(",")).map(c -> Heads.stored(200, c)).toList();
        var selected = Revalidation.select(heads, Heads.headers(notModified));
        assertThat(selected.map(heads::indexOf).orElse(-1)).isEqualTo(expected);
    }
}
