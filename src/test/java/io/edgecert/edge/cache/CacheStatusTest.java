package io.edgecert.edge.cache;

import io.edgecert.edge.cache.CacheStatus.Fwd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class CacheStatusTest {
    @Test
    void values() {
        assertThat(CacheStatus.hit(42)).hasToString("edgecert; hit; ttl=42");
        assertThat(CacheStatus.forward(Fwd.URI_MISS).withStored(true)).hasToString("edgecert; fwd=uri-miss; stored");
        assertThat(CacheStatus.forward(Fwd.MISS).withStored(true)).hasToString("edgecert; fwd=miss; stored");
        assertThat(CacheStatus.forward(Fwd.STALE).withFwdStatus(304).withTtl(-3).withStored(true))
                .hasToString("edgecert; fwd=stale; fwd-status=304; ttl=-3; stored");
        assertThat(CacheStatus.forward(Fwd.VARY_MISS)).hasToString("edgecert; fwd=vary-miss");
        assertThat(CacheStatus.forward(Fwd.BYPASS)).hasToString("edgecert; fwd=bypass");
        assertThat(CacheStatus.forward(Fwd.METHOD)).hasToString("edgecert; fwd=method");
        assertThat(CacheStatus.hit(-5).withDetail("stale-while-revalidate"))
                .hasToString("edgecert; hit; ttl=-5; detail=stale-while-revalidate");
        assertThat(CacheStatus.forward(Fwd.URI_MISS).withCollapsed()).hasToString("edgecert; fwd=uri-miss; collapsed");
    }
}
