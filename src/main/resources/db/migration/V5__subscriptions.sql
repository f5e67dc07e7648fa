-- Who is told about events (api.md, subscriptions), and what was sent to whom.

CREATE TABLE subscriptions (
    id               VARCHAR(36)   PRIMARY KEY,
    name             VARCHAR(128),
    protocol         VARCHAR(8)    NOT NULL,
    endpoint         VARCHAR(2048) NOT NULL,
    -- comma-separated EventType names; NULL means every type
    event_types      VARCHAR(512),
    -- webhooks: the HMAC signing secret, AES-256-GCM under the master key (associated data: the id)
    encrypted_secret BYTEA,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The fan-out marks each event once it has become deliveries. A marker per event rather than a
-- "last seq" cursor: on PostgreSQL, sequence numbers are handed out before commit, so a cursor
-- would skip an event whose transaction commits after a later one.
ALTER TABLE events ADD COLUMN fanned_out BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX events_fanned_out ON events (fanned_out, seq);

-- One row per (subscription, event): the delivery log and the retry queue at once. A node claims
-- a row by setting claim_token and claimed_until; an expired claim (crashed node) frees it again.
CREATE TABLE deliveries (
    id               VARCHAR(36)   PRIMARY KEY,
    subscription_id  VARCHAR(36)   NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    -- events.id; test messages have an id of their own and no events row
    event_id         VARCHAR(36)   NOT NULL,
    event_type       VARCHAR(64)   NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    attempts         INTEGER       NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE,
    claim_token      VARCHAR(36),
    claimed_until    TIMESTAMP WITH TIME ZONE,
    last_status_code INTEGER,
    last_error       VARCHAR(1000),
    last_attempt_at  TIMESTAMP WITH TIME ZONE,
    delivered_at     TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
-- the delivery log of one subscription, newest first
CREATE INDEX deliveries_subscription ON deliveries (subscription_id, id);

-- Expiry events already raised: at most one CertificateApproachingExpiration per certificate per
-- UTC day, one CertificateExpired per expiry date, whichever node (or restart) checks.
CREATE TABLE expiry_notices (
    certificate_id VARCHAR(36) NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    kind           VARCHAR(16) NOT NULL,
    notice_day     DATE        NOT NULL,
    PRIMARY KEY (certificate_id, kind, notice_day)
);
