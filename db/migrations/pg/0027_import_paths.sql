-- compatible: one column with a default.
-- PostgreSQL twin of db/migrations/0027_import_paths.sql.
-- The importer's create_paths (issue 18; docs/import.md): a row that names
-- a category or location by a path that does not exist yet
-- ("Electronics/Passives/Capacitors") creates the missing nodes of the
-- path when the session was uploaded with create_paths.
ALTER TABLE import_session ADD COLUMN create_paths bigint NOT NULL DEFAULT 0
	CHECK (create_paths IN (0, 1));
