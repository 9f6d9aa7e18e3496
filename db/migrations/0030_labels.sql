-- compatible: programs built for schema 29 may run on it (new tables only).
-- Labels (issue 19): InvenTree's label templates -- the built-in ones,
-- which label.cgi lays out and prints (cgi-bin/label.c, docs/labels.md) --
-- and the data outputs that printing makes (InvenTree's DataOutput: the
-- PDF is a stored file, media kind "label", that only its user may read).
--
-- A template is a label of width x height mm, either on a sheet (an A4
-- page of page_width x page_height mm holding ncols x nrows labels, the
-- first at margin_left, margin_top, each pitch_x, pitch_y from the last)
-- or, with ncols = nrows = 1 and the page the size of the label, one
-- label per page (a roll of 62 mm continuous tape).  fields says what a
-- label shows beside its code: a comma-separated list of name, ipn,
-- location, quantity; barcode is the code's symbology.

CREATE TABLE label_template (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 250),
	model_type	TEXT NOT NULL CHECK (model_type IN
			('part', 'stockitem', 'stocklocation')),
	filters		TEXT NOT NULL DEFAULT '' CHECK (length(filters) <= 250),
	filename_pattern TEXT NOT NULL DEFAULT 'label.pdf'
			CHECK (length(filename_pattern) <= 100),
	enabled		INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	revision	INTEGER NOT NULL DEFAULT 1,
	width		REAL NOT NULL CHECK (width >= 2),
	height		REAL NOT NULL CHECK (height >= 2),
	page_width	REAL NOT NULL,
	page_height	REAL NOT NULL,
	ncols		INTEGER NOT NULL DEFAULT 1 CHECK (ncols BETWEEN 1 AND 20),
	nrows		INTEGER NOT NULL DEFAULT 1 CHECK (nrows BETWEEN 1 AND 40),
	margin_left	REAL NOT NULL DEFAULT 0,
	margin_top	REAL NOT NULL DEFAULT 0,
	pitch_x		REAL NOT NULL DEFAULT 0,
	pitch_y		REAL NOT NULL DEFAULT 0,
	barcode		TEXT NOT NULL DEFAULT 'qr'
			CHECK (barcode IN ('qr', 'datamatrix')),
	fields		TEXT NOT NULL DEFAULT 'name' CHECK (length(fields) <= 100),
	updated		INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- The built-in templates: three A4 sheets of common sizes (Avery L7160
-- 3 x 7 of 63.5 x 38.1, L7163 2 x 7 of 99.1 x 38.1, L7651 5 x 13 of
-- 38.1 x 21.2) and 62 mm continuous tape cut at 29 mm, for each model.
INSERT INTO label_template (name, description, model_type, width, height,
    page_width, page_height, ncols, nrows, margin_left, margin_top, pitch_x,
    pitch_y, barcode, fields) VALUES
('Part, A4 3x7 (63.5x38.1 mm)', 'QR code, name and IPN; Avery L7160 sheet',
 'part', 63.5, 38.1, 210, 297, 3, 7, 7.2, 15.15, 66.0, 38.1, 'qr', 'name,ipn'),
('Part, A4 2x7 (99.1x38.1 mm)', 'QR code, name and IPN; Avery L7163 sheet',
 'part', 99.1, 38.1, 210, 297, 2, 7, 4.65, 15.15, 101.6, 38.1, 'qr', 'name,ipn'),
('Part, A4 5x13 (38.1x21.2 mm)', 'DataMatrix code and IPN; Avery L7651 sheet',
 'part', 38.1, 21.2, 210, 297, 5, 13, 4.75, 10.7, 40.6, 21.2, 'datamatrix', 'ipn'),
('Part, 62 mm continuous (62x29 mm)', 'QR code, name and IPN; one label a page',
 'part', 62, 29, 62, 29, 1, 1, 0, 0, 62, 29, 'qr', 'name,ipn'),
('Stock item, A4 3x7 (63.5x38.1 mm)', 'QR code, part, quantity and location; Avery L7160 sheet',
 'stockitem', 63.5, 38.1, 210, 297, 3, 7, 7.2, 15.15, 66.0, 38.1, 'qr', 'name,ipn,quantity,location'),
('Stock item, A4 2x7 (99.1x38.1 mm)', 'QR code, part, quantity and location; Avery L7163 sheet',
 'stockitem', 99.1, 38.1, 210, 297, 2, 7, 4.65, 15.15, 101.6, 38.1, 'qr', 'name,ipn,quantity,location'),
('Stock item, A4 5x13 (38.1x21.2 mm)', 'DataMatrix code and quantity; Avery L7651 sheet',
 'stockitem', 38.1, 21.2, 210, 297, 5, 13, 4.75, 10.7, 40.6, 21.2, 'datamatrix', 'name,quantity'),
('Stock item, 62 mm continuous (62x29 mm)', 'QR code, part, quantity and location; one label a page',
 'stockitem', 62, 29, 62, 29, 1, 1, 0, 0, 62, 29, 'qr', 'name,ipn,quantity,location'),
('Location, A4 3x7 (63.5x38.1 mm)', 'QR code and location path; Avery L7160 sheet',
 'stocklocation', 63.5, 38.1, 210, 297, 3, 7, 7.2, 15.15, 66.0, 38.1, 'qr', 'location'),
('Location, A4 2x7 (99.1x38.1 mm)', 'QR code and location path; Avery L7163 sheet',
 'stocklocation', 99.1, 38.1, 210, 297, 2, 7, 4.65, 15.15, 101.6, 38.1, 'qr', 'location'),
('Location, A4 5x13 (38.1x21.2 mm)', 'DataMatrix code and location name; Avery L7651 sheet',
 'stocklocation', 38.1, 21.2, 210, 297, 5, 13, 4.75, 10.7, 40.6, 21.2, 'datamatrix', 'name'),
('Location, 62 mm continuous (62x29 mm)', 'QR code and location path; one label a page',
 'stocklocation', 62, 29, 62, 29, 1, 1, 0, 0, 62, 29, 'qr', 'location');

-- InvenTree's DataOutput: one print.  output is the PDF's media path
-- (NULL until complete); errors a JSON value or NULL; owner the user who printed.
CREATE TABLE data_output (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	created		INTEGER NOT NULL DEFAULT (unixepoch()),
	owner		INTEGER REFERENCES users(id) ON DELETE CASCADE,
	total		INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),
	progress	INTEGER NOT NULL DEFAULT 0 CHECK (progress >= 0),
	complete	INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
	output_type	TEXT CHECK (length(output_type) <= 100),
	template_name	TEXT CHECK (length(template_name) <= 100),
	plugin		TEXT CHECK (length(plugin) <= 100),
	output		TEXT UNIQUE CHECK (length(output) <= 255),
	errors		TEXT
) STRICT;
CREATE INDEX data_output_user ON data_output(owner, id);

-- An output deleted (with its user) leaves its PDF to the media sweep.
CREATE TRIGGER data_output_orphan AFTER DELETE ON data_output
WHEN old.output IS NOT NULL BEGIN
	INSERT OR IGNORE INTO media_orphan (path) VALUES (old.output);
END;
