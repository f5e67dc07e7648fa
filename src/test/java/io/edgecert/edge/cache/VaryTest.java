package io.edgecert.edge.cache;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class VaryTest {
    /** stored response's Vary (and more); request that produced it; new request; matches */
    @ParameterizedTest(name = "[{index}] {0}: {1} vs {2} -> {3}")
    @CsvSource(delimiter = ';', value = {
            "Vary: Foo; Foo: 1; Foo: 1; true",
            "Vary: Foo; Foo: 1; Foo: 2; false",
            "Vary: Foo; ; Foo: 1; false",
            "Vary: Foo; Foo: 1; ; false",
            "Vary: Foo; ; ; true",
            "Vary: foo; Foo: 1; FOO: 1; true",
            "Vary: Foo, Bar; Foo: 1 | Bar: 2; Bar: 2 | Foo: 1; true",
            "Vary: Foo, Bar; Foo: 1 | Bar: 2; Foo: 1 | Bar: 3; false",
            "Vary: Foo, Bar; Foo: 1 | Bar: 2; Foo: 1; false",
            "Vary: Foo | Vary: Bar; Foo: 1 | Bar: 2; Foo: 1 | Bar: 2; true",
            "Vary: Foo, Bar, Baz; Foo: 1 | Bar: 2 | Baz: 3; Foo: 1 | Bar: 2 | Baz: 3; true",
            "Vary: Foo, Bar, Baz; Foo: 1 | Bar: 2 | Baz: 3; Foo: 1 | Bar: 3 | Baz: 2; false",
            "Vary: Foo, Bar, Baz; Foo: 1 | Baz: 3; Foo: 1 | Baz: 3; true",
            "Vary: Foo; Foo: 1, 2; Foo: 1 | Foo: 2; true",
            "Vary: Foo; Foo: 1,2; Foo:  1, 2 ; true",
            "Vary: Foo; 'Foo: a;b=1'; 'Foo: a ; b = 1'; true",
            "Vary: Foo; Foo: ABC; Foo: abc; false",
            "Vary: Accept-Language; Accept-Language: en, de; Accept-Language: de, en; true",
            "Vary: Accept-Language; Accept-Language: en, de; Accept-Language: eN, De; true",
            "Vary: Accept-Language; Accept-Language: en, de; Accept-Language:  en ,   de; true",
            "Vary: Accept-Language; Accept-Language: en, de; Accept-Language: fr; false",
            "Vary: Accept-Encoding; Accept-Encoding: gzip, br; Accept-Encoding: br,gzip; true",
            "Vary: *; Foo: 1; Foo: 1; false",
            "Vary: *, *; ; ; false",
            "Vary: , *; ; ; false",
            "Vary: | Vary: *; ; ; false",
            "Vary: Foo, *; Foo: 1; Foo: 1; false",
            "Vary: ,; ; Foo: 1; true",
            "Cache-Control: max-age=1; Foo: 1; Foo: 2; true",
    })
    void matches(String response, String original, String request, boolean matches) {
        StoredHead stored = Heads.stored(200, response, original);
        assertThat(Vary.matches(stored, Heads.headers(request))).isEqualTo(matches);
    }
}
