-- Invalidations (CloudFront's CreateInvalidation): a batch of paths whose cached objects every
-- live edge node drops. One row per batch; one row per node that has purged it. A batch is
-- Completed once every node alive by its edge_nodes heartbeat has a row here: a node that died
-- stops counting when its heartbeat expires, a node that starts later finds its cache empty.
CREATE TABLE invalidations (
    id               VARCHAR(36)  PRIMARY KEY,
    distribution_id  VARCHAR(36)  NOT NULL REFERENCES distributions (id) ON DELETE CASCADE,
    caller_reference VARCHAR(128) NOT NULL,
    -- the normalised paths as a JSON array of strings, in the order given (duplicates dropped)
    paths_json       TEXT         NOT NULL,
    -- CloudFront's in-progress limits count file paths and wildcard paths apart
    file_paths       INTEGER      NOT NULL,
    wildcard_paths   INTEGER      NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    completed_at     TIMESTAMP WITH TIME ZONE,
    -- the same callerReference twice is the same request (idempotent retry) or a conflict
    CONSTRAINT invalidations_caller_reference UNIQUE (distribution_id, caller_reference)
);
CREATE INDEX invalidations_status ON invalidations (status, id);

CREATE TABLE invalidation_nodes (
    invalidation_id VARCHAR(36) NOT NULL REFERENCES invalidations (id) ON DELETE CASCADE,
    node_id         VARCHAR(64) NOT NULL,
    purged_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    objects         BIGINT      NOT NULL,
    PRIMARY KEY (invalidation_id, node_id)
);
