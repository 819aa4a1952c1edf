-- Payments received from employers (bank transfers). Append-only; a correction is a new entry
-- (a negative amount with its own reference). Distribution key: employer_code.
CREATE TABLE payments (
    employer_code TEXT NOT NULL,
    reference TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    amount BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (employer_code, reference)
);
