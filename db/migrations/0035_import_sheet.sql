-- compatible: programs built for schema 34 may run on it (one column with
-- a default).
-- The importer's sheet (issue 18; docs/import.md): the name of the sheet of
-- an uploaded XLSX workbook that was read (the one it opens at); '' for a
-- CSV or TSV file.
ALTER TABLE import_session ADD COLUMN sheet TEXT NOT NULL DEFAULT ''
	CHECK (length(sheet) <= 128);
