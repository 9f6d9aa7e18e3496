-- compatible: programs built for schema 13 may run on it (a new table that
-- they never read).
-- PostgreSQL twin of db/migrations/0013_settings.sql: settings per user.
CREATE TABLE user_setting (
	user_id	bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE
		DEFERRABLE INITIALLY IMMEDIATE,
	key	text COLLATE "C" NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
	value	text COLLATE "C" NOT NULL CHECK (length(value) <= 10000),
	PRIMARY KEY (user_id, key)
);
