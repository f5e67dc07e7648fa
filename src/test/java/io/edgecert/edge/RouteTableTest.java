package io.edgecert.edge;

import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.MinimumProtocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RouteTableTest {
    private static final EdgeRoute SHOP = route("d-shop", List.of("shop.example.com", "*.example.com"), true);
    private static final EdgeRoute API = route("d-api", List.of("api.example.com"), true);
    /** Aliases but no certificate: only its own domain name can be served. */
    private static final EdgeRoute BARE = route("d-bare", List.of("bare.example.org"), false);
    private static final RouteTable TABLE = RouteTable.of(List.of(SHOP, API, BARE));

    private static EdgeRoute route(String id, List<String> aliases, boolean certificate) {
        return new EdgeRoute(id, 1, aliases, id + ".edge.localhost", certificate ? Optional.of("cert-" + id) : Optional.empty(),
                1, MinimumProtocol.TLSv1_2_2021, List.of(new EdgeRoute.Origin("o", URI.create("http://127.0.0.1:1"))), "o");
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
            // exact beats the wildcard that also covers it
            "shop.example.com,      d-shop, EXACT_ALIAS",
            "api.example.com,       d-api,  EXACT_ALIAS",
            // one label under the wildcard
            "www.example.com,       d-shop, WILDCARD_ALIAS",
            // case and a trailing dot do not matter (SNI and Host are ASCII)
            "API.Example.COM,       d-api,  EXACT_ALIAS",
            "api.example.com.,      d-api,  EXACT_ALIAS",
            "WWW.EXAMPLE.COM.,      d-shop, WILDCARD_ALIAS",
            // a distribution's own name, even one whose aliases are unservable
            "d-api.edge.localhost,  d-api,  DOMAIN_NAME",
            "D-BARE.edge.localhost.,d-bare, DOMAIN_NAME",
    })
    void aNameFindsItsRouteAndHowItMatched(String host, String distribution, RouteTable.MatchKind kind) {
        RouteTable.Match m = TABLE.lookup(host).orElseThrow();
        assertThat(m.route().distributionId()).isEqualTo(distribution);
        assertThat(m.kind()).isEqualTo(kind);
        assertThat(m.usesDistributionCertificate()).isEqualTo(kind != RouteTable.MatchKind.DOMAIN_NAME);
    }

    @ParameterizedTest(name = "{0} is not served")
    @CsvSource({
            "example.com",            // the apex is not covered by *.example.com
            "a.b.example.com",        // a wildcard covers one label only
            "bare.example.org",       // an alias without a certificate is not served
            "unknown.test",
            ".example.com",           // empty leftmost label: no wildcard match
            "edge.localhost",
    })
    void namesThatAreNotServedFindNothing(String host) {
        assertThat(TABLE.lookup(host)).isEmpty();
    }

    @Test
    void nullAndEmptyNamesFindNothingAndTheEmptyTableHoldsNothing() {
        assertThat(TABLE.lookup(null)).isEmpty();
        assertThat(TABLE.lookup("")).isEmpty();
        assertThat(RouteTable.EMPTY.lookup("shop.example.com")).isEmpty();
        assertThat(RouteTable.EMPTY.size()).isZero();
        assertThat(TABLE.size()).isEqualTo(3);
    }

    @Test
    void aliasesGivenInUpperCaseOrWithADotAreNormalisedWhenTheTableIsBuilt() {
        RouteTable t = RouteTable.of(List.of(route("d-x", List.of("WWW.Example.NET.", "*.Shop.Example.NET"), true)));
        assertThat(t.lookup("www.example.net")).map(m -> m.kind()).contains(RouteTable.MatchKind.EXACT_ALIAS);
        assertThat(t.lookup("a.shop.example.net")).map(m -> m.kind()).contains(RouteTable.MatchKind.WILDCARD_ALIAS);
    }

    @ParameterizedTest(name = "normalise({0}) = {1}")
    @CsvSource({"Example.COM,example.com", "example.com.,example.com", "example.com,example.com", "A.,a", ".,''"})
    void normaliseLowersAsciiAndDropsOneTrailingDot(String in, String out) {
        assertThat(RouteTable.normalise(in)).isEqualTo(out);
    }

    @Test
    void normaliseReturnsTheSameStringWhenNothingChanges() {
        String already = "shop.example.com";
        assertThat(RouteTable.normalise(already)).isSameAs(already);
    }
}
