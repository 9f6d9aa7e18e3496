-- compatible: one column with a default.
-- The importer's create_paths (issue 18; docs/import.md): a row that names
-- a category or location by a path that does not exist yet
-- ("Electronics/Passives/Capacitors") creates the missing nodes of the
-- path when the session was uploaded with create_paths.
ALTER TABLE import_session ADD COLUMN create_paths INTEGER NOT NULL DEFAULT 0
	CHECK (create_paths IN (0, 1));
