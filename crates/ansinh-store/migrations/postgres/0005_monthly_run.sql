-- The monthly run at national scale. Lines are written in person order; an index by employer
-- would take random inserts (every chunk dirtying every leaf page), so the per-employer view is a
-- summary table the run rebuilds for its run month at the end (derived data: never the record).
DROP INDEX contribution_lines_employer;
-- Lines of one month, and lines written by one run: both appended in key order by a run.
CREATE INDEX contribution_lines_month ON contribution_lines (month, person_sin, employment_id);
CREATE INDEX contribution_lines_run ON contribution_lines (run_month, person_sin, employment_id);

-- Dues per employer, run month and contribution month: the sum of the contribution lines written
-- by runs of `run_month` (month = run_month: the month's dues; earlier months: adjustments).
-- Distribution key: employer_code.
CREATE TABLE employer_dues (
    employer_code TEXT NOT NULL,
    run_month TEXT NOT NULL,
    month TEXT NOT NULL,
    -- Employments with a contribution for the month itself.
    headcount BIGINT NOT NULL,
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
    PRIMARY KEY (employer_code, run_month, month)
);
INSERT INTO employer_dues (employer_code, run_month, month, headcount, base_social, base_unemployment,
    employee_sickness_maternity, employee_pension_survivor, employee_occupational, employee_health,
    employee_unemployment, employer_sickness_maternity, employer_pension_survivor, employer_occupational,
    employer_health, employer_unemployment, total)
SELECT employer_code, run_month, month,
    SUM(CASE WHEN month = run_month AND total <> 0 THEN 1 ELSE 0 END),
    SUM(base_social), SUM(base_unemployment), SUM(employee_sickness_maternity),
    SUM(employee_pension_survivor), SUM(employee_occupational), SUM(employee_health),
    SUM(employee_unemployment), SUM(employer_sickness_maternity), SUM(employer_pension_survivor),
    SUM(employer_occupational), SUM(employer_health), SUM(employer_unemployment), SUM(total)
FROM contribution_lines GROUP BY employer_code, run_month, month;

-- Employments whose facts changed (a declaration of salary, leave or suspension) after they may
-- have been assessed: the next run re-checks their earlier months and removes the entry in the
-- same transaction as the adjustment lines. Distribution key: person_sin.
CREATE TABLE reassessment_queue (
    person_sin TEXT NOT NULL,
    employment_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_sin, employment_id, batch_id)
);
-- Existing lines were written when every earlier month was re-checked on each run: queue them all
-- once so that nothing is missed by the switch.
INSERT INTO reassessment_queue (person_sin, employment_id, batch_id, created_at)
SELECT DISTINCT person_sin, employment_id, 'migration-0005', '' FROM contribution_lines;

-- Runs of the monthly assessment: when started, when finished, and the outcome (JSON).
CREATE TABLE assessment_runs (
    run_month TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    summary TEXT
);
