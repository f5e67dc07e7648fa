package io.edgecert.edge.cache;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class InvalidationTest {
    /** method; uri; status; response headers; paths invalidated ("," separated, "-" none) */
    @ParameterizedTest(name = "[{index}] {0} {1} -> {2} {3}: {4}")
    @CsvSource(delimiter = ';', value = {
            "POST; /a?x=1; 200; ; /a",
            "PUT; /a; 201; ; /a",
            "DELETE; /a; 204; ; /a",
            "M-SEARCH; /a; 200; ; /a",
            "PATCH; /a; 302; ; /a",
            "POST; /a; 500; ; -",
            "POST; /a; 404; ; -",
            "PUT; /a; 100; ; -",
            "GET; /a; 200; ; -",
            "HEAD; /a; 200; ; -",
            "OPTIONS; /a; 200; ; -",
            "TRACE; /a; 200; ; -",
            "POST; /a; 200; Location: /b; /a,/b",
            "POST; /a/x; 201; Location: y?z=1; /a/x,/a/y",
            "POST; /a; 200; Content-Location: https://shop.example/c; /a,/c",
            "POST; /a; 200; Content-Location: https://shop.example:443/c; /a,/c",
            "POST; /a; 200; Location: https://other.example/c; /a",
            "POST; /a; 200; Location: /a; /a",
            "POST; /a; 200; Location: :::bad; /a",
    })
    void paths(String method, String uri, int status, String response, String expected) {
        List<String> paths = Invalidation.paths(method, uri, "shop.example", status, Heads.headers(response));
        assertThat(paths).isEqualTo(expected.equals("-") ? List.of() : Arrays.asList(expected.split(",")));
    }
}
