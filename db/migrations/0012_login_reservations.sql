-- compatible: programs built for schema 11 may run on it (the column has
-- a default, and they never need to write it).
-- A sign-in attempt is counted before its password is checked (issue 21):
-- the row is written, pending, in the transaction that finds the client
-- under its limits, and only then is the password hashed.  A failed check
-- keeps the row (pending = 0); a good one deletes it.  A pending row whose
-- process died stays a failure until it leaves the window, and stops
-- counting as a check in flight after AUTH_CHECK_STALE seconds.
ALTER TABLE login_attempts ADD COLUMN pending INTEGER NOT NULL DEFAULT 0
	CHECK (pending IN (0, 1));
CREATE INDEX login_attempts_pending ON login_attempts(time) WHERE pending = 1;
