-- Benefit claims administration (issue 21): the claims received (hồ sơ) with their dossier and
-- time limit, the documents uploaded (stored once by their SHA-256), the decisions with the
-- explanation they were computed with, the monthly entitlements (lương hưu, trợ cấp hằng tháng)
-- and their suspensions, the payments the payroll and the decisions write (one row per source,
-- month paid for and part: the key that makes a payroll run idempotent), the receivables of
-- overpayments, and the payroll runs. Distribution key: person_sin.
CREATE TABLE benefit_claims (
    claim_id TEXT PRIMARY KEY,
    person_sin TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    employer_code TEXT,
    office TEXT NOT NULL,
    event_date TEXT NOT NULL,
    received_on TEXT NOT NULL,
    complete_on TEXT,
    decision_due TEXT,
    days_late BIGINT,
    late_explanation TEXT,
    facts TEXT NOT NULL,
    documents TEXT NOT NULL,
    missing TEXT NOT NULL,
    state TEXT NOT NULL,
    payment TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX benefit_claims_event ON benefit_claims (person_sin, kind, event_date);
CREATE INDEX benefit_claims_queue ON benefit_claims (state, office, decision_due);

CREATE TABLE benefit_documents (
    sha256 TEXT PRIMARY KEY,
    content BYTEA NOT NULL,
    size BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    stored_at TEXT NOT NULL
);

CREATE TABLE benefit_claim_documents (
    claim_id TEXT NOT NULL,
    document TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (claim_id, document, sha256)
);

CREATE TABLE benefit_decisions (
    claim_id TEXT PRIMARY KEY,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    one_off BIGINT NOT NULL,
    monthly BIGINT NOT NULL,
    first_month TEXT,
    request TEXT NOT NULL,
    explanation TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    needs_approval BIGINT NOT NULL,
    approved_by TEXT,
    approved_on TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE entitlements (
    entitlement_id TEXT PRIMARY KEY,
    claim_id TEXT,
    person_sin TEXT NOT NULL,
    kind TEXT NOT NULL,
    fund TEXT NOT NULL,
    monthly_amount BIGINT NOT NULL,
    amount_as_of TEXT NOT NULL,
    first_month TEXT NOT NULL,
    due_from TEXT NOT NULL,
    first_paid TEXT,
    before_1995 BIGINT NOT NULL,
    state TEXT NOT NULL,
    stopped_month TEXT,
    reason TEXT,
    channel TEXT NOT NULL,
    bank TEXT,
    account TEXT,
    collector TEXT,
    authorised_from TEXT,
    authorised_to TEXT,
    office TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Room in each page for the payroll's monthly update of due_from (not indexed): a HOT update
-- that writes no index entry.
ALTER TABLE entitlements SET (fillfactor = 70);
CREATE INDEX entitlements_person ON entitlements (person_sin);

CREATE TABLE entitlement_events (
    entitlement_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    event TEXT NOT NULL,
    reason TEXT NOT NULL,
    on_date TEXT NOT NULL,
    month TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (entitlement_id, seq)
);

CREATE TABLE benefit_payments (
    source_id TEXT NOT NULL,
    month TEXT NOT NULL,
    part TEXT NOT NULL,
    person_sin TEXT NOT NULL,
    kind TEXT NOT NULL,
    fund TEXT NOT NULL,
    channel TEXT NOT NULL,
    amount BIGINT NOT NULL,
    payroll_month TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (source_id, month, part)
);
CREATE INDEX benefit_payments_person ON benefit_payments (person_sin, month);
-- Covering: the totals of a payroll month are read from the index alone (one source has one fund
-- and one channel, so the recipients of the month are the sum of the groups' distinct sources).
CREATE INDEX benefit_payments_payroll ON benefit_payments (payroll_month, fund, channel, source_id, amount);

CREATE TABLE benefit_receivables (
    source_id TEXT NOT NULL,
    month TEXT NOT NULL,
    person_sin TEXT NOT NULL,
    amount BIGINT NOT NULL,
    reason TEXT NOT NULL,
    recovered BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (source_id, month)
);

CREATE TABLE payroll_runs (
    month TEXT PRIMARY KEY,
    recipients BIGINT NOT NULL,
    total BIGINT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT
);
