-- compatible: programs built for schema 34 may run on it (one column with
-- a default).
-- PostgreSQL twin of db/migrations/0035_import_sheet.sql: the name of the
-- sheet of an uploaded XLSX workbook that was read; '' for a CSV file.
ALTER TABLE import_session ADD COLUMN sheet text COLLATE "C" NOT NULL DEFAULT ''
	CHECK (length(sheet) <= 128);
