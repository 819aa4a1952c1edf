-- A payment recorded by mistake is corrected by a reversal entry, never by deleting or editing
-- it: a new row of the opposite amount whose `reverses` names the payment's reference.
ALTER TABLE payments ADD COLUMN reverses TEXT;
-- A payment is reversed once, even by two clerks at the same moment.
CREATE UNIQUE INDEX payments_reversed_once ON payments (employer_code, reverses) WHERE reverses IS NOT NULL;
