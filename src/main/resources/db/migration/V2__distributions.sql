-- Distributions: the current state in one row, every version's config immutable in
-- distribution_versions. change_seq comes from one sequence and moves on every change that the
-- edge must see (config change, reimport of the certificate); edge nodes compare it with what
-- they have applied.
CREATE SEQUENCE edge_change_seq;

CREATE TABLE distributions (
    id              VARCHAR(36)  PRIMARY KEY,
    domain_name     VARCHAR(300) NOT NULL,
    current_version INTEGER      NOT NULL,
    certificate_id  VARCHAR(36)  REFERENCES certificates (id),
    enabled         BOOLEAN      NOT NULL,
    change_seq      BIGINT       NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX distributions_certificate ON distributions (certificate_id);
CREATE INDEX distributions_change_seq ON distributions (change_seq);

CREATE TABLE distribution_versions (
    distribution_id VARCHAR(36) NOT NULL REFERENCES distributions (id) ON DELETE CASCADE,
    version         INTEGER     NOT NULL,
    config_json     TEXT        NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (distribution_id, version)
);

-- Rule C3: an alias lives on at most one distribution; the primary key is the guarantee.
CREATE TABLE distribution_aliases (
    alias           VARCHAR(253) PRIMARY KEY,
    distribution_id VARCHAR(36)  NOT NULL REFERENCES distributions (id) ON DELETE CASCADE
);
CREATE INDEX distribution_aliases_distribution ON distribution_aliases (distribution_id);

-- Edge nodes alive and what they serve: a distribution is Deployed when every live node has
-- applied a change_seq at least as new as the distribution's. Times are the database's clock.
CREATE TABLE edge_nodes (
    node_id      VARCHAR(64) PRIMARY KEY,
    host         VARCHAR(255) NOT NULL,
    applied_seq  BIGINT      NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL
);
