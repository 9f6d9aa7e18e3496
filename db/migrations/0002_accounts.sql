-- Accounts: users, groups and their rule sets, API tokens, browser sessions,
-- the audit log and failed sign-in attempts (for throttling).
--
-- Secrets are never stored plain: passwords as scrypt MCF strings, session
-- ids and API keys as a keyed digest (64 hex digits).  Times that are
-- compared (expiry, throttling windows) are Unix seconds; times that are
-- shown are ISO 8601 text.

CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	username	TEXT NOT NULL UNIQUE COLLATE NOCASE
			CHECK (length(username) BETWEEN 1 AND 150),
	email		TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254),
	first_name	TEXT NOT NULL DEFAULT '' CHECK (length(first_name) <= 150),
	last_name	TEXT NOT NULL DEFAULT '' CHECK (length(last_name) <= 150),
	-- scrypt MCF string; '' means no password sign-in.
	password	TEXT NOT NULL DEFAULT '' CHECK (length(password) <= 256),
	is_active	INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
	is_staff	INTEGER NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1)),
	is_superuser	INTEGER NOT NULL DEFAULT 0 CHECK (is_superuser IN (0, 1)),
	date_joined	TEXT NOT NULL
			DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
			CHECK (length(date_joined) <= 32),
	last_login	TEXT CHECK (last_login IS NULL OR length(last_login) <= 32),
	-- Bumped to end every session and API token of the user at once.
	token_version	INTEGER NOT NULL DEFAULT 1 CHECK (token_version >= 1)
) STRICT;

CREATE TABLE groups (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE COLLATE NOCASE
			CHECK (length(name) BETWEEN 1 AND 150)
) STRICT;

CREATE TABLE user_groups (
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	group_id	INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, group_id)
) STRICT;
CREATE INDEX user_groups_group ON user_groups(group_id);

-- One rule set per group and area (InvenTree's RuleSet).  Stored with the
-- implications already applied (add/change/delete imply view, add/delete
-- imply change).
CREATE TABLE group_rules (
	group_id	INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
	area		TEXT NOT NULL CHECK (area IN ('admin', 'part_category',
			'part', 'stock_location', 'stock', 'build',
			'purchase_order', 'sales_order', 'return_order')),
	can_view	INTEGER NOT NULL DEFAULT 0 CHECK (can_view IN (0, 1)),
	can_add		INTEGER NOT NULL DEFAULT 0 CHECK (can_add IN (0, 1)),
	can_change	INTEGER NOT NULL DEFAULT 0 CHECK (can_change IN (0, 1)),
	can_delete	INTEGER NOT NULL DEFAULT 0 CHECK (can_delete IN (0, 1)),
	PRIMARY KEY (group_id, area)
) STRICT;

CREATE TABLE api_tokens (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	digest		TEXT NOT NULL UNIQUE CHECK (length(digest) = 64),
	token_version	INTEGER NOT NULL,
	created		TEXT NOT NULL
			DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	expiry		TEXT NOT NULL CHECK (length(expiry) = 10),
	last_seen	INTEGER,
	revoked		INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE sessions (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	digest		TEXT NOT NULL UNIQUE CHECK (length(digest) = 64),
	token_version	INTEGER NOT NULL,
	created		INTEGER NOT NULL,
	expires		INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL,
	remote_addr	TEXT NOT NULL DEFAULT ''
			CHECK (length(remote_addr) <= 64)
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires);

-- Who did what.  user_id is not a foreign key: entries outlive users.
CREATE TABLE audit_log (
	id		INTEGER PRIMARY KEY,
	time		TEXT NOT NULL
			DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	user_id		INTEGER,
	username	TEXT NOT NULL DEFAULT '' CHECK (length(username) <= 150),
	action		TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 40),
	target		TEXT NOT NULL DEFAULT '' CHECK (length(target) <= 300),
	remote_addr	TEXT NOT NULL DEFAULT ''
			CHECK (length(remote_addr) <= 64),
	request_id	TEXT NOT NULL DEFAULT ''
			CHECK (length(request_id) <= 64)
) STRICT;
CREATE INDEX audit_log_user ON audit_log(user_id, id);
CREATE INDEX audit_log_action ON audit_log(action, id);

-- Failed sign-ins, for throttling; rows older than the window are pruned.
CREATE TABLE login_attempts (
	id		INTEGER PRIMARY KEY,
	username	TEXT NOT NULL COLLATE NOCASE
			CHECK (length(username) <= 150),
	remote_addr	TEXT NOT NULL CHECK (length(remote_addr) <= 64),
	time		INTEGER NOT NULL
) STRICT;
CREATE INDEX login_attempts_username ON login_attempts(username, time);
CREATE INDEX login_attempts_addr ON login_attempts(remote_addr, time);
