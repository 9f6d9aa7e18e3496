-- compatible: programs built for schema 28 may run on it (new tables only).
-- Plugins (issue 20; docs/plugins.md): the programs themselves are folders
-- of PLUGINS_DIR, found on disk; the database holds only what a superuser
-- decides about them: whether each is active, and its settings (and
-- when a scheduled plugin runs next; the plugin_schedule task, added to
-- task_schedule when the first scheduled plugin is activated, queues
-- its runs).  (A
-- run's failure is recorded in the data directory, not here: a vetoed
-- write rolls back.)  A plugin with no row here was never activated, and
-- never runs.

CREATE TABLE plugin (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	slug		TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 50),
	active		INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
	next_run	INTEGER NOT NULL DEFAULT 0,	-- a scheduled plugin's
	created		INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

CREATE TABLE plugin_setting (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	plugin		INTEGER NOT NULL REFERENCES plugin(id) ON DELETE CASCADE,
	key		TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 50),
	value		TEXT NOT NULL DEFAULT '' CHECK (length(value) <= 2000),
	UNIQUE (plugin, key)
) STRICT;
