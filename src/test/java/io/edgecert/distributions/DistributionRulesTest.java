package io.edgecert.distributions;

import io.edgecert.certificates.Tag;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class DistributionRulesTest {
    private static final String EDGE = "edge.example.net";
    private static final List<DistributionConfig.Origin> ONE_ORIGIN = List.of(new DistributionConfig.Origin("app", "https://app.internal"));

    private static DistributionConfig config(List<String> aliases) {
        return new DistributionConfig(aliases, ONE_ORIGIN, "app", Optional.of("cert-1"), "TLSv1.2_2021", true, "", List.of());
    }

    private static DistributionConfig withOrigins(List<DistributionConfig.Origin> origins, String defaultOriginId) {
        return new DistributionConfig(List.of("shop.example.com"), origins, defaultOriginId, Optional.of("cert-1"),
                "TLSv1.2_2021", true, "", List.of());
    }

    /** The (field, code) pairs of every violation: what a client can act on. */
    private static List<String> problems(DistributionConfig c) {
        return DistributionRules.check(c, EDGE).stream().map(v -> v.field() + " " + v.code()).toList();
    }

    @Test
    void aGoodConfigHasNoProblem() {
        assertThat(DistributionRules.check(config(List.of("shop.example.com", "*.example.org")), EDGE)).isEmpty();
        DistributionConfig ownNameOnly = new DistributionConfig(List.of(), ONE_ORIGIN, "app", Optional.empty(),
                "TLSv1.3_2025", false, "x".repeat(DistributionRules.MAX_COMMENT_LENGTH), List.of(new Tag("team", "shop")));
        assertThat(DistributionRules.check(ownNameOnly, EDGE)).isEmpty();
    }

    @ParameterizedTest(name = "''{0}'' {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"                        | must be 1-253 characters",
            "Shop.example.com          | must be lower case (use 'shop.example.com')",
            "192.0.2.1                 | is an IP address",
            "2001:db8::1               | is an IP address",
            "[2001:db8::1]             | is an IP address",
            "localhost                 | needs at least two labels",
            "*.com                     | is a wildcard over a top-level domain",
            "www.*.example.com         | has a wildcard that is not the whole leftmost label",
            "w*.example.com            | has a wildcard that is not the whole leftmost label",
            "shop..example.com         | has an empty label",
            "shop.example.com.         | has an empty label",
            "-shop.example.com         | has label '-shop'",
            "shop_1.example.com        | has label 'shop_1'",
            "edge.example.net          | the edge's own domain (EDGECERT_EDGE_DOMAIN)",
            "d1.edge.example.net       | the edge's own domain (EDGECERT_EDGE_DOMAIN)",
            "*.example.net             | the edge's own domain (EDGECERT_EDGE_DOMAIN)",
    })
    void aBadAliasIsInvalidAliasWithItsReason(String alias, String reason) {
        List<Violation> v = DistributionRules.check(config(List.of("ok.example.com", alias)), EDGE);
        assertThat(v).singleElement().satisfies(one -> {
            assertThat(one.field()).isEqualTo("aliases[1]");
            assertThat(one.code()).isEqualTo(ErrorCode.InvalidAlias);
            assertThat(one.message()).contains(reason);
        });
    }

    @Test
    void labelAndNameLengthsHaveTheirLimits() {
        String label63 = "a".repeat(63);
        assertThat(DistributionRules.syntaxProblem(label63 + ".example.com")).isEmpty();
        assertThat(DistributionRules.syntaxProblem("a" + label63 + ".example.com")).hasValueSatisfying(why -> assertThat(why).contains("at most 63"));
        String name253 = String.join(".", Collections.nCopies(63, "abc")) + ".e"; // 63*4 - 1 + 2 = 253
        assertThat(name253).hasSize(253);
        assertThat(DistributionRules.syntaxProblem(name253)).isEmpty();
        assertThat(DistributionRules.syntaxProblem(name253 + "x")).contains("must be 1-253 characters");
    }

    @Test
    void theEdgeDomainIsReservedInAnyCaseAndOnlyOnOrUnderIt() {
        assertThat(DistributionRules.reservedProblem("x.edge.example.net", "EDGE.Example.NET")).isPresent();
        assertThat(DistributionRules.reservedProblem("notedge.example.net", EDGE)).isEmpty();
        assertThat(DistributionRules.reservedProblem("*.edge.example.net", EDGE)).isPresent();
        assertThat(DistributionRules.reservedProblem("*.other.example.net", EDGE)).isEmpty();
    }

    @Test
    void aDuplicateAliasAndANullAliasAreNamedByIndex() {
        List<String> aliases = Arrays.asList("a.example.com", null, "a.example.com");
        assertThat(problems(config(aliases))).containsExactly("aliases[1] InvalidAlias", "aliases[2] InvalidAlias");
        assertThat(DistributionRules.check(config(aliases), EDGE).get(1).message()).contains("given twice");
    }

    @Test
    void moreThanTheMostAliasesIsTooManyAliases() {
        List<String> max = IntStream.range(0, DistributionRules.MAX_ALIASES).mapToObj(i -> "h" + i + ".example.com").toList();
        assertThat(problems(config(max))).isEmpty();
        List<String> over = new ArrayList<>(max);
        over.add("one-more.example.com");
        assertThat(problems(config(over))).containsExactly("aliases TooManyAliases");
        assertThat(DistributionRules.aliasProblems(over, EDGE)).extracting(Violation::code).containsExactly(ErrorCode.TooManyAliases);
    }

    @Test
    void aliasesWithoutACertificateDoNotCoverThemselves() {
        DistributionConfig c = new DistributionConfig(List.of("shop.example.com"), ONE_ORIGIN, "app", Optional.empty(),
                "TLSv1.2_2021", true, "", List.of());
        assertThat(problems(c)).containsExactly("certificateId CertificateDoesNotCoverAlias");
    }

    @Test
    void uncoveredListsTheAliasesNoCertificateNameCovers() {
        List<String> names = List.of("shop.example.com", "*.example.org");
        assertThat(DistributionRules.uncovered(Arrays.asList("shop.example.com", "www.example.org", "a.b.example.org",
                "example.org", "*.example.org", null, "other.example.com"), names))
                .containsExactly("a.b.example.org", "example.org", "other.example.com");
        // a wildcard alias needs the very same wildcard name, not a name it would cover
        assertThat(DistributionRules.uncovered(List.of("*.example.com"), List.of("shop.example.com"))).containsExactly("*.example.com");
    }

    @Test
    void anUnknownMinimumProtocolIsNamedWithTheOnesOffered() {
        DistributionConfig c = new DistributionConfig(List.of(), ONE_ORIGIN, "app", Optional.empty(), "TLSv1.1_2016", true, "", List.of());
        List<Violation> v = DistributionRules.check(c, EDGE);
        assertThat(v).singleElement().satisfies(one -> {
            assertThat(one.code()).isEqualTo(ErrorCode.InvalidMinimumProtocolVersion);
            assertThat(one.message()).contains("TLSv1.2_2018", "TLSv1.3_2025");
        });
    }

    @Test
    void aLongCommentAndBadTagsAreRefused() {
        DistributionConfig c = new DistributionConfig(List.of(), ONE_ORIGIN, "app", Optional.empty(), "TLSv1.2_2021", true,
                "x".repeat(DistributionRules.MAX_COMMENT_LENGTH + 1), Arrays.asList(new Tag("ok", "1"), null, new Tag("aws:owner", "me")));
        assertThat(problems(c)).containsExactly("comment InvalidRequest", "tags[1] InvalidTag", "tags InvalidTag");
    }

    @Test
    void originsAreRequiredBoundedUniqueAndTheDefaultIsOneOfThem() {
        assertThat(problems(withOrigins(List.of(), "app"))).containsExactly("origins InvalidRequest");
        List<DistributionConfig.Origin> tooMany = IntStream.rangeClosed(0, DistributionRules.MAX_ORIGINS)
                .mapToObj(i -> new DistributionConfig.Origin("o" + i, "http://o" + i + ".internal")).toList();
        assertThat(problems(withOrigins(tooMany, "o0"))).containsExactly("origins InvalidRequest");
        assertThat(problems(withOrigins(tooMany.subList(0, DistributionRules.MAX_ORIGINS), "o0"))).isEmpty();
        assertThat(problems(withOrigins(Arrays.asList(new DistributionConfig.Origin("a", "http://a.internal"),
                new DistributionConfig.Origin("a", "http://b.internal"), new DistributionConfig.Origin("bad id", "http://c.internal"),
                new DistributionConfig.Origin(null, "http://d.internal"), null), "a")))
                .containsExactly("origins[1].id InvalidRequest", "origins[2].id InvalidRequest",
                        "origins[3].id InvalidRequest", "origins[4].id InvalidRequest");
        assertThat(problems(withOrigins(ONE_ORIGIN, "elsewhere"))).containsExactly("defaultOriginId InvalidRequest");
        assertThat(problems(withOrigins(ONE_ORIGIN, null))).containsExactly("defaultOriginId InvalidRequest");
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"", " ", "ftp://files.internal", "app.internal", "http:///path", "http://user:pw@app.internal",
            "http://app.internal/?q=1", "http://app.internal/#top", "http://app internal"})
    void aBadOriginUrlIsRefused(String url) {
        assertThat(DistributionRules.originUrlProblem(url)).isPresent();
        assertThat(problems(withOrigins(List.of(new DistributionConfig.Origin("app", url)), "app")))
                .containsExactly("origins[0].url InvalidRequest");
    }

    @Test
    void originUrlsHaveALengthLimitAndTakeHttpOrHttpsWithPortAndPath() {
        assertThat(DistributionRules.originUrlProblem(null)).isPresent();
        assertThat(DistributionRules.originUrlProblem("https://app.internal:8443/base/path")).isEmpty();
        assertThat(DistributionRules.originUrlProblem("http://127.0.0.1:8080")).isEmpty();
        String longUrl = "http://app.internal/" + "p".repeat(DistributionRules.MAX_URL_LENGTH);
        assertThat(DistributionRules.originUrlProblem(longUrl)).isPresent();
    }
}
