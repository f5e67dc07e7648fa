package io.edgecert.edge;

import io.edgecert.edge.cache.CacheHandler;
import io.edgecert.edge.cache.CacheStore;
import io.netty.channel.ChannelHandler;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * The "cache" stage for {@link RequestPipeline.Stages#withCache}: a {@link CacheHandler} per
 * connection (or HTTP/2 stream) that sees the {@link Exchange} the route stage set up.
 */
final class CacheStage {
    private CacheStage() {
    }

    static Supplier<ChannelHandler> factory(CacheStore store, Clock clock) {
        return () -> new CacheHandler(store, clock, ch -> Exchange.of(ch).map(e -> new CacheHandler.View(
                e.route.distributionId(), e.behavior, e::cacheStatus)));
    }
}
