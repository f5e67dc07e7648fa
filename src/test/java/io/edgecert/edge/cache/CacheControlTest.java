package io.edgecert.edge.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class CacheControlTest {
    /** Field lines (separated by " | ") -> max-age as this cache reads it (-1: absent). */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "max-age=3600; 3600",
            "MaX-AgE=3600; 3600",
            "max-age=003600; 3600",
            "max-age=\"3600\"; 3600",
            "max-age=1800, max-age=1; 1800",
            "max-age=1800 | max-age=1; 1800",
            "max-age=1, max-age=1800; 1",
            "max-age=1 | max-age=1800; 1",
            "extension=\"max-age=3600\", max-age=1; 1",
            "max-age=1, extension=\"max-age=3600\"; 1",
            "extension=\"a, max-age=3600\"; -1",
            "max-age =3600; 0",
            "max-age= 3600; 0",
            "max-age='3600'; 0",
            "max-age=-1; 0",
            "max-age=3600.0; 0",
            "max-age=a3600; 0",
            "max-age=3600a; 0",
            "max-age=; 0",
            "max-age; 0",
            "max-age=2147483647; 2147483647",
            "max-age=2147483648; 2147483648",
            "max-age=2147483649; 2147483648",
            "max-age=99999999999; 2147483648",
            "no-cache, max-age=5; 5",
            "  , ,max-age=7 ,; 7",
            "public; -1",
            "s-maxage=10; -1",
            "foo=bar, max-age=9; 9",
            "foo=\"a\\\"b\", max-age=9; 9",
    })
    void maxAge(String lines, long expected) {
        CacheControl cc = CacheControl.parse(Arrays.asList(lines.split(" \\| ")));
        assertThat(cc.maxAge()).isEqualTo(expected < 0 ? OptionalLong.empty() : OptionalLong.of(expected));
    }

    @ParameterizedTest(name = "[{index}] {0} has {1}: {2}")
    @CsvSource(delimiter = ';', value = {
            "no-store; no-store; true",
            "nO-StOrE; no-store; true",
            "private=\"set-cookie\"; private; true",
            "no-cache=\"Set-Cookie, X-Foo\", max-age=3; no-cache; true",
            "no-cache=\"Set-Cookie, X-Foo\", max-age=3; x-foo; false",
            "foo=\"no-store\"; no-store; false",
            "public, must-revalidate; must-revalidate; true",
            "proxy-revalidate; proxy-revalidate; true",
            "immutable; immutable; true",
    })
    void directivePresence(String line, String directive, boolean expected) {
        assertThat(CacheControl.parse(List.of(line)).has(directive)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} -> max-stale {1}")
    @CsvSource(delimiter = ';', value = {
            "max-stale; 9223372036854775807",
            "max-stale=10; 10",
            "max-stale=x; 0",
            "max-age=1; -1",
    })
    void maxStale(String line, long expected) {
        assertThat(CacheControl.parse(List.of(line)).maxStale())
                .isEqualTo(expected < 0 ? OptionalLong.empty() : OptionalLong.of(expected));
    }

    /** CDN-Cache-Control (RFC 9213): a valid dictionary replaces Cache-Control, an invalid one is ignored. */
    @ParameterizedTest(name = "[{index}] {0} -> max-age {1}, targeted {2}")
    @CsvSource(delimiter = ';', value = {
            "CDN-Cache-Control: max-age=3600 | Cache-Control: max-age=1; 3600; true",
            "CDN-Cache-Control: max-age=1 | Cache-Control: max-age=3600; 1; true",
            "CDN-Cache-Control: no-store | Cache-Control: max-age=3600; -1; true",
            "CDN-Cache-Control: max-age=10000, &&&&& | Cache-Control: max-age=5; 5; false",
            "CDN-Cache-Control: max-age=\"10000\" | Cache-Control: no-store; 0; true",
            "CDN-Cache-Control: max-age =100 | Cache-Control: max-age=5; 5; false",
            "CDN-Cache-Control: MaX-aGe=3600 | Cache-Control: max-age=5; 5; false",
            "CDN-Cache-Control: foobar, max-age=3600; 3600; true",
            "CDN-Cache-Control: max-age=99999999999; 2147483648; true",
            "'CDN-Cache-Control: max-age=3600;foo=bar, private'; 3600; true",
            "Cache-Control: max-age=5; 5; false",
    })
    void cdnCacheControl(String spec, long maxAge, boolean targeted) {
        CacheControl cc = CacheControl.forCache(Heads.headers(spec));
        assertThat(cc.maxAge()).isEqualTo(maxAge < 0 ? OptionalLong.empty() : OptionalLong.of(maxAge));
        assertThat(cc.targeted()).isEqualTo(targeted);
    }

    @Test
    void cdnFalseBooleanIsAbsent() {
        CacheControl cc = CacheControl.forCache(Heads.headers("CDN-Cache-Control: no-store=?0, max-age=5"));
        assertThat(cc.noStore()).isFalse();
        assertThat(cc.maxAge()).hasValue(5);
    }
}
