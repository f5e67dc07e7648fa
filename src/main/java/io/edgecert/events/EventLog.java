package io.edgecert.events;

import io.edgecert.json.Json;
import io.edgecert.store.ChangeSignals;
import io.edgecert.store.Ids;
import io.edgecert.store.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;

/**
 * Appends events to the outbox in the caller's transaction, so an event exists exactly when the
 * change it reports was committed. Delivery (email, webhooks) happens later, elsewhere: a slow
 * receiver never holds up the writer.
 */
public final class EventLog {
    private final Clock clock;
    private final ChangeSignals signals;

    public EventLog(Clock clock, ChangeSignals signals) {
        this.clock = clock;
        this.signals = signals;
    }

    /**
     * @param subjectId the job or certificate the event is about
     * @param payload   JSON-serializable detail (a map, a record); never key material
     * @return the event id
     */
    public String append(Connection c, EventType type, String subjectId, Object payload) throws SQLException {
        String id = Ids.newId();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (id, type, subject_id, payload_json, created_at) "
                + "VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, type.name());
            ps.setString(3, subjectId);
            ps.setString(4, Json.write(payload));
            ps.setObject(5, Sql.utc(clock.instant()));
            ps.executeUpdate();
        }
        // wakes the delivery workers of every node once this commits (a job's end: its webhook goes at once)
        signals.raise(c, EventChannels.OUTBOX);
        return id;
    }
}
