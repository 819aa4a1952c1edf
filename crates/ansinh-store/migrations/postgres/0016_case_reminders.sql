-- Reminders (đôn đốc) sent to a unit that has not yet paid what an examination's conclusion
-- recommended (issue 20, recovery). Distribution key: the case's employer, through case_id.
CREATE TABLE compliance_reminders (
    case_id TEXT NOT NULL,
    reminder_no BIGINT NOT NULL,
    sent_on TEXT NOT NULL,
    channel TEXT NOT NULL,
    reference TEXT NOT NULL,
    outstanding BIGINT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, reminder_no)
);
