-- Users, sessions, API tokens, failed sign-ins and the audit trail (issue 6).
-- Secrets are never stored: passwords as Argon2id PHC strings, session ids and API tokens as
-- SHA-256 digests of the random value the client holds.
CREATE TABLE users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    -- The employer an `employer` user acts for, the person an `insured` user is.
    employer_code TEXT,
    person_sin TEXT,
    locale TEXT NOT NULL DEFAULT 'vi',
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id_digest TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_digest TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Failed sign-ins, read to throttle guessing (kept, not deleted: they are evidence too).
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username, at);

-- Append-only: every write of the application adds one row; nothing updates or deletes one.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    change TEXT NOT NULL,
    reason TEXT,
    request_id TEXT
);
CREATE INDEX audit_by_entity ON audit_log (entity_kind, entity_id, id);
CREATE INDEX audit_by_actor ON audit_log (actor, id);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
