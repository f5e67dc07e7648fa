package io.edgecert.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code edgecert_certificate_expiry_seconds{certificate_id, domain}}: one series per certificate,
 * negative once expired. The value is computed when Prometheus scrapes, so it stays exact between
 * refreshes; a refresh only adds, moves (reimport) and drops (delete) certificates.
 */
final class ExpiryGauge {
    static final String NAME = "edgecert_certificate_expiry_seconds";

    private final MultiGauge gauge;
    private final Clock clock;
    /** Kept between refreshes: an unchanged series keeps its holder, whose expiry is updated in place. */
    private final Map<String, Holder> holders = new HashMap<>();

    ExpiryGauge(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        this.gauge = MultiGauge.builder(NAME)
                .description("Seconds until the certificate expires (negative once it has expired)")
                .baseUnit("seconds")
                .register(registry);
    }

    record Certificate(String id, String domainName, Instant notAfter) {
    }

    private static final class Holder {
        final String domain;
        volatile Instant notAfter;

        Holder(String domain, Instant notAfter) {
            this.domain = domain;
            this.notAfter = notAfter;
        }
    }

    synchronized void update(List<Certificate> certificates) {
        Map<String, Holder> next = new HashMap<>();
        List<MultiGauge.Row<?>> rows = new ArrayList<>(certificates.size());
        for (Certificate c : certificates) {
            Holder h = holders.get(c.id());
            if (h == null || !h.domain.equals(c.domainName())) {
                h = new Holder(c.domainName(), c.notAfter());
            }
            h.notAfter = c.notAfter();
            next.put(c.id(), h);
            rows.add(MultiGauge.Row.of(Tags.of("certificate_id", c.id(), "domain", c.domainName()), h, this::secondsLeft));
        }
        holders.clear();
        holders.putAll(next);
        // overwrite=false: series that stay keep their meter (and holder); missing ones are removed
        gauge.register(rows, false);
    }

    private double secondsLeft(Holder h) {
        return Duration.between(clock.instant(), h.notAfter).toSeconds();
    }
}
