package io.edgecert.distributions;

import io.edgecert.distributions.policies.PolicyKind;
import io.edgecert.json.Json;
import io.edgecert.problems.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The CDN part of a distribution's config, one case a line: the config's extra fields and the fields refused. */
@Timeout(30)
class CdnRulesTest {
    private static final String EDGE = "edge.example.net";
    private static final String CUSTOM = "01a25300-0000-7000-8000-000000000001";
    private static final String ORIGINS = "\"origins\": [{\"id\": \"app\", \"url\": \"https://app.internal\"}, "
            + "{\"id\": \"static\", \"url\": \"https://static.internal\", \"originPath\": \"/prod\"}], \"defaultOriginId\": \"app\"";

    /** Managed policies, and one custom cache policy. */
    private static final CdnRules.PolicyLookup LOOKUP = (kind, id) -> kind.isManaged(id)
            || kind == PolicyKind.CACHE && id.equals(CUSTOM);

    private static List<String> problems(String extra) {
        String json = "{\"aliases\": [], " + ORIGINS + ", \"minimumProtocolVersion\": \"TLSv1.2_2021\", \"enabled\": true"
                + (extra.isBlank() ? "" : ", " + extra) + "}";
        DistributionConfig c = Json.read(json, DistributionConfig.class);
        return DistributionRules.check(c, EDGE, LOOKUP).stream().map(Violation::field).toList();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                                                                   | ",
            "\"defaultCacheBehavior\": {}                                                         | ",
            "\"defaultCacheBehavior\": {\"pathPattern\": \"*\", \"cachePolicyId\": \"658327ea-f89d-4fab-a63d-7e88639e58f6\"} | ",
            "\"cacheBehaviors\": [{\"pathPattern\": \"/img/*\", \"cachePolicyId\": \"" + CUSTOM + "\", \"targetOriginId\": \"static\"}] | ",
            "\"originGroups\": [{\"id\": \"g\", \"primaryOriginId\": \"app\", \"secondaryOriginId\": \"static\"}], \"defaultCacheBehavior\": {\"targetOriginId\": \"g\"} | ",
            "\"customErrorResponses\": [{\"errorCode\": 503, \"responsePagePath\": \"/503.html\", \"responseCode\": 200, \"errorCachingMinTtl\": 0}] | ",
            "\"defaultCacheBehavior\": {\"pathPattern\": \"/x\"}                                  | defaultCacheBehavior.pathPattern",
            "\"defaultCacheBehavior\": {\"cachePolicyId\": \"nope\"}                              | defaultCacheBehavior.cachePolicyId",
            "\"defaultCacheBehavior\": {\"originRequestPolicyId\": \"" + CUSTOM + "\"}            | defaultCacheBehavior.originRequestPolicyId",
            "\"defaultCacheBehavior\": {\"responseHeadersPolicyId\": \"216adef6-5c7f-47e4-b989-5492eafa07d3\"} | defaultCacheBehavior.responseHeadersPolicyId",
            "\"cacheBehaviors\": [{\"pathPattern\": \"/a\"}, {\"pathPattern\": \"/b\"}, {\"pathPattern\": \"/c d\"}] | cacheBehaviors[2].pathPattern",
            "\"cacheBehaviors\": [{\"pathPattern\": \"a/*\"}, {\"pathPattern\": \"/a/*\"}]       | cacheBehaviors[1].pathPattern",
            "\"cacheBehaviors\": [{\"targetOriginId\": \"app\"}]                                  | cacheBehaviors[0].pathPattern",
            "\"cacheBehaviors\": [null]                                                          | cacheBehaviors[0]",
            "\"cacheBehaviors\": [{\"pathPattern\": \"/a\", \"targetOriginId\": \"elsewhere\"}]  | cacheBehaviors[0].targetOriginId",
            "\"defaultCacheBehavior\": {\"viewerProtocolPolicy\": \"HTTPS-ONLY\"}                 | defaultCacheBehavior.viewerProtocolPolicy",
            "\"defaultCacheBehavior\": {\"allowedMethods\": [\"GET\"]}                            | defaultCacheBehavior.allowedMethods",
            "\"defaultCacheBehavior\": {\"allowedMethods\": [\"GET\", \"HEAD\", \"HEAD\"]}        | defaultCacheBehavior.allowedMethods",
            "\"defaultCacheBehavior\": {\"allowedMethods\": [\"get\", \"head\"]}                  | defaultCacheBehavior.allowedMethods",
            "\"defaultCacheBehavior\": {\"cachedMethods\": [\"GET\", \"HEAD\", \"POST\"]}         | defaultCacheBehavior.cachedMethods",
            "\"defaultCacheBehavior\": {\"allowedMethods\": [\"GET\", \"HEAD\"], \"cachedMethods\": [\"GET\", \"HEAD\", \"OPTIONS\"]} | defaultCacheBehavior.cachedMethods",
            "\"originGroups\": [{\"id\": \"app\", \"primaryOriginId\": \"app\", \"secondaryOriginId\": \"static\"}] | originGroups[0].id",
            "\"originGroups\": [{\"id\": \"g\", \"primaryOriginId\": \"x\", \"secondaryOriginId\": \"app\"}] | originGroups[0].primaryOriginId",
            "\"originGroups\": [{\"id\": \"g\", \"primaryOriginId\": \"app\", \"secondaryOriginId\": \"app\"}] | originGroups[0].secondaryOriginId",
            "\"originGroups\": [{\"id\": \"g\", \"primaryOriginId\": \"app\", \"secondaryOriginId\": \"static\", \"failoverStatusCodes\": [503, 418]}] | originGroups[0].failoverStatusCodes[1]",
            "\"originGroups\": [{\"id\": \"g\", \"primaryOriginId\": \"app\", \"secondaryOriginId\": \"static\", \"failoverStatusCodes\": []}] | originGroups[0].failoverStatusCodes",
            "\"customErrorResponses\": [{\"errorCode\": 399}]                                     | customErrorResponses[0].errorCode",
            "\"customErrorResponses\": [{\"errorCode\": 600}]                                     | customErrorResponses[0].errorCode",
            "\"customErrorResponses\": [{}]                                                       | customErrorResponses[0].errorCode",
            "\"customErrorResponses\": [{\"errorCode\": 404}, {\"errorCode\": 404}]               | customErrorResponses[1].errorCode",
            "\"customErrorResponses\": [{\"errorCode\": 404, \"responsePagePath\": \"404.html\"}] | customErrorResponses[0].responsePagePath",
            "\"customErrorResponses\": [{\"errorCode\": 404, \"responseCode\": 200}]              | customErrorResponses[0].responseCode",
            "\"customErrorResponses\": [{\"errorCode\": 404, \"responsePagePath\": \"/x\", \"responseCode\": 302}] | customErrorResponses[0].responseCode",
            "\"customErrorResponses\": [{\"errorCode\": 404, \"errorCachingMinTtl\": -1}]         | customErrorResponses[0].errorCachingMinTtl",
    })
    void cdnFields(String extra, String expected) {
        assertThat(problems(extra)).containsExactlyElementsOf(expected == null ? List.of() : List.of(expected.split(",")));
    }

    @ParameterizedTest(name = "originPath {0}")
    @CsvSource({"prod", "/prod/", "/a/../b", "/a?b", "/a b", "//"})
    void originPathsAreAPrefixWithoutTrailingSlash(String path) {
        String json = "{\"aliases\": [], \"origins\": [{\"id\": \"app\", \"url\": \"https://app.internal\", \"originPath\": \""
                + path + "\"}], \"defaultOriginId\": \"app\", \"minimumProtocolVersion\": \"TLSv1.2_2021\", \"enabled\": true}";
        assertThat(DistributionRules.check(Json.read(json, DistributionConfig.class), EDGE)).extracting(Violation::field)
                .containsExactly("origins[0].originPath");
    }

    @Test
    void atMostTwentyFiveBehaviorsAndEveryNamedPolicyIsAReference() {
        StringBuilder many = new StringBuilder("\"cacheBehaviors\": [");
        for (int i = 0; i < 26; i++) {
            many.append(i == 0 ? "" : ", ").append("{\"pathPattern\": \"/p").append(i).append("/*\"}");
        }
        assertThat(problems(many.append("]").toString())).containsExactly("cacheBehaviors");

        DistributionConfig c = Json.read("{\"aliases\": [], " + ORIGINS + ", \"minimumProtocolVersion\": \"TLSv1.2_2021\", "
                + "\"enabled\": true, \"defaultCacheBehavior\": {\"cachePolicyId\": \"" + CUSTOM + "\"}, \"cacheBehaviors\": "
                + "[{\"pathPattern\": \"/a\", \"originRequestPolicyId\": \"216adef6-5c7f-47e4-b989-5492eafa07d3\"}]}", DistributionConfig.class);
        assertThat(CdnRules.policyRefs(c)).extracting(CdnRules.PolicyRef::field).containsExactly(
                "defaultCacheBehavior.cachePolicyId", "cacheBehaviors[0].originRequestPolicyId");
    }

    @Test
    void aStoredConfigWithoutTheCdnFieldsReadsAsBefore() {
        // the JSON of a distribution_versions row written before behaviors existed
        DistributionConfig old = Json.read("{\"aliases\": [\"shop.example.com\"], \"origins\": [{\"id\": \"app\", \"url\": "
                + "\"https://app.internal\"}], \"defaultOriginId\": \"app\", \"certificateId\": \"c\", \"minimumProtocolVersion\": "
                + "\"TLSv1.2_2021\", \"enabled\": true, \"comment\": \"\", \"tags\": []}", DistributionConfig.class);
        assertThat(old).isEqualTo(new DistributionConfig(List.of("shop.example.com"),
                List.of(new DistributionConfig.Origin("app", "https://app.internal")), "app", java.util.Optional.of("c"),
                "TLSv1.2_2021", true, "", List.of()));
        assertThat(old.defaultCacheBehavior()).isEmpty();
        assertThat(old.cacheBehaviors()).isEmpty();
        assertThat(Json.read(Json.write(old), DistributionConfig.class)).isEqualTo(old);
    }
}
