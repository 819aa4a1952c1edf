-- A sign-in is recorded as a failure before its password is checked and the row removed when
-- it succeeds: concurrent guesses each see the ones before them, so no more than the limit
-- are ever checked (a count taken before the check let 40 concurrent guesses test 8).
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
CREATE INDEX login_failures_by_attempt ON login_failures (attempt);
-- Rejected declaration batches of an employer within a window (the budget of hire verdicts).
CREATE INDEX audit_by_entity_action ON audit_log (entity_kind, entity_id, action, at);
