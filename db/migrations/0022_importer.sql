-- compatible: new tables only.
-- The importer (issue 18, the import half; docs/import.md): InvenTree's
-- DataImportSession, DataImportColumnMap and DataImportRow.  A session is
-- one uploaded file for one model (model_type, InvenTree's model name); its
-- rows hold the cells as read (row_data, a JSON object by column), the
-- values mapped onto the model's fields (data), and the errors the
-- model's own validation found (errors, DRF's shape).  JSON is stored as
-- text.  Described in domain/importer/importer.c; served by
-- cgi-bin/importer.c.

CREATE TABLE import_session (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	created		TEXT NOT NULL,
	user_id		INTEGER REFERENCES users(id) ON DELETE SET NULL,
	model_type	TEXT NOT NULL CHECK (length(model_type) BETWEEN 1 AND 100),
	data_file	TEXT NOT NULL CHECK (length(data_file) <= 255),
	encoding	TEXT NOT NULL DEFAULT '' CHECK (length(encoding) <= 20),
	delimiter	TEXT NOT NULL DEFAULT '' CHECK (length(delimiter) <= 1),
	-- InvenTree's DataImportStatusCode: 0 initial, 10 mapping,
	-- 20 importing, 30 processing (rows to review), 40 complete.
	status		INTEGER NOT NULL DEFAULT 10
			CHECK (status IN (0, 10, 20, 30, 40)),
	columns		TEXT NOT NULL DEFAULT '[]',
	field_defaults	TEXT NOT NULL DEFAULT '{}',
	field_overrides	TEXT NOT NULL DEFAULT '{}',
	-- Rows with an id (or, without one, whose model's first key -- a
	-- part's IPN -- names one row) update that row (InvenTree's
	-- update_records).
	update_records	INTEGER NOT NULL DEFAULT 0 CHECK (update_records IN (0, 1)),
	row_count	INTEGER NOT NULL DEFAULT 0,
	completed_row_count INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX import_session_user ON import_session(user_id);

CREATE TABLE import_column_map (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	session		INTEGER NOT NULL REFERENCES import_session(id)
			ON DELETE CASCADE,
	field		TEXT NOT NULL CHECK (length(field) BETWEEN 1 AND 100),
	col_name	TEXT NOT NULL DEFAULT '' CHECK (length(col_name) <= 100),
	UNIQUE (session, field)
) STRICT;

CREATE TABLE import_row (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	session		INTEGER NOT NULL REFERENCES import_session(id)
			ON DELETE CASCADE,
	row_index	INTEGER NOT NULL,
	row_data	TEXT NOT NULL DEFAULT '{}',
	data		TEXT NOT NULL DEFAULT '{}',
	errors		TEXT NOT NULL DEFAULT '{}',
	valid		INTEGER NOT NULL DEFAULT 0 CHECK (valid IN (0, 1)),
	complete	INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
	UNIQUE (session, row_index)
) STRICT;
