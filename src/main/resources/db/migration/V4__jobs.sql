-- Import jobs. Everything a job needs to finish after a crash is here: the items' material (key
-- encrypted under the master key, associated data "<job id>/<index>") and the ids the job will give
-- the certificate and the distribution of each item, chosen at submission so that a retried step
-- finds its earlier work instead of doing it twice.
CREATE TABLE jobs (
    id           VARCHAR(36)  PRIMARY KEY,
    type         VARCHAR(64)  NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    options_json TEXT         NOT NULL,
    item_count   INTEGER      NOT NULL,
    error        TEXT,
    -- the node running the job holds a lease it renews; an expired lease frees the job
    claimed_by   VARCHAR(100),
    lease_until  TIMESTAMP WITH TIME ZONE,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE,
    finished_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX jobs_status_created ON jobs (status, created_at);

CREATE TABLE job_steps (
    job_id      VARCHAR(36) NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    position    INTEGER     NOT NULL,
    name        VARCHAR(32) NOT NULL,
    status      VARCHAR(16) NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE,
    finished_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (job_id, position)
);

CREATE TABLE job_items (
    job_id                   VARCHAR(36)  NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx                      INTEGER      NOT NULL,
    name                     VARCHAR(256),
    status                   VARCHAR(16)  NOT NULL,
    certificate_pem          TEXT         NOT NULL,
    chain_pem                TEXT,
    encrypted_key            BYTEA,
    key_summary              VARCHAR(64)  NOT NULL,
    -- what the up-front check learned (key type, trust, warnings): the run re-parses, not re-checks
    analysis_json            TEXT         NOT NULL,
    certificate_id           VARCHAR(36)  NOT NULL,
    distribution_id          VARCHAR(36),
    distribution_domain_name VARCHAR(300),
    aliases_json             TEXT,
    error_step               VARCHAR(32),
    error_code               VARCHAR(64),
    error_message            TEXT,
    PRIMARY KEY (job_id, idx)
);
