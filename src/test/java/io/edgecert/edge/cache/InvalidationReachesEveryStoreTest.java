package io.edgecert.edge.cache;

import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static io.edgecert.edge.cache.StoreFixtures.bytes;
import static io.edgecert.edge.cache.StoreFixtures.key;
import static io.edgecert.edge.cache.StoreFixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's real object store behind each node's invalidation follower, two nodes on one
 * PostgreSQL: an invalidation made through one node drops the matching objects from both stores
 * (and nothing else) before it is Completed.
 */
@Timeout(90)
class InvalidationReachesEveryStoreTest {
    @Test
    void anInvalidationEmptiesTheMatchingObjectsOfEveryNodesStore() {
        CacheStore storeA = new CacheStore(CacheSettings.ofMemory(16L << 20), new SimpleMeterRegistry());
        CacheStore storeB = new CacheStore(CacheSettings.ofMemory(16L << 20), new SimpleMeterRegistry());
        try (storeA; storeB;
             TestNode a = TestNode.start(TestNode.Store.POSTGRESQL, Map.of(), own -> storeA);
             TestNode b = a.startAnotherNode(Map.of(), own -> storeB)) {
            TestApi.Response created = a.api().post("/api/v1/distributions",
                    Map.of("origins", List.of(Map.of("id", "app", "url", "http://127.0.0.1:9/"))));
            String d = created.json().get("id").asText();
            for (CacheStore s : List.of(storeA, storeB)) {
                store(s, key(d, "/img/a.png"), bytes(1000, 1));
                store(s, key(d, "/img/x/b.png"), bytes(1000, 2));
                store(s, key(d, "/index.html"), bytes(1000, 3));
                store(s, key(d, "/caf%C3%A9.html"), bytes(1000, 4));
                store(s, key(d, "/css/site.css"), bytes(1000, 5));
                store(s, key("other-distribution", "/img/a.png"), bytes(1000, 6));
            }

            TestApi.Response inv = b.api().post("/api/v1/distributions/" + d + "/invalidations",
                    Map.of("paths", List.of("/img/*", "/index.html", "/café.html")));
            assertThat(inv.status()).as(inv.toString()).isEqualTo(201);
            TestApi.Response done = a.api().get("/api/v1/distributions/" + d + "/invalidations/"
                    + inv.json().get("id").asText() + "?waitSeconds=10");
            assertThat(done.json().get("status").asText()).isEqualTo("Completed");

            for (CacheStore s : List.of(storeA, storeB)) {
                assertThat(s.lookup(key(d, "/img/a.png"))).isEmpty();
                assertThat(s.lookup(key(d, "/img/x/b.png"))).isEmpty();
                assertThat(s.lookup(key(d, "/index.html"))).isEmpty();
                assertThat(s.lookup(key(d, "/caf%C3%A9.html"))).as("the path as the rules normalised it").isEmpty();
                assertThat(s.lookup(key(d, "/css/site.css"))).hasSize(1);
                assertThat(s.lookup(key("other-distribution", "/img/a.png"))).hasSize(1);
                assertThat(s.objectCount()).isEqualTo(2);
            }
        }
    }
}
