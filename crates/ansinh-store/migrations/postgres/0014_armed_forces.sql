-- The armed forces' scheme (issue 22): periods of service of servicemen administered by the
-- Ministry of National Defence's social insurance office (BHXH Quân đội), the contributions its
-- monthly run computes (the Ministry's for conscripts and cadets; the serviceman's and the
-- unit's for salaried servicemen), the relatives it insures (form 02/BHYT-QĐ), and periods
-- verified from another record (a transfer from the armed forces, a period before the
-- registry) with their source. Distribution key: person_sin.
CREATE TABLE service_periods (
    person_sin TEXT NOT NULL,
    period_id TEXT NOT NULL,
    participant TEXT NOT NULL,
    unit TEXT NOT NULL,
    enlisted TEXT NOT NULL,
    discharged TEXT,
    salary BIGINT,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (person_sin, period_id)
);
CREATE TABLE service_contributions (
    person_sin TEXT NOT NULL,
    period_id TEXT NOT NULL,
    month TEXT NOT NULL,
    base BIGINT NOT NULL,
    employee BIGINT NOT NULL,
    employer BIGINT NOT NULL,
    state BIGINT NOT NULL,
    total BIGINT NOT NULL,
    run_at TEXT NOT NULL,
    PRIMARY KEY (person_sin, period_id, month)
);
CREATE INDEX service_contributions_month ON service_contributions (month);
CREATE TABLE service_relatives (
    person_sin TEXT NOT NULL,
    relative_no BIGINT NOT NULL,
    relation TEXT NOT NULL,
    name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    personal_id TEXT NOT NULL,
    in_high_school BIGINT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (person_sin, relative_no)
);
CREATE TABLE verified_periods (
    person_sin TEXT NOT NULL,
    reference TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    months BIGINT NOT NULL,
    salary BIGINT NOT NULL,
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (person_sin, reference, period_from)
);
