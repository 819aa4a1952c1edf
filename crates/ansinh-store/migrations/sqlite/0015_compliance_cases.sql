-- Compliance examinations (issue 20): cases from the plan to their closing, every transition,
-- the findings per worker and months, the sanctions, the payments made against the case, and
-- headcounts from tax or labour data for risk selection. Distribution key: employer_code
-- (cases and their children by case_id, which names the employer's office and year).
CREATE TABLE compliance_cases (
    case_id TEXT PRIMARY KEY,
    employer_code TEXT NOT NULL,
    province TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    complex BIGINT NOT NULL,
    state TEXT NOT NULL,
    plan_year BIGINT NOT NULL,
    origin TEXT NOT NULL,
    score BIGINT,
    examiners TEXT NOT NULL,
    decision_no TEXT,
    decided_on TEXT,
    period_from TEXT,
    period_to TEXT,
    announced_on TEXT,
    reported_on TEXT,
    concluded_on TEXT,
    closed_on TEXT,
    conclusion TEXT,
    batch_id TEXT,
    back_collection BIGINT NOT NULL,
    interest BIGINT NOT NULL,
    recovery BIGINT NOT NULL,
    workers BIGINT NOT NULL,
    criminal BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX compliance_cases_employer ON compliance_cases (employer_code, decided_on);
CREATE INDEX compliance_cases_decided ON compliance_cases (decided_on, province);

CREATE TABLE compliance_case_events (
    case_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    on_date TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

CREATE TABLE compliance_findings (
    case_id TEXT NOT NULL,
    finding_no BIGINT NOT NULL,
    kind TEXT NOT NULL,
    person_sin TEXT NOT NULL,
    from_month TEXT NOT NULL,
    to_month TEXT NOT NULL,
    declared_salary BIGINT NOT NULL,
    actual_salary BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, finding_no)
) WITHOUT ROWID;

CREATE TABLE compliance_sanctions (
    case_id TEXT NOT NULL,
    sanction_no BIGINT NOT NULL,
    violation TEXT NOT NULL,
    offender TEXT NOT NULL,
    amount BIGINT NOT NULL,
    workers BIGINT NOT NULL,
    fine_min BIGINT NOT NULL,
    fine_max BIGINT NOT NULL,
    fine BIGINT NOT NULL,
    decision_no TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    criminal_clause BIGINT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, sanction_no)
) WITHOUT ROWID;

CREATE TABLE compliance_payments (
    case_id TEXT NOT NULL,
    reference TEXT NOT NULL,
    what TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    amount BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, reference)
) WITHOUT ROWID;

CREATE TABLE external_headcounts (
    employer_code TEXT NOT NULL,
    as_of TEXT NOT NULL,
    headcount BIGINT NOT NULL,
    ownership TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (employer_code, as_of)
) WITHOUT ROWID;
