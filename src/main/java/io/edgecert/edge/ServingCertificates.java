package io.edgecert.edge;

import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.serving.KeyProvider;
import io.edgecert.serving.SealedMaterial;
import io.edgecert.serving.ServingMaterial;
import io.netty.handler.ssl.SslContext;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The certificates the edge serves, at two levels:
 * <ol>
 * <li>sealed material (chain PEM, encrypted key: a few KB each) for every certificate some route
 * uses, loaded when routes change so that handshakes never wait on the database;</li>
 * <li>SSL contexts, one per certificate and TLS policy shared by all its aliases, built on the
 * first handshake that needs one and kept in a bounded cache. Evicted or outdated contexts are
 * released; a handshake in progress holds its own reference, so released never means broken.</li>
 * </ol>
 */
final class ServingCertificates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServingCertificates.class);

    record ContextKey(String certificateId, int version, MinimumProtocol policy) {
    }

    private final Supplier<KeyProvider> source;
    private final TlsContexts tls;
    private final int maxContexts;
    private volatile Map<String, SealedMaterial> sealed = Map.of();
    private final ConcurrentHashMap<ContextKey, SslContext> contexts = new ConcurrentHashMap<>();
    /** Insertion order for eviction: FIFO is enough, the cache holds every name when sized right. */
    private final ConcurrentLinkedQueue<ContextKey> insertionOrder = new ConcurrentLinkedQueue<>();
    private final AtomicLong builds = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    ServingCertificates(Supplier<KeyProvider> source, TlsContexts tls, int maxContexts) {
        this.source = source;
        this.tls = tls;
        this.maxContexts = maxContexts;
    }

    /**
     * Makes sure the material of every certificate the routes use is in memory, at least at the
     * version the routes name; drops material and contexts nobody uses any more. Runs on the
     * deployment thread, before the new route table goes live.
     */
    void prepare(List<EdgeRoute> routes) {
        Map<String, SealedMaterial> current = sealed;
        Map<String, Integer> wanted = new HashMap<>();
        for (EdgeRoute r : routes) {
            r.certificateId().ifPresent(id -> wanted.merge(id, r.certificateVersion(), Math::max));
        }
        Set<String> toLoad = new HashSet<>();
        wanted.forEach((id, version) -> {
            SealedMaterial m = current.get(id);
            if (m == null || m.version() < version) {
                toLoad.add(id);
            }
        });
        Map<String, SealedMaterial> next = new HashMap<>(wanted.size() * 2);
        for (String id : wanted.keySet()) {
            SealedMaterial m = current.get(id);
            if (m != null && !toLoad.contains(id)) {
                next.put(id, m);
            }
        }
        // One string per distinct chain: a SaaS's customers mostly share a handful of CA chains,
        // and each copy is ~1.7 KB (a third of a loaded certificate's heap).
        Map<String, String> chains = new HashMap<>();
        next.values().forEach(m -> chains.putIfAbsent(m.chainPem(), m.chainPem()));
        for (SealedMaterial m : source.get().load(toLoad)) {
            String shared = chains.computeIfAbsent(m.chainPem(), c -> c);
            next.put(m.certificateId(), shared == m.chainPem() ? m : m.withChain(shared));
        }
        sealed = Map.copyOf(next);
        // Out of the map first, then released: a handshake that still finds a context may retain
        // it; one that found it just before is told by retain() that it is gone, and rebuilds.
        for (ContextKey key : List.copyOf(contexts.keySet())) {
            SealedMaterial m = next.get(key.certificateId());
            if (m == null || m.version() != key.version()) {
                release(contexts.remove(key));
            }
        }
        insertionOrder.removeIf(key -> !contexts.containsKey(key));
        if (!toLoad.isEmpty()) {
            log.debug("Edge loaded material of {} certificate(s); {} in memory", toLoad.size(), next.size());
        }
    }

    /**
     * Takes material as loaded, e.g. from a snapshot, before the first {@link #prepare}: prepare
     * then reads only what is missing or older than a route needs.
     */
    void preload(Collection<SealedMaterial> material) {
        Map<String, SealedMaterial> next = new HashMap<>(sealed);
        material.forEach(m -> next.merge(m.certificateId(), m, (a, b) -> a.version() >= b.version() ? a : b));
        sealed = Map.copyOf(next);
    }

    /** The sealed material held now (immutable). */
    Collection<SealedMaterial> material() {
        return sealed.values();
    }

    boolean has(String certificateId) {
        return sealed.containsKey(certificateId);
    }

    /**
     * The SSL context for a certificate and policy, retained for the caller (who releases it
     * once the handler is made); empty when the certificate's material is not loaded.
     */
    java.util.Optional<SslContext> retainedContext(String certificateId, MinimumProtocol policy) throws Exception {
        SealedMaterial m = sealed.get(certificateId);
        if (m == null) {
            return java.util.Optional.empty();
        }
        ContextKey key = new ContextKey(certificateId, m.version(), policy);
        for (int attempt = 0; ; attempt++) {
            SslContext ctx = contexts.get(key);
            if (ctx == null) {
                ctx = build(key, m);
            }
            try {
                return java.util.Optional.of(ReferenceCountUtil.retain(ctx));
            } catch (IllegalReferenceCountException evictedMeanwhile) {
                if (attempt > 3) {
                    throw evictedMeanwhile;
                }
            }
        }
    }

    private SslContext build(ContextKey key, SealedMaterial m) throws Exception {
        ServingMaterial material = source.get().unseal(m);
        SslContext built = tls.server(material.chain(), material.key(), key.policy());
        SslContext raced = contexts.putIfAbsent(key, built);
        if (raced != null) {
            release(built);
            return raced;
        }
        builds.incrementAndGet();
        insertionOrder.add(key);
        while (contexts.size() > maxContexts) {
            ContextKey oldest = insertionOrder.poll();
            if (oldest == null) {
                break;
            }
            SslContext evicted = contexts.remove(oldest);
            if (evicted != null) {
                evictions.incrementAndGet();
                release(evicted);
            }
        }
        return built;
    }

    private static void release(SslContext ctx) {
        if (ctx != null) {
            ReferenceCountUtil.release(ctx);
        }
    }

    int materialCount() {
        return sealed.size();
    }

    int contextCount() {
        return contexts.size();
    }

    long contextBuilds() {
        return builds.get();
    }

    long contextEvictions() {
        return evictions.get();
    }

    @Override
    public void close() {
        for (ContextKey key : List.copyOf(contexts.keySet())) {
            release(contexts.remove(key)); // removed, then released, as in prepare()
        }
        insertionOrder.clear();
        sealed = Map.of();
    }
}
