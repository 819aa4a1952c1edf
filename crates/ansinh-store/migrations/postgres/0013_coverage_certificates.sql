-- Certificates of coverage under a bilateral agreement (issue 22; Vietnam–Korea agreement,
-- in force 1 Jan 2024). inbound: issued by the other country's liaison body (Korea's NPS) for a
-- worker in Vietnam who stays under its legislation — the months it covers are not charged to
-- the pension-survivor fund; outbound: issued by Vietnam Social Security for a Vietnamese worker
-- posted abroad who stays under Vietnamese legislation. Append-only: a certificate is never
-- edited. Distribution key: person_sin.
CREATE TABLE coverage_certificates (
    person_sin TEXT NOT NULL,
    certificate_no TEXT NOT NULL,
    direction TEXT NOT NULL,
    country TEXT NOT NULL,
    kind TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    sending_employer TEXT NOT NULL,
    host_employer TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (person_sin, certificate_no)
);
CREATE INDEX coverage_certificates_register ON coverage_certificates (direction, valid_from);
-- Periods insured in the other country, as its liaison body reported them (totalisation).
CREATE TABLE foreign_periods (
    person_sin TEXT NOT NULL,
    country TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    months BIGINT NOT NULL,
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (person_sin, country, period_from)
);
