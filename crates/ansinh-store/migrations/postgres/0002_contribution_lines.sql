-- The contribution record ("social insurance book"): one line per employment and month, and one more
-- per later adjustment (truy thu or refund) holding only the difference. Never updated.
-- Distribution key: person_sin.
CREATE TABLE contribution_lines (
    person_sin TEXT NOT NULL,
    employment_id TEXT NOT NULL,
    month TEXT NOT NULL,
    version BIGINT NOT NULL,
    employer_code TEXT NOT NULL,
    run_month TEXT NOT NULL,
    salary_seq BIGINT NOT NULL,
    salary BIGINT NOT NULL,
    base_social BIGINT NOT NULL,
    base_unemployment BIGINT NOT NULL,
    employee_sickness_maternity BIGINT NOT NULL,
    employee_pension_survivor BIGINT NOT NULL,
    employee_occupational BIGINT NOT NULL,
    employee_health BIGINT NOT NULL,
    employee_unemployment BIGINT NOT NULL,
    employer_sickness_maternity BIGINT NOT NULL,
    employer_pension_survivor BIGINT NOT NULL,
    employer_occupational BIGINT NOT NULL,
    employer_health BIGINT NOT NULL,
    employer_unemployment BIGINT NOT NULL,
    total BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_sin, employment_id, month, version)
);
CREATE INDEX contribution_lines_employer ON contribution_lines (employer_code, run_month);
