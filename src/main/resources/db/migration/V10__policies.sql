-- Custom cache, origin request and response headers policies (issue 14). Managed policies are
-- CloudFront's, in code (serving.ManagedPolicies), never stored. A policy's config is JSON like a
-- distribution's; a change moves version (the ETag) and replaces the config.
CREATE TABLE policies (
    id          VARCHAR(36)  PRIMARY KEY,
    kind        VARCHAR(32)  NOT NULL,
    name        VARCHAR(128) NOT NULL,
    version     INTEGER      NOT NULL,
    config_json TEXT         NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT policies_name_per_kind UNIQUE (kind, name)
);

-- Which policies each distribution's current config names, managed ones included: a policy in
-- use cannot be deleted, and a change to one restamps its users so that every edge reloads them.
-- Written with each distribution version; existing distributions name none (absent = defaults).
CREATE TABLE distribution_policy_refs (
    distribution_id VARCHAR(36) NOT NULL REFERENCES distributions (id) ON DELETE CASCADE,
    policy_id       VARCHAR(36) NOT NULL,
    PRIMARY KEY (distribution_id, policy_id)
);
CREATE INDEX distribution_policy_refs_policy ON distribution_policy_refs (policy_id);
