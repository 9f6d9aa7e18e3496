-- compatible: programs built for schema 20 may run on it (new tables only).
-- Parameters with real units (issue 17, the first slice): InvenTree's
-- ParameterTemplate, its Parameter of a part and its
-- PartCategoryParameterTemplate.  The resources are described in
-- domain/inventory/parameter.c; the API is cgi-bin/part.c; the units
-- (docs/parameters.md) are domain/inventory/units.c's.
--
-- A template's units are text as the user wrote them ("ohm", "kΩ", "V",
-- ""), checked by the program to be a unit.  A parameter keeps the text
-- it was given (data) and, when that is a quantity, its value in the
-- template's units (data_numeric, rounded to 12 significant digits so
-- that "100nF" and "0.1 µF" are one number); the parts of a range filter
-- are found by the index on (template, data_numeric).

CREATE TABLE parameter_template (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	name		TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
	units		TEXT NOT NULL DEFAULT '' CHECK (length(units) <= 25),
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 250),
	checkbox	INTEGER NOT NULL DEFAULT 0 CHECK (checkbox IN (0, 1)),
	choices		TEXT NOT NULL DEFAULT '' CHECK (length(choices) <= 5000),
	enabled		INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;

-- One parameter per part and template (InvenTree's unique_together).
CREATE TABLE part_parameter (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	part		INTEGER NOT NULL REFERENCES part(id) ON DELETE CASCADE,
	template	INTEGER NOT NULL REFERENCES parameter_template(id)
			ON DELETE CASCADE,
	data		TEXT NOT NULL CHECK (length(data) <= 500),
	data_numeric	REAL,
	note		TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
	updated		TEXT,
	updated_by	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE UNIQUE INDEX part_parameter_identity ON part_parameter(part, template);
CREATE INDEX part_parameter_numeric
	ON part_parameter(template, data_numeric, part);
CREATE INDEX part_parameter_data ON part_parameter(template, data, part);
CREATE INDEX part_parameter_updated_by ON part_parameter(updated_by);

-- The parameters a new part in a category starts with.
CREATE TABLE category_parameter_template (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	category	INTEGER NOT NULL REFERENCES part_category(id)
			ON DELETE CASCADE,
	template	INTEGER NOT NULL REFERENCES parameter_template(id)
			ON DELETE CASCADE,
	default_value	TEXT NOT NULL DEFAULT ''
			CHECK (length(default_value) <= 500),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE UNIQUE INDEX category_parameter_template_identity
	ON category_parameter_template(category, template);
CREATE INDEX category_parameter_template_template
	ON category_parameter_template(template);
