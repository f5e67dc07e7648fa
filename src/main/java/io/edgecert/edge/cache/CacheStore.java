package io.edgecert.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.edgecert.serving.CachePurger;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The edge's object store (docs/caching.md, "The store"): a byte-bounded memory tier whose index
 * is Caffeine (W-TinyLFU eviction, weighed by body bytes plus the head's estimated heap), bodies in
 * direct buffers shared by reference count with the readers writing them, several Vary variants per
 * primary key, streaming fills that collapsed misses read while they arrive, and purges by
 * CloudFront path. Which variant answers a request, and whether a response may be stored, are the
 * strategy's decisions; this only keeps what it is given.
 *
 * <p>Thread-safe; nothing here blocks: readers are called back on their own executors.
 */
public final class CacheStore implements CachePurger, AutoCloseable {
    private final CacheSettings settings;
    private final ByteBufAllocator allocator;
    private final Cache<CacheKey, Variants> index;
    private final ConcurrentHashMap<CacheKey, Flight> flights = new ConcurrentHashMap<>();
    private final Set<Fill> fills = ConcurrentHashMap.newKeySet();
    private final AtomicLong fillBytes = new AtomicLong();
    private final long fillBudget;
    private final CacheMeters meters;
    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    /**
     * Keys whose last response was not storable (Varnish's hit-for-miss): their misses lead
     * without collapsing for a while, so concurrent requests for a private page do not queue
     * behind each other's origin round trip. A storable response clears its key.
     */
    private final Cache<CacheKey, Boolean> passes = Caffeine.newBuilder().maximumSize(PASS_MEMORY_KEYS)
            .expireAfterWrite(PASS_MEMORY).executor(Runnable::run).build();
    static final java.time.Duration PASS_MEMORY = java.time.Duration.ofMinutes(2);
    static final int PASS_MEMORY_KEYS = 65_536;

    /** The variants of one primary key, newest first; immutable (a change is a new value, re-weighed). */
    record Variants(List<CachedObject> objects) {
        int weight() {
            long w = 0;
            for (CachedObject o : objects) {
                w += o.weight();
            }
            return (int) Math.min(Integer.MAX_VALUE, w);
        }
    }

    public CacheStore(CacheSettings settings, MeterRegistry registry) {
        this(settings, registry, UnpooledByteBufAllocator.DEFAULT);
    }

    /**
     * @param allocator where bodies are copied to: unpooled direct by default (objects live long,
     *                  sized exactly; pooled arenas would be pinned by them)
     */
    public CacheStore(CacheSettings settings, MeterRegistry registry, ByteBufAllocator allocator) {
        if (settings.diskBytes().isPresent()) {
            throw new io.edgecert.config.ConfigException("EDGECERT_CACHE_DISK: the disk tier is not available yet");
        }
        this.settings = settings;
        this.allocator = allocator;
        this.meters = new CacheMeters(registry);
        // fills in progress hold memory outside the index: at most half the tier again
        this.fillBudget = Math.max(settings.maxObjectBytes(), settings.memoryBytes() / 2);
        this.index = Caffeine.newBuilder()
                .maximumWeight(settings.memoryBytes())
                .weigher((CacheKey k, Variants v) -> v.weight())
                // maintenance (and so eviction and its releases) on the writer's thread: the bound
                // holds as soon as a put returns, and no pool thread touches the buffers
                .executor(Runnable::run)
                .evictionListener((CacheKey k, Variants v, RemovalCause cause) -> {
                    if (v != null && cause.wasEvicted()) {
                        dropped(v, true);
                    }
                })
                .build();
        Gauge.builder("edgecert_cache_memory_used_bytes", bytes, AtomicLong::get)
                .description("bytes the memory tier holds (bodies plus estimated heads)").register(registry);
        Gauge.builder("edgecert_cache_memory_limit_bytes", settings, CacheSettings::memoryBytes)
                .description("EDGECERT_CACHE_MEMORY").register(registry);
        Gauge.builder("edgecert_cache_memory_objects", objects, AtomicLong::get)
                .description("objects the memory tier holds").register(registry);
        Gauge.builder("edgecert_cache_fill_bytes", fillBytes, AtomicLong::get)
                .description("bytes of fills in progress").register(registry);
    }

    public CacheSettings settings() {
        return settings;
    }

    // ---- lookups and fills

    /**
     * The complete variants stored for a primary key, newest first (empty: a miss). The strategy
     * picks the one whose selecting headers match the request (RFC 9111 4.1).
     */
    public List<CachedObject> lookup(CacheKey key) {
        Variants v = index.getIfPresent(key);
        return v == null ? List.of() : v.objects();
    }

    /** The variant of {@code key} whose head {@code matches} says, if one is stored. */
    public Optional<CachedObject> lookup(CacheKey key, Predicate<StoredHead> matches) {
        for (CachedObject o : lookup(key)) {
            if (matches.test(o.head())) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /**
     * A miss: the first for its key leads (fetches and fills), concurrent ones join. A flight
     * whose lead has had no head for the collapse timeout is taken over by the next miss. A key
     * whose last response was not storable leads every miss (no collapsing) for two minutes or
     * until a response of it is stored.
     */
    public Miss miss(CacheKey key) {
        if (passes.getIfPresent(key) != null) {
            return lead(key);
        }
        long now = System.nanoTime();
        Flight[] created = new Flight[1];
        Flight f = flights.compute(key, (k, current) -> {
            if (current == null || current.abandoned(now, settings.collapseTimeout())) {
                return created[0] = new Flight(this, k, now);
            }
            return current;
        });
        return created[0] != null ? new Miss.Lead(this, key, f) : new Miss.Join(this, f);
    }

    /**
     * A lead that collapses nothing: for a request that was released from a flight (its Vary did
     * not match, the filler failed) or that must not wait, and still may store what it fetches.
     */
    public Miss.Lead lead(CacheKey key) {
        return new Miss.Lead(this, key, null);
    }

    /**
     * A 304 freshened a stored object (RFC 9111 4.3.4): the same body under a new head.
     *
     * @return the object as now stored, or empty if it was dropped meanwhile
     */
    public Optional<CachedObject> freshen(CachedObject stored, StoredHead head) {
        CachedObject fresh = stored.withHead(head);
        boolean[] replaced = new boolean[1];
        index.asMap().computeIfPresent(stored.key(), (k, v) -> {
            List<CachedObject> list = new ArrayList<>(v.objects());
            int i = indexOf(list, stored);
            if (i < 0) {
                return v;
            }
            list.set(i, fresh);
            replaced[0] = true;
            return new Variants(List.copyOf(list));
        });
        if (!replaced[0]) {
            return Optional.empty();
        }
        CacheMeters.Distribution d = meters.of(stored.key().distributionId());
        d.dropped(stored);
        d.stored(fresh);
        bytes.addAndGet(fresh.weight() - stored.weight());
        return Optional.of(fresh);
    }

    private static int indexOf(List<CachedObject> list, CachedObject o) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == o) {
                return i;
            }
        }
        return -1;
    }

    /** A lead's response was not storable: its key's misses stop collapsing for {@link #PASS_MEMORY}. */
    void passed(CacheKey key) {
        passes.put(key, Boolean.TRUE);
    }

    Fill newFill(CacheKey key, StoredHead head, long contentLength, Flight flight) {
        passes.invalidate(key);
        Fill fill = new Fill(this, key, head, contentLength, flight);
        fills.add(fill);
        // after it is registered: a purge either sees the fill or has marked its flight already
        if (flight != null && flight.purged()) {
            fill.purged();
        }
        return fill;
    }

    ByteBuf allocate(int capacity) {
        return allocator.directBuffer(capacity, capacity);
    }

    boolean reserveFill(long n) {
        if (fillBytes.addAndGet(n) > fillBudget) {
            fillBytes.addAndGet(-n);
            return false;
        }
        return true;
    }

    void releaseFill(long n) {
        if (n != 0) {
            fillBytes.addAndGet(-n);
        }
    }

    /** A fill that stores nothing after all (aborted, passed): later misses lead anew. */
    void fillEnded(Fill fill, boolean indexed) {
        fills.remove(fill);
        if (fill.flight() != null) {
            flightEnded(fill.flight());
        }
    }

    void flightEnded(Flight flight) {
        flights.remove(flight.key(), flight);
    }

    /** A whole body: indexed, replacing the variant with the same selecting headers. */
    Optional<CachedObject> completed(Fill fill, StoredBody body) {
        CachedObject o = new CachedObject(fill.key(), fill.head(), body);
        try {
            if (!fill.indexable()) {
                body.release();
                return Optional.empty();
            }
            List<CachedObject> replaced = new ArrayList<>();
            CacheMeters.Distribution d = meters.of(o.key().distributionId());
            // counted before the put: an admission that evicts it at once un-counts it in the listener
            d.stored(o);
            objects.incrementAndGet();
            bytes.addAndGet(o.weight());
            index.asMap().compute(o.key(), (k, current) -> {
                replaced.clear();
                List<CachedObject> list = new ArrayList<>();
                list.add(o);
                if (current != null) {
                    for (CachedObject c : current.objects()) {
                        if (list.size() < settings.maxVariants()
                                && !c.head().selectingHeaders().equals(o.head().selectingHeaders())) {
                            list.add(c);
                        } else {
                            replaced.add(c);
                        }
                    }
                }
                return new Variants(List.copyOf(list));
            });
            for (CachedObject r : replaced) {
                r.body().release();
                d.dropped(r);
                objects.decrementAndGet();
                bytes.addAndGet(-r.weight());
            }
            if (!fill.indexable()) {
                // purged while it was being indexed: the purge may have scanned before the put
                removeObject(o);
                return Optional.empty();
            }
            return Optional.of(o);
        } finally {
            fill.settled();
            fillEnded(fill, true);
        }
    }

    private void removeObject(CachedObject o) {
        CachedObject[] removed = new CachedObject[1];
        index.asMap().computeIfPresent(o.key(), (k, v) -> {
            List<CachedObject> list = new ArrayList<>(v.objects());
            int i = indexOf(list, o);
            if (i < 0) {
                return v;
            }
            removed[0] = list.remove(i);
            return list.isEmpty() ? null : new Variants(List.copyOf(list));
        });
        if (removed[0] != null) {
            dropped(new Variants(List.of(removed[0])), false);
        }
    }

    private void dropped(Variants v, boolean evicted) {
        for (CachedObject o : v.objects()) {
            o.body().release();
            CacheMeters.Distribution d = meters.of(o.key().distributionId());
            d.dropped(o);
            if (evicted) {
                d.evictions.increment();
            }
            objects.decrementAndGet();
            bytes.addAndGet(-o.weight());
        }
    }

    // ---- invalidation

    /**
     * Drops a distribution's objects whose path matches a CloudFront invalidation path; fills in
     * progress that match are not stored when they complete (and later misses fetch anew).
     */
    @Override
    public long purge(String distributionId, List<String> paths) {
        PurgePaths matcher = PurgePaths.of(paths);
        return purgeWhere(k -> k.distributionId().equals(distributionId) && matcher.matches(k.path()));
    }

    /** Drops one primary key, all its variants: an unsafe method's invalidation (RFC 9111 4.4). */
    public long invalidate(CacheKey key) {
        return purgeWhere(key::equals);
    }

    /** Drops every key of one path whatever its query strings and headers: unsafe methods, Location, Content-Location. */
    public long invalidatePath(String distributionId, String path) {
        return purgeWhere(k -> k.distributionId().equals(distributionId) && k.path().equals(path));
    }

    /** A deleted distribution: every object and fill of it goes, and its meters. */
    public long dropDistribution(String distributionId) {
        long n = purgeWhere(k -> k.distributionId().equals(distributionId));
        meters.forget(distributionId);
        return n;
    }

    /**
     * The edge serves these distributions now: every other one seen so far was deleted (or
     * disabled) and its objects and meters go. Scans the index only when one did go.
     *
     * @return objects dropped
     */
    public long retainDistributions(Set<String> served) {
        long n = 0;
        for (String id : meters.known()) {
            if (!served.contains(id)) {
                n += dropDistribution(id);
            }
        }
        return n;
    }

    private long purgeWhere(Predicate<CacheKey> matches) {
        // in-progress first: a fill that completes during the scan below sees its mark
        for (Flight f : flights.values()) {
            if (matches.test(f.key())) {
                f.purge();
                flights.remove(f.key(), f);
            }
        }
        for (Fill f : fills) {
            if (matches.test(f.key())) {
                f.purged();
            }
        }
        long n = 0;
        for (CacheKey k : index.asMap().keySet()) {
            if (matches.test(k)) {
                Variants v = index.asMap().remove(k);
                if (v != null) {
                    dropped(v, false);
                    n += v.objects().size();
                }
            }
        }
        return n;
    }

    // ---- metrics the cache handler records

    public void recordHit(String distributionId, long bytesFromCache) {
        CacheMeters.Distribution d = meters.of(distributionId);
        d.hits.increment();
        d.bytesFromCache.add(bytesFromCache);
    }

    /** A stale object served (stale-while-revalidate, stale-if-error). */
    public void recordStale(String distributionId, long bytesFromCache) {
        CacheMeters.Distribution d = meters.of(distributionId);
        d.stale.increment();
        d.bytesFromCache.add(bytesFromCache);
    }

    /** A response fetched from the origin (a miss, a pass, a revalidation that changed). */
    public void recordMiss(String distributionId, long bytesFromOrigin) {
        CacheMeters.Distribution d = meters.of(distributionId);
        d.misses.increment();
        d.bytesFromOrigin.add(bytesFromOrigin);
    }

    public CacheStats stats(String distributionId) {
        return meters.stats(distributionId);
    }

    /** Objects in the memory tier. */
    public long objectCount() {
        return objects.get();
    }

    /** Bytes the memory tier holds (bodies plus estimated heads); at most {@link CacheSettings#memoryBytes()}. */
    public long byteCount() {
        return bytes.get();
    }

    /** Runs pending index maintenance now (tests: eviction done before they look). */
    void cleanUp() {
        index.cleanUp();
    }

    /** Drops everything (the node stops): bodies not being written are freed now, the rest when written. */
    @Override
    public void close() {
        purgeWhere(k -> true);
    }
}
