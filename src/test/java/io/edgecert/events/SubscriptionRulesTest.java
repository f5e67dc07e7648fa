package io.edgecert.events;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SubscriptionRulesTest {
    private static Subscriptions.NewSubscription sub(String protocol, String endpoint) {
        return new Subscriptions.NewSubscription(protocol, endpoint, null, null);
    }

    /** The (field, code) pairs of the rejection, every problem at once. */
    private static List<String> problems(Subscriptions.NewSubscription s, boolean emailEnabled) {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> SubscriptionRules.check(s, emailEnabled));
        assertThat(e).as("rejected").isNotNull();
        assertThat(io.edgecert.web.HttpProblem.statusOf(e)).isEqualTo(400);
        return e.errors().stream().map(v -> v.field() + " " + v.code()).toList();
    }

    private static String message(Subscriptions.NewSubscription s, boolean emailEnabled) {
        return catchThrowableOfType(ProblemException.class, () -> SubscriptionRules.check(s, emailEnabled)).errors().get(0).message();
    }

    @Test
    void goodSubscriptionsAreCheckedAndNormalised() {
        SubscriptionRules.Checked hook = SubscriptionRules.check(new Subscriptions.NewSubscription(" HTTPS ",
                "  https://hooks.example.com/edgecert?team=a  ", List.of("JobFailed", "JobSucceeded", "JobFailed"), "  ops  "), false);
        assertThat(hook.protocol()).isEqualTo(Protocol.HTTPS);
        assertThat(hook.endpoint()).isEqualTo("https://hooks.example.com/edgecert?team=a");
        assertThat(hook.eventTypes()).contains(List.of(EventType.JobFailed, EventType.JobSucceeded)); // duplicates dropped, order kept
        assertThat(hook.name()).contains("ops");

        SubscriptionRules.Checked mail = SubscriptionRules.check(new Subscriptions.NewSubscription("email", "ops@example.com", null, " "), true);
        assertThat(mail.protocol()).isEqualTo(Protocol.EMAIL);
        assertThat(mail.eventTypes()).isEmpty(); // absent: every type
        assertThat(mail.name()).isEmpty();
        assertThat(SubscriptionRules.check(sub("http", "http://127.0.0.1:9000/hook"), false).protocol()).isEqualTo(Protocol.HTTP);
    }

    @Test
    void everyProblemIsReportedAtOnceEachNamingItsField() {
        assertThat(problems(new Subscriptions.NewSubscription(null, null, List.of(), "x".repeat(SubscriptionRules.MAX_NAME + 1)), true))
                .containsExactly("protocol MissingField", "endpoint MissingField", "eventTypes InvalidRequest", "name InvalidRequest");
        assertThat(problems(sub(" ", "  "), true)).containsExactly("protocol MissingField", "endpoint MissingField");
    }

    @Test
    void anUnknownProtocolIsInvalidAndItsEndpointIsNotJudged() {
        assertThat(problems(sub("sms", "+15550100"), true)).containsExactly("protocol InvalidRequest");
        assertThat(message(sub("sms", "+15550100"), true)).contains("email", "https", "http");
    }

    @Test
    void emailNeedsAnSmtpServerOnTheNodes() {
        assertThat(problems(sub("email", "ops@example.com"), false)).containsExactly("protocol InvalidRequest");
        assertThat(message(sub("email", "ops@example.com"), false)).contains("EDGECERT_SMTP_HOST", "EDGECERT_SMTP_FROM");
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "email | Ops <ops@example.com>               | one plain email address",
            "email | a@example.com, b@example.com        | one plain email address",
            "email | ops.example.com                     | one plain email address",
            "email | ops@@example.com                    | not a valid email address",
            "https | http://hooks.example.com/x          | absolute https:// URL for protocol https",
            "http  | https://hooks.example.com/x         | absolute http:// URL for protocol http",
            "https | /relative/hook                      | absolute https:// URL",
            "https | https:///no-host                    | must name a host",
            "https | https://user:pw@hooks.example.com/x | must not carry a user name or password",
            "https | https://hooks.example.com/x#frag    | must not have a #fragment",
            "https | https://hooks example.com/x         | not a valid URL",
    })
    void aBadEndpointIsInvalidRequestWithItsReason(String protocol, String endpoint, String reason) {
        assertThat(problems(sub(protocol, endpoint), true)).containsExactly("endpoint InvalidRequest");
        assertThat(message(sub(protocol, endpoint), true)).contains(reason);
    }

    @Test
    void endpointsHaveTheirLengthLimits() {
        String local = "o".repeat(64);
        String longAddress = local + "@" + "d".repeat(SubscriptionRules.MAX_EMAIL - local.length() - 4) + ".com"; // 255
        assertThat(longAddress).hasSize(SubscriptionRules.MAX_EMAIL + 1);
        assertThat(message(sub("email", longAddress), true)).contains("at most " + SubscriptionRules.MAX_EMAIL);
        String longUrl = "https://hooks.example.com/" + "p".repeat(SubscriptionRules.MAX_URL);
        assertThat(message(sub("https", longUrl), true)).contains("at most " + SubscriptionRules.MAX_URL);
        assertThat(SubscriptionRules.check(sub("https", longUrl.substring(0, SubscriptionRules.MAX_URL)), true).endpoint())
                .hasSize(SubscriptionRules.MAX_URL);
    }

    @Test
    void unknownOrNullEventTypesAreNamedByIndexAndLongNamesAreNotEchoed() {
        String longName = "J".repeat(65);
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> SubscriptionRules.check(new Subscriptions.NewSubscription(
                "https", "https://hooks.example.com/x", Arrays.asList("JobSucceeded", "jobfailed", null, longName), null), true));
        assertThat(e.errors()).extracting(v -> v.field() + " " + v.code())
                .containsExactly("eventTypes[1] InvalidRequest", "eventTypes[2] InvalidRequest", "eventTypes[3] InvalidRequest");
        assertThat(e.errors().get(0).message()).contains("'jobfailed'", "CertificateExpired");
        assertThat(e.errors().get(2).message()).doesNotContain(longName);
    }

    @Test
    void aNameWithAControlCharacterIsRefusedAndOneOfTheMostLengthIsKept() {
        assertThat(problems(new Subscriptions.NewSubscription("https", "https://h.example.com", null, "ops\u0007team"), true))
                .containsExactly("name InvalidRequest");
        String max = "n".repeat(SubscriptionRules.MAX_NAME);
        assertThat(SubscriptionRules.check(new Subscriptions.NewSubscription("https", "https://h.example.com", null, max), true).name())
                .isEqualTo(Optional.of(max));
    }
}
