-- A run reads back the adjustment lines it wrote (lines of earlier months) to rebuild its
-- dues; lines of the run's own month are read through contribution_lines_month. Indexing only
-- the adjustments spares the run one index insert per line (a third of its writing work).
DROP INDEX contribution_lines_run;
CREATE INDEX contribution_lines_adjustments ON contribution_lines (run_month, person_sin, employment_id)
    WHERE month <> run_month;
