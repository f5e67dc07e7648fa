package io.edgecert.events;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DeliveryPostgresTest extends DeliveryContract {
    @Override
    NotificationsFixture.Store store() {
        return NotificationsFixture.Store.POSTGRESQL;
    }

    @Test
    void twoNodesOnOneDatabaseDeliverEachEventExactlyOnce() {
        Notifications a = fx.startNode(NotificationsFixture.fast());
        Notifications b = fx.startNode(NotificationsFixture.fast());
        WebhookReceiver r1 = receiver();
        WebhookReceiver r2 = receiver();
        webhook(a, r1);
        webhook(b, r2);

        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            ids.add(fx.append(EventType.JobSucceeded, "job-" + i, Payloads.jobSucceeded("job-" + i, java.util.List.of())));
        }

        assertEachEventDeliveredOnce(r1, ids);
        assertEachEventDeliveredOnce(r2, ids);
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.db.withConnection(c -> {
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM deliveries WHERE status <> 'DELIVERED'");
                 var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        }));
        assertThat(r1.received()).allMatch(WebhookReceiver.Received::signatureValid);
        assertThat(r2.received()).allMatch(WebhookReceiver.Received::signatureValid);
    }
}
