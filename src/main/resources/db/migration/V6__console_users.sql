-- The web console's users and sessions (issue 5). Sessions live in the database, so that any node
-- behind a load balancer accepts the cookie another node handed out.

CREATE TABLE console_users (
    name                VARCHAR(64)  PRIMARY KEY,
    -- "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>"
    password_hash       VARCHAR(256) NOT NULL,
    -- a one-time (generated) password: the user must choose a new one before anything else
    must_change         BOOLEAN      NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    password_changed_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE console_sessions (
    -- SHA-256 (hex) of the cookie value: a copy of this table does not let anyone in
    id_hash      VARCHAR(64)  PRIMARY KEY,
    -- a console user's name, or "~admin-token" for a session opened with the admin token
    user_name    VARCHAR(64)  NOT NULL,
    -- sent back in every form and htmx request; compared in constant time
    csrf_token   VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX console_sessions_user ON console_sessions (user_name);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);
