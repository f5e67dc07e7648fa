package io.edgecert.distributions.invalidations;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.serving.InvalidationPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** CloudFront's invalidation rules, path by path and batch by batch. */
@Timeout(30)
class InvalidationRulesTest {

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "/index.html                 | /index.html",
            "/img/*                      | /img/*",
            "/*                          | /*",
            "/                           | /",
            "/a/b/c.css                  | /a/b/c.css",
            "/Images/Logo.PNG            | /Images/Logo.PNG",
            "/café menu.html             | /caf%C3%A9%20menu.html",
            "/caf%c3%a9%20menu.html      | /caf%C3%A9%20menu.html",
            "/caf%C3%A9%20menu.html      | /caf%C3%A9%20menu.html",
            "/a<c>d                      | /a%3Cc%3Ed",
            "/x{y}z^w`v                  | /x%7By%7Dz%5Ew%60v",
            "/a[1]\\b                    | /a%5B1%5D%5Cb",
            "/100%                       | /100%25",
            "/100%zz                     | /100%25zz",
            "/frag#top                   | /frag%23top",
            "/emoji-😀.png               | /emoji-%F0%9F%98%80.png",
            "/~user/a+b;c=d,e@f:g!$&'()  | /~user/a+b;c=d,e@f:g!$&'()",
    })
    void pathsAreNormalisedAsCloudFrontSays(String given, String normalised) {
        assertThat(InvalidationPaths.parse(given)).isEqualTo(new InvalidationPaths.Valid(normalised));
        assertThat(InvalidationPaths.canonical(normalised)).as("normalising twice changes nothing").isEqualTo(normalised);
    }

    @ParameterizedTest(name = "''{0}'' {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"              | is empty",
            "index.html        | must start with /",
            "img/*             | must start with /",
            "*                 | must start with /",
            "/img/*.jpg        | a wildcard is only allowed as the last character",
            "/*/index.html     | a wildcard is only allowed as the last character",
            "/**               | a wildcard is only allowed as the last character",
            "/page?x=1         | has a query string",
            "/page?            | has a query string",
    })
    void badPathsAreRefusedWithTheReason(String given, String reason) {
        assertThat(InvalidationPaths.parse(given)).isInstanceOfSatisfying(InvalidationPaths.Refused.class,
                r -> assertThat(r.reason()).contains(reason));
    }

    @Test
    void aDoubleQuoteIsEncoded() {
        assertThat(InvalidationPaths.parse("/say\"hi\"")).isEqualTo(new InvalidationPaths.Valid("/say%22hi%22"));
        assertThat(InvalidationPaths.parse("/a|b")).isEqualTo(new InvalidationPaths.Valid("/a%7Cb"));
    }

    @Test
    void controlCharactersLoneSurrogatesAndOverlongPathsAreRefused() {
        assertThat(InvalidationPaths.parse("/a\nb")).isInstanceOf(InvalidationPaths.Refused.class);
        assertThat(InvalidationPaths.parse("/a\u007fb")).isInstanceOf(InvalidationPaths.Refused.class);
        assertThat(InvalidationPaths.parse("/a\ud800b")).isInstanceOf(InvalidationPaths.Refused.class);
        assertThat(InvalidationPaths.parse("/a\udc00")).isInstanceOf(InvalidationPaths.Refused.class);
        assertThat(InvalidationPaths.parse("/" + "a".repeat(InvalidationPaths.MAX_LENGTH - 1)))
                .isInstanceOf(InvalidationPaths.Valid.class);
        assertThat(InvalidationPaths.parse("/" + "a".repeat(InvalidationPaths.MAX_LENGTH)))
                .isInstanceOfSatisfying(InvalidationPaths.Refused.class, r -> assertThat(r.reason()).contains("at most 4000"));
        // the limit is on the encoded form: 1,500 'é' are 9,000 characters once encoded
        assertThat(InvalidationPaths.parse("/" + "é".repeat(1_500))).isInstanceOf(InvalidationPaths.Refused.class);
    }

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(delimiter = '|', value = {
            "/index.html  | /index.html      | true",
            "/index.html  | /index.html.bak  | false",
            "/index.html  | /Index.html      | false",
            "/img/*       | /img/a.png       | true",
            "/img/*       | /img/            | true",
            "/img/*       | /img/x/y/z.png   | true",
            "/img/*       | /img             | false",
            "/img*        | /img             | true",
            "/img*        | /img2/a.png      | true",
            "/*           | /                | true",
            "/*           | /anything/at/all | true",
            "/IMG/*       | /img/a.png       | false",
    })
    void matchingIsExactOrByPrefixAndCaseSensitive(String invalidation, String object, boolean matches) {
        assertThat(InvalidationPaths.matches(invalidation, object)).isEqualTo(matches);
    }

    @Test
    void aBatchDropsDuplicatesAndCountsWildcardsApart() {
        InvalidationRules.Batch b = InvalidationRules.check(List.of("/img/*", "/index.html", "/caf%c3%a9", "/café",
                "/index.html", "/*"), Optional.of("deploy-42"));
        assertThat(b.paths()).containsExactly("/img/*", "/index.html", "/caf%C3%A9", "/*");
        assertThat(b.wildcardPaths()).isEqualTo(2);
        assertThat(b.filePaths()).isEqualTo(2);
        assertThat(b.samePathsAs(List.of("/*", "/caf%C3%A9", "/index.html", "/img/*"))).isTrue();
        assertThat(b.samePathsAs(List.of("/*", "/index.html", "/img/*"))).isFalse();
    }

    @Test
    void everyBadPathIsReportedByItsIndex() {
        ProblemException e = catchThrowableOfType(() -> InvalidationRules.check(
                Arrays.asList("/ok", "no-slash", null, "/a*b"), Optional.of("")), ProblemException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument);
        assertThat(e.errors()).extracting(v -> v.field() + " " + v.code())
                .containsExactly("paths[1] InvalidArgument", "paths[2] InvalidArgument", "paths[3] InvalidArgument",
                        "callerReference InvalidArgument");
        assertThat(e.errors().get(0).message()).contains("'no-slash'", "must start with /");
    }

    @Test
    void batchSizeAndCallerReferenceLimits() {
        List<String> max = IntStream.range(0, InvalidationRules.MAX_PATHS_PER_REQUEST).mapToObj(i -> "/f" + i).toList();
        assertThat(InvalidationRules.check(max, Optional.empty()).paths()).hasSize(3_000);
        List<String> over = new ArrayList<>(max);
        over.add("/one-more");
        assertThatThrownBy(() -> InvalidationRules.check(over, Optional.empty()))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.errors()).singleElement().satisfies(v -> {
                        assertThat(v.field()).isEqualTo("paths");
                        assertThat(v.message()).contains("3001 paths", "at most 3000");
                    });
                });
        assertThatThrownBy(() -> InvalidationRules.check(List.of(), Optional.empty()))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.errors().get(0).field()).isEqualTo("paths"));
        assertThatThrownBy(() -> InvalidationRules.check(null, Optional.empty())).isInstanceOf(ProblemException.class);
        assertThat(InvalidationRules.check(List.of("/"), Optional.of("r".repeat(128))).paths()).containsExactly("/");
        assertThatThrownBy(() -> InvalidationRules.check(List.of("/"), Optional.of("r".repeat(129))))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.errors().get(0).field()).isEqualTo("callerReference"));
        assertThatThrownBy(() -> InvalidationRules.check(List.of("/"), Optional.of("a\tb"))).isInstanceOf(ProblemException.class);
    }

    @ParameterizedTest(name = "{0} file + {1} wildcard asked, {2} + {3} in progress: {4}")
    @CsvSource(delimiter = '|', value = {
            "0    | 15 | 0    | 0  | ok",
            "0    | 1  | 0    | 14 | ok",
            "0    | 1  | 0    | 15 | wildcard",
            "0    | 16 | 0    | 0  | wildcard",
            "0    | 2  | 0    | 14 | wildcard",
            "3000 | 0  | 0    | 0  | ok",
            "1    | 0  | 2999 | 0  | ok",
            "1    | 0  | 3000 | 0  | file",
            "2000 | 0  | 1001 | 15 | file",
            "1    | 0  | 0    | 15 | ok",
    })
    void inProgressLimitsCountFilesAndWildcardsApart(int files, int wildcards, long filesInProgress,
                                                     long wildcardsInProgress, String outcome) {
        List<String> paths = new ArrayList<>();
        IntStream.range(0, files).forEach(i -> paths.add("/f" + i));
        IntStream.range(0, wildcards).forEach(i -> paths.add("/w" + i + "/*"));
        Collections.shuffle(paths);
        InvalidationRules.Batch batch = new InvalidationRules.Batch(paths);
        if (outcome.equals("ok")) {
            InvalidationRules.checkInProgress(batch, filesInProgress, wildcardsInProgress);
        } else {
            assertThatThrownBy(() -> InvalidationRules.checkInProgress(batch, filesInProgress, wildcardsInProgress))
                    .isInstanceOfSatisfying(ProblemException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TooManyInvalidationsInProgress);
                        assertThat(e.detail()).contains(outcome + " path");
                    });
        }
    }
}
