-- One row that imports lock (SELECT ... FOR UPDATE) while they count certificates and insert one,
-- so concurrent imports on any node cannot overshoot EDGECERT_MAX_CERTIFICATES (rule A14).
CREATE TABLE certificate_quota_lock (
    id INTEGER PRIMARY KEY
);
INSERT INTO certificate_quota_lock (id) VALUES (1);
