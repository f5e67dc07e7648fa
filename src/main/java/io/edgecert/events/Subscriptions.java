package io.edgecert.events;

import io.edgecert.json.Json;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.store.Database;
import io.edgecert.store.Ids;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The subscriptions part's service: what the API (and later the console) calls. */
public final class Subscriptions {
    /** A soft cap (nodes may race past it by a few): every event is matched against every subscription. */
    public static final int MAX_SUBSCRIPTIONS = 1000;
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;

    private final Database db;
    private final SubscriptionRepository subscriptions;
    private final DeliveryRepository deliveries;
    private final SigningSecrets secrets;
    private final Senders senders;
    private final Clock clock;

    Subscriptions(Database db, SubscriptionRepository subscriptions, DeliveryRepository deliveries, SigningSecrets secrets,
                  Senders senders, Clock clock) {
        this.db = db;
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.secrets = secrets;
        this.senders = senders;
        this.clock = clock;
    }

    /** As the API receives it; {@link SubscriptionRules} checks it. eventTypes null: every type. */
    public record NewSubscription(String protocol, String endpoint, List<String> eventTypes, String name) {
    }

    /** Creates the subscription; for a webhook the answer carries the signing secret, this once. */
    public Subscription create(NewSubscription request) {
        SubscriptionRules.Checked checked = SubscriptionRules.check(request, senders.emailEnabled());
        if (db.withConnection(subscriptions::count) >= MAX_SUBSCRIPTIONS) {
            throw new ProblemException(ErrorCode.LimitExceeded,
                    "there are already " + MAX_SUBSCRIPTIONS + " subscriptions; delete one first");
        }
        Subscription s = new Subscription(Ids.newId(), checked.name(), checked.protocol(), checked.endpoint(),
                checked.eventTypes(), clock.instant(), Optional.empty());
        Optional<String> secret = s.protocol().isWebhook() ? Optional.of(secrets.generate()) : Optional.empty();
        Optional<byte[]> sealed = secret.map(v -> secrets.seal(v, s.id()));
        db.inTransaction(c -> {
            subscriptions.insert(c, s, sealed);
            return null;
        });
        return secret.map(s::withSigningSecret).orElse(s);
    }

    public Page<Subscription> list(Optional<String> cursor, Optional<Integer> limit) {
        int n = pageSize(limit);
        List<Subscription> rows = db.withConnection(c -> subscriptions.list(c, checkedCursor(cursor), n + 1));
        return page(rows, n, Subscription::id);
    }

    public Subscription get(String id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    public void delete(String id) {
        if (!Ids.looksValid(id) || !db.inTransaction(c -> subscriptions.delete(c, id))) {
            throw notFound(id);
        }
    }

    /** The delivery log of one subscription, newest first. */
    public Page<Delivery> deliveries(String subscriptionId, Optional<String> cursor, Optional<Integer> limit) {
        get(subscriptionId);
        int n = pageSize(limit);
        List<Delivery> rows = db.withConnection(c -> deliveries.list(c, subscriptionId, checkedCursor(cursor), n + 1));
        return page(rows, n, Delivery::id);
    }

    /**
     * Sends a test message now, while the caller waits (bounded by the timeouts), and logs it
     * like any delivery. It is not retried: its point is to show at once whether the endpoint works.
     */
    public Delivery sendTest(String subscriptionId) {
        Subscription s = get(subscriptionId);
        Optional<String> secret = s.protocol().isWebhook()
                ? db.withConnection(c -> subscriptions.sealedSecret(c, s.id())).map(b -> secrets.open(b, s.id()))
                : Optional.empty();
        Instant now = clock.instant();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("subscriptionId", s.id());
        s.name().ifPresent(name -> detail.put("name", name));
        detail.put("message", "This is a test message from edgecert. The subscription works.");
        Event event = new Event(Ids.newId(), Event.TEST_TYPE, s.id(), now, Json.MAPPER.valueToTree(detail));
        Outcome outcome;
        try {
            outcome = senders.send(new Target(s.id(), s.protocol(), s.endpoint(), secret), event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the test message", e);
        }
        Instant done = clock.instant();
        Delivery d = new Delivery(Ids.newId(), s.id(), event.id(), event.type(),
                outcome.delivered() ? DeliveryStatus.DELIVERED : DeliveryStatus.FAILED, 1, outcome.statusCode(),
                outcome.error(), Optional.of(done), Optional.empty(), outcome.delivered() ? Optional.of(done) : Optional.empty(),
                now);
        db.inTransaction(c -> {
            deliveries.insertFinished(c, d);
            return null;
        });
        return d;
    }

    private Optional<Subscription> find(String id) {
        return Ids.looksValid(id) ? db.withConnection(c -> subscriptions.find(c, id)) : Optional.empty();
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound(Ids.looksValid(id) ? "subscription " + id : "subscription");
    }

    private static int pageSize(Optional<Integer> limit) {
        int n = limit.orElse(DEFAULT_PAGE_SIZE);
        if (n < 1 || n > MAX_PAGE_SIZE) {
            throw ProblemException.of(new Violation("limit", ErrorCode.InvalidRequest, "limit must be between 1 and " + MAX_PAGE_SIZE));
        }
        return n;
    }

    private static Optional<String> checkedCursor(Optional<String> cursor) {
        cursor.ifPresent(c -> {
            if (!Ids.looksValid(c)) {
                throw ProblemException.of(new Violation("cursor", ErrorCode.InvalidRequest,
                        "cursor is not one this API handed out; pass nextCursor from the previous page"));
            }
        });
        return cursor;
    }

    private static <T> Page<T> page(List<T> rows, int limit, Function<T, String> id) {
        boolean more = rows.size() > limit;
        List<T> items = more ? rows.subList(0, limit) : rows;
        return new Page<>(List.copyOf(items), more ? Optional.of(id.apply(items.get(items.size() - 1))) : Optional.empty());
    }
}
