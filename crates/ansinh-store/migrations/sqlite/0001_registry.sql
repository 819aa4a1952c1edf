-- Registry and declarations. Distribution keys (for a sharded PostgreSQL-compatible database):
-- employers, declaration_batches: employer unit_code; persons, employments, employment_events,
-- salaries: person sin. Ids are made by the application, never by a sequence.
-- SQLite only: the child tables are WITHOUT ROWID, stored in their primary-key order (one B-tree
-- instead of a table plus an index): a person's history is read and written together.
CREATE TABLE employers (
    unit_code TEXT PRIMARY KEY,
    tax_code TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    province TEXT NOT NULL,
    region BIGINT NOT NULL,
    occupational_rate TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX employers_province ON employers (province, unit_code);

CREATE TABLE persons (
    sin TEXT PRIMARY KEY,
    personal_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    nationality TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX persons_name ON persons (name, sin);

CREATE TABLE employments (
    person_sin TEXT NOT NULL,
    employment_id TEXT NOT NULL,
    employer_code TEXT NOT NULL,
    start_date TEXT NOT NULL,
    contract_kind TEXT NOT NULL,
    contract_months BIGINT,
    participant TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    PRIMARY KEY (person_sin, employment_id)
) WITHOUT ROWID;
CREATE INDEX employments_employer ON employments (employer_code, person_sin);

CREATE TABLE employment_events (
    person_sin TEXT NOT NULL,
    employment_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    event TEXT NOT NULL,
    event_date TEXT NOT NULL,
    reason TEXT,
    batch_id TEXT NOT NULL,
    PRIMARY KEY (person_sin, employment_id, seq)
) WITHOUT ROWID;

CREATE TABLE salaries (
    person_sin TEXT NOT NULL,
    employment_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    effective_month TEXT NOT NULL,
    salary BIGINT NOT NULL,
    allowances BIGINT NOT NULL,
    supersedes BIGINT,
    batch_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (person_sin, employment_id, seq)
) WITHOUT ROWID;

CREATE TABLE declaration_batches (
    employer_code TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    idempotency_key TEXT,
    content_hash TEXT NOT NULL,
    line_count BIGINT NOT NULL,
    result TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    PRIMARY KEY (employer_code, batch_id),
    UNIQUE (employer_code, content_hash)
);
CREATE UNIQUE INDEX declaration_batches_key ON declaration_batches (employer_code, idempotency_key);
