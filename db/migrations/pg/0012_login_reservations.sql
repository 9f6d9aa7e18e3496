-- compatible: programs built for schema 11 may run on it (the column has
-- a default, and they never need to write it).
-- PostgreSQL twin of db/migrations/0012_login_reservations.sql: a sign-in
-- attempt is counted, pending, before its password is checked (issue 21).
ALTER TABLE login_attempts ADD COLUMN pending bigint NOT NULL DEFAULT 0
	CHECK (pending IN (0, 1));
CREATE INDEX login_attempts_pending ON login_attempts(time) WHERE pending = 1;
