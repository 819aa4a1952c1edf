-- Written urgings to pay (văn bản đôn đốc, L41 Art. 35), per employer and contribution month.
-- Append-only; distribution key: employer_code.
CREATE TABLE urgings (
    employer_code TEXT NOT NULL,
    month TEXT NOT NULL,
    reference TEXT NOT NULL,
    urged_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (employer_code, month, reference)
);
