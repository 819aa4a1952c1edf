-- Health insurance (issue 5): cards, claims files, visit versions, assessors' reviews.
-- Distribution keys: card_code for cards; facility for files, visits and reviews.

-- Thẻ BHYT: one row per card issued or renewed (a renewal is a new row, never an edit).
CREATE TABLE health_cards (
    card_code TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    -- The insured person, when the card's social insurance number is in the registry.
    person_sin TEXT,
    -- Registered facility of first contact (nơi đăng ký KCB ban đầu).
    initial_facility TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    PRIMARY KEY (card_code, valid_from)
);
CREATE INDEX health_cards_person ON health_cards (person_sin);

-- A claims file as received (GIAMDINHHS envelope); the same bytes twice are one file.
CREATE TABLE claim_files (
    file_id TEXT PRIMARY KEY,
    facility TEXT NOT NULL,
    received_at TEXT NOT NULL,
    visits BIGINT NOT NULL,
    malformed BIGINT NOT NULL
);

-- Each version of a visit (MA_LK) of a facility: a re-sent visit is a new version, never an edit.
CREATE TABLE claim_visits (
    facility TEXT NOT NULL,
    visit_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    file_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    card_code TEXT,
    admitted TEXT,
    discharged TEXT,
    inpatient BIGINT NOT NULL,
    -- Services (XML3) and the day each was ordered, `code@YYYY-MM-DD` joined by `;` (rule R10).
    services TEXT NOT NULL,
    -- Month of the end of the visit (settlement month).
    month TEXT,
    -- accepted, adjusted, rejected, needs_review, malformed.
    decision TEXT NOT NULL,
    claimed_insurer TEXT NOT NULL,
    assessed_insurer TEXT NOT NULL,
    rejected TEXT NOT NULL,
    -- The holder's co-payment, and whether it counts towards the yearly cap (within the network).
    co_pay TEXT NOT NULL,
    copay_counts BIGINT NOT NULL,
    -- The whole assessment (findings, splits, explanation) as JSON.
    result TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (facility, visit_key, version)
);
CREATE INDEX claim_visits_card ON claim_visits (card_code, admitted);
CREATE INDEX claim_visits_month ON claim_visits (facility, month);

-- An assessor's decision on a visit version (append-only; the latest one stands).
CREATE TABLE claim_reviews (
    facility TEXT NOT NULL,
    visit_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    decision TEXT NOT NULL,
    insurer TEXT NOT NULL,
    reason TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (facility, visit_key, version, seq)
);
