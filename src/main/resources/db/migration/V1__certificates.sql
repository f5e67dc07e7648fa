-- Certificates imported by users. Public material is kept as PEM; the private key only as
-- AES-256-GCM ciphertext under the master key (associated data: the certificate id).
CREATE TABLE certificates (
    id                 VARCHAR(36)  PRIMARY KEY,
    name               VARCHAR(256) NOT NULL,
    domain_name        VARCHAR(512) NOT NULL,
    subject            VARCHAR(4096) NOT NULL,
    issuer             VARCHAR(4096) NOT NULL,
    serial             VARCHAR(128) NOT NULL,
    key_type           VARCHAR(32)  NOT NULL,
    signature_algorithm VARCHAR(64) NOT NULL,
    not_before         TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after          TIMESTAMP WITH TIME ZONE NOT NULL,
    fingerprint_sha256 VARCHAR(95)  NOT NULL,
    certificate_pem    TEXT         NOT NULL,
    chain_pem          TEXT         NOT NULL,
    encrypted_key      BYTEA        NOT NULL,
    trusted            BOOLEAN      NOT NULL,
    trust_store        VARCHAR(512) NOT NULL,
    -- JSON documents: lists that are only ever read whole with the certificate
    sans_json          TEXT         NOT NULL,
    usages_json        TEXT         NOT NULL,
    warnings_json      TEXT         NOT NULL,
    material_version   INTEGER      NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX certificates_not_after ON certificates (not_after);

-- One row per DNS name or IP the certificate covers, lower case: the domain filter and (later)
-- alias coverage checks look names up here instead of scanning JSON.
CREATE TABLE certificate_names (
    certificate_id VARCHAR(36)  NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    name           VARCHAR(253) NOT NULL,
    PRIMARY KEY (certificate_id, name)
);
CREATE INDEX certificate_names_name ON certificate_names (name);

CREATE TABLE certificate_tags (
    certificate_id VARCHAR(36)  NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    tag_key        VARCHAR(128) NOT NULL,
    tag_value      VARCHAR(256) NOT NULL,
    position       INTEGER      NOT NULL,
    PRIMARY KEY (certificate_id, tag_key)
);
CREATE INDEX certificate_tags_key_value ON certificate_tags (tag_key, tag_value);

-- Public parts of material replaced by a reimport, newest version last.
CREATE TABLE certificate_history (
    certificate_id     VARCHAR(36)  NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    material_version   INTEGER      NOT NULL,
    serial             VARCHAR(128) NOT NULL,
    fingerprint_sha256 VARCHAR(95)  NOT NULL,
    domain_name        VARCHAR(512) NOT NULL,
    sans_json          TEXT         NOT NULL,
    issuer             VARCHAR(4096) NOT NULL,
    not_before         TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after          TIMESTAMP WITH TIME ZONE NOT NULL,
    certificate_pem    TEXT         NOT NULL,
    replaced_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (certificate_id, material_version)
);
