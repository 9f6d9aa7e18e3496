-- The task queue: work done after a request, by whichever runner gets to
-- it first (see lib/task.h): `worker --once` from cron, `worker` in a loop,
-- or a program after it has answered.  A runner claims a due task with one
-- UPDATE ... RETURNING, which SQLite runs under its write lock, so no two
-- runners ever hold the same task; the claim is a lease that ends at
-- claimed_until, after which a task whose runner died is claimable again.

CREATE TABLE task (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
	-- A JSON object (json_valid() cannot be used here: connections run
	-- with trusted_schema = OFF); a runner fails a task whose args are not.
	args		TEXT NOT NULL DEFAULT '{}' CHECK (length(args) <= 10000),
	status		TEXT NOT NULL DEFAULT 'pending'
			CHECK (status IN ('pending', 'running', 'done', 'failed')),
	run_at		INTEGER NOT NULL DEFAULT (unixepoch()),
	attempts	INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	max_attempts	INTEGER NOT NULL DEFAULT 5
			CHECK (max_attempts BETWEEN 1 AND 100),
	claim		TEXT CHECK (claim IS NULL OR length(claim) = 32),
	claimed_by	TEXT NOT NULL DEFAULT '' CHECK (length(claimed_by) <= 64),
	claimed_until	INTEGER,
	last_error	TEXT NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
	created		INTEGER NOT NULL DEFAULT (unixepoch()),
	updated		INTEGER NOT NULL DEFAULT (unixepoch()),
	finished	INTEGER
) STRICT;
CREATE INDEX task_due ON task(status, run_at);

-- Periodic tasks: a runner enqueues name when next_run has passed.
CREATE TABLE task_schedule (
	name		TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
	every		INTEGER NOT NULL CHECK (every >= 60),
	next_run	INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO task_schedule (name, every) VALUES
	('backup', 86400),
	('expire', 3600),
	('media_sweep', 3600);

-- When each kind of runner was last seen (for /api/'s worker_running) and,
-- for the after-response runner, when it last started (at most once a
-- minute).
CREATE TABLE task_runner (
	name		TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
	last_seen	INTEGER NOT NULL DEFAULT 0,
	last_start	INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO task_runner (name) VALUES ('worker'), ('backoffice');
