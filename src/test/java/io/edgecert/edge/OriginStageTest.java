package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CustomErrorResponse;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.OriginGroup;
import io.edgecert.serving.OriginRequestPolicy;
import io.edgecert.serving.Selection;
import io.edgecert.serving.ViewerProtocolPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.edgecert.edge.PipelineFixture.behavior;
import static io.edgecert.edge.PipelineFixture.route;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The origin stage end to end (curl → edge → real origins): origin groups failing over,
 * originPath, what an origin request policy lets through, custom error responses.
 */
@Timeout(120)
class OriginStageTest {
    static PipelineFixture edge;
    static PipelineFixture.NamedOrigin primary;
    static PipelineFixture.NamedOrigin secondary;

    @BeforeAll
    static void start() throws Exception {
        edge = new PipelineFixture(Map.of());
        primary = new PipelineFixture.NamedOrigin("primary");
        secondary = new PipelineFixture.NamedOrigin("secondary", false);
    }

    @AfterAll
    static void stop() {
        edge.close();
        primary.close();
        secondary.close();
    }

    static EdgeRoute grouped(EdgeRoute.Origin first) {
        return route(List.of(first, secondary.origin("b")),
                List.of(new OriginGroup("g", "a", "b", OriginGroup.FAILOVER_CODES)), behavior("*", "g"), List.of(), List.of());
    }

    @Test
    void aGroupFailsOverToTheSecondaryOnAFailoverStatusAndOnlyForGetHeadOptions() {
        EdgeRoute r = grouped(primary.origin("a"));
        edge.serve(r);
        int before = primary.seen.size();
        PipelineFixture.Reply got = edge.curl(true, r.domainName(), "/status/503?x=1", "--http1.1");
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
        assertThat(got.body()).isEqualTo("secondary GET /status/503?x=1");
        assertThat(primary.seen.size() - before).as("the primary was asked once").isEqualTo(1);
        // the primary's connection was read to its end and reused: a second request works the same
        assertThat(edge.curl(true, r.domainName(), "/status/503", "--http1.1").body()).isEqualTo("secondary GET /status/503");
        // a status that is not in the group's set is the answer
        PipelineFixture.Reply created = edge.curl(true, r.domainName(), "/status/201", "--http1.1");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body()).startsWith("primary");
        // a POST is never repeated
        PipelineFixture.Reply post = edge.curl(true, r.domainName(), "/status/503", "-X", "POST", "--data", "once");
        assertThat(post.status()).isEqualTo(503);
        assertThat(post.body()).isEqualTo("primary POST /status/503");
        // over HTTP/2 too
        PipelineFixture.Reply h2 = edge.curl(true, r.domainName(), "/status/500", "--http2");
        assertThat(h2.httpVersion()).isEqualTo("2");
        assertThat(h2.body()).isEqualTo("secondary GET /status/500");
    }

    @Test
    void aGroupFailsOverWhenThePrimaryRefusesTheConnection() {
        EdgeRoute r = grouped(new EdgeRoute.Origin("a", URI.create("http://127.0.0.1:" + PipelineFixture.closedPort())));
        edge.serve(r);
        PipelineFixture.Reply got = edge.curl(true, r.domainName(), "/page");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).isEqualTo("secondary GET /page");
        assertThat(got.header("x-origin")).isEqualTo("secondary");
    }

    @Test
    void aGroupFailsOverWhenThePrimaryDoesNotAnswerInTime() {
        EdgeRoute r = grouped(primary.origin("a"));
        edge.serve(r);
        long t0 = System.nanoTime();
        PipelineFixture.Reply got = edge.curl(true, r.domainName(), "/hang", "--http1.1");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).isEqualTo("secondary GET /hang");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("after the 2 s response timeout").isBetween(1_900L, 2_900L);
    }

    @Test
    void theOriginPathPrefixesThePath() {
        EdgeRoute r = route(List.of(new EdgeRoute.Origin("a", primary.url(), "/production")), List.of(),
                behavior("*", "a"), List.of(), List.of());
        edge.serve(r);
        assertThat(edge.curl(true, r.domainName(), "/img/a.png?v=2").body()).isEqualTo("primary GET /production/img/a.png?v=2");
    }

    @Test
    void anOriginRequestPolicyKeepsWhatItDoesNotSelectFromTheOrigin() {
        OriginRequestPolicy only = new OriginRequestPolicy("p", "only-keep", Selection.ofHeaders(Selection.Kind.WHITELIST,
                List.of("X-Keep")), Selection.only("keep"), Selection.only("keep"));
        EdgeRoute r = route(List.of(primary.origin("a")), List.of(), behavior("*", "a", ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                CacheBehavior.ALL_METHODS, only), List.of(), List.of());
        edge.serve(r);
        String path = "/policy-" + r.distributionId();
        PipelineFixture.Reply got = edge.curl(true, r.domainName(), path + "?drop=1&keep=2&dropped=3", "-H", "X-Keep: yes",
                "-H", "X-Drop: no", "-H", "Cookie: drop=1; keep=2; other=3");
        assertThat(got.status()).isEqualTo(200);
        PipelineFixture.NamedOrigin.Seen seen = primary.seen.stream().filter(s -> s.uri().startsWith(path)).findFirst().orElseThrow();
        assertThat(seen.uri()).isEqualTo(path + "?keep=2");
        assertThat(seen.header("X-Keep")).isEqualTo("yes");
        assertThat(seen.header("X-Drop")).isNull();
        assertThat(seen.header("User-Agent")).as("not selected either").isNull();
        assertThat(seen.header("Cookie")).isEqualTo("keep=2");
        // the proxy's own headers still go
        assertThat(seen.header("X-Forwarded-Host")).isEqualTo(r.domainName());

        // Managed-AllViewer (the default): everything, as the proxy always did
        EdgeRoute all = route(List.of(primary.origin("a")), List.of(), behavior("*", "a"), List.of(), List.of());
        edge.serve(all);
        String allPath = "/all-" + all.distributionId();
        edge.curl(true, all.domainName(), allPath + "?drop=1&keep=2", "-H", "X-Drop: no", "-H", "Cookie: drop=1; keep=2");
        PipelineFixture.NamedOrigin.Seen everything = primary.seen.stream().filter(s -> s.uri().startsWith(allPath)).findFirst()
                .orElseThrow();
        assertThat(everything.uri()).isEqualTo(allPath + "?drop=1&keep=2");
        assertThat(everything.header("X-Drop")).isEqualTo("no");
        assertThat(everything.header("Cookie")).isEqualTo("drop=1; keep=2");
    }

    @Test
    void aCustomErrorResponseAnswersWithThePageAndItsResponseCode() {
        EdgeRoute r = route(List.of(primary.origin("a")), List.of(), behavior("*", "a"), List.of(),
                List.of(new CustomErrorResponse(404, Optional.of("/errors/not-found.html"), Optional.of(200), 10),
                        new CustomErrorResponse(500, Optional.of("/errors/oops.html"), Optional.empty(), 10)));
        edge.serve(r);
        PipelineFixture.Reply missing = edge.curl(true, r.domainName(), "/status/404/gone");
        assertThat(missing.status()).isEqualTo(200);
        assertThat(missing.body()).isEqualTo("primary GET /errors/not-found.html");
        PipelineFixture.Reply oops = edge.curl(true, r.domainName(), "/status/500/x", "--http2");
        assertThat(oops.status()).as("no responseCode: the origin's status").isEqualTo(500);
        assertThat(oops.body()).isEqualTo("primary GET /errors/oops.html");
        // a status without an error response is answered as it is
        assertThat(edge.curl(true, r.domainName(), "/status/403").body()).isEqualTo("primary GET /status/403");
    }

    @Test
    void aFailedOriginIsAnsweredWithTheErrorPageOfItsBehavior() {
        // the site's origin is down; its error pages live elsewhere (behavior /errors/*)
        EdgeRoute r = route(List.of(new EdgeRoute.Origin("down", URI.create("http://127.0.0.1:" + PipelineFixture.closedPort())),
                        new EdgeRoute.Origin("pages", secondary.url(), "/static")), List.of(), behavior("*", "down"),
                List.of(behavior("/errors/*", "pages")),
                List.of(new CustomErrorResponse(502, Optional.of("/errors/back-soon.html"), Optional.of(503), 10)));
        edge.serve(r);
        PipelineFixture.Reply got = edge.curl(true, r.domainName(), "/shop");
        assertThat(got.status()).isEqualTo(503);
        assertThat(got.body()).isEqualTo("secondary GET /static/errors/back-soon.html");

        // without one, the edge's own 502 page
        EdgeRoute plain = route(List.of(new EdgeRoute.Origin("down", URI.create("http://127.0.0.1:" + PipelineFixture.closedPort()))),
                List.of(), behavior("*", "down"), List.of(), List.of());
        edge.serve(plain);
        PipelineFixture.Reply bare = edge.curl(true, plain.domainName(), "/shop");
        assertThat(bare.status()).isEqualTo(502);
        assertThat(bare.body()).contains("could not be reached").contains("refused");
    }

    @Test
    void aMissingErrorPageFallsBackToTheEdgesPageWithTheStatus() {
        EdgeRoute r = route(List.of(primary.origin("a")), List.of(), behavior("*", "a"), List.of(),
                List.of(new CustomErrorResponse(404, Optional.of("/status/404/page.html"), Optional.of(410), 10)));
        edge.serve(r);
        PipelineFixture.Reply got = edge.curl(true, r.domainName(), "/status/404/x");
        assertThat(got.status()).isEqualTo(410);
        assertThat(got.body()).contains("custom error page /status/404/page.html could not be fetched");
    }

    @Test
    void unionOfSelectionsIsWhatEitherPolicyNames() {
        assertThat(OriginRequests.union(Selection.NONE, Selection.only("a"))).isEqualTo(Selection.only("a"));
        assertThat(OriginRequests.union(Selection.only("a"), Selection.ALL)).isEqualTo(Selection.ALL);
        assertThat(OriginRequests.union(Selection.only("a"), Selection.only("b", "a")).names()).containsExactly("a", "b");
        Selection except = OriginRequests.union(new Selection(Selection.Kind.ALL_EXCEPT, List.of("a", "b")), Selection.only("a"));
        assertThat(except.includes("a")).isTrue();
        assertThat(except.includes("b")).isFalse();
        assertThat(OriginRequests.query("/p?a=1&b=2&a=3", Selection.only("a"))).isEqualTo("/p?a=1&a=3");
        assertThat(OriginRequests.query("/p?b=2", Selection.only("a"))).isEqualTo("/p");
        assertThat(OriginRequests.query("/p?b=2", ManagedPolicies.ALL_VIEWER.queryStrings())).isEqualTo("/p?b=2");
    }
}
