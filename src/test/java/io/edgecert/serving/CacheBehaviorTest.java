package io.edgecert.serving;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class CacheBehaviorTest {
    private static CacheBehavior allowing(Set<String> methods) {
        return new CacheBehavior(PathPattern.DEFAULT, "o", ViewerProtocolPolicy.ALLOW_ALL, methods, CacheBehavior.GET_HEAD,
                false, ManagedPolicies.CACHING_DISABLED, ManagedPolicies.ALL_VIEWER, Optional.empty());
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "GET_HEAD, GET, true", "GET_HEAD, HEAD, true", "GET_HEAD, OPTIONS, false", "GET_HEAD, POST, false",
            "GET_HEAD, M-SEARCH, false", "GET_HEAD_OPTIONS, OPTIONS, true", "GET_HEAD_OPTIONS, DELETE, false",
            "GET_HEAD_OPTIONS, PROPFIND, false", "ALL, POST, true", "ALL, DELETE, true",
            // all of CloudFront's seven: extension methods pass, as through the proxy before behaviors
            "ALL, M-SEARCH, true", "ALL, PROPFIND, true"})
    void methods(String set, String method, boolean allowed) {
        Set<String> methods = switch (set) {
            case "GET_HEAD" -> CacheBehavior.GET_HEAD;
            case "GET_HEAD_OPTIONS" -> CacheBehavior.GET_HEAD_OPTIONS;
            default -> CacheBehavior.ALL_METHODS;
        };
        assertThat(allowing(methods).allows(method)).isEqualTo(allowed);
    }
}
