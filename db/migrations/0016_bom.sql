-- compatible: programs built for schema 15 may run on it (new tables only).
-- Bills of materials (issue 16, the BOM half): InvenTree's BomItem and
-- BomItemSubstitute, and the validation of a part's BOM (InvenTree keeps
-- bom_checksum, bom_validated, bom_checked_by and bom_checked_date on the
-- part; here they are a row of part_bom, so that the part table and its
-- lists are untouched).  The resources are described in
-- domain/inventory/bom.c; the API is cgi-bin/part.c.
--
-- Decimals (quantity, setup_quantity, attrition, rounding_multiple) are
-- integers counting 10^-5, as everywhere (lib/dec.h); attrition is a
-- percentage, 0 to 100.  The rules a column cannot say -- only assemblies
-- have BOMs, only components go in them, no part contains itself at any
-- depth -- are the program's (bom.c).

CREATE TABLE bom_item (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	part		INTEGER NOT NULL REFERENCES part(id) ON DELETE CASCADE,
	sub_part	INTEGER NOT NULL REFERENCES part(id) ON DELETE CASCADE,
	quantity	INTEGER NOT NULL DEFAULT 100000
			CHECK (quantity BETWEEN 0 AND 999999999999999),
	setup_quantity	INTEGER NOT NULL DEFAULT 0
			CHECK (setup_quantity BETWEEN 0 AND 999999999999999),
	attrition	INTEGER NOT NULL DEFAULT 0
			CHECK (attrition BETWEEN 0 AND 10000000),
	rounding_multiple INTEGER CHECK (rounding_multiple IS NULL OR
			rounding_multiple BETWEEN 0 AND 999999999999999),
	reference	TEXT NOT NULL DEFAULT '' CHECK (length(reference) <= 5000),
	note		TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
	optional	INTEGER NOT NULL DEFAULT 0 CHECK (optional IN (0, 1)),
	consumable	INTEGER NOT NULL DEFAULT 0 CHECK (consumable IN (0, 1)),
	allow_variants	INTEGER NOT NULL DEFAULT 0
			CHECK (allow_variants IN (0, 1)),
	inherited	INTEGER NOT NULL DEFAULT 0 CHECK (inherited IN (0, 1)),
	-- The line's checksum when it was last validated ('' when not), and
	-- whether it still matches the line (kept by the program).
	checksum	TEXT NOT NULL DEFAULT '' CHECK (length(checksum) <= 128),
	validated	INTEGER NOT NULL DEFAULT 0 CHECK (validated IN (0, 1)),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX bom_item_part ON bom_item(part, id);
CREATE INDEX bom_item_sub_part ON bom_item(sub_part);

-- InvenTree's unique_together (part, bom_item).
CREATE TABLE bom_item_substitute (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	bom_item	INTEGER NOT NULL REFERENCES bom_item(id) ON DELETE CASCADE,
	part		INTEGER NOT NULL REFERENCES part(id) ON DELETE CASCADE,
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE UNIQUE INDEX bom_item_substitute_identity
	ON bom_item_substitute(bom_item, part);
CREATE INDEX bom_item_substitute_part ON bom_item_substitute(part);

-- A part's BOM validation; no row: never validated.
CREATE TABLE part_bom (
	part		INTEGER PRIMARY KEY REFERENCES part(id) ON DELETE CASCADE,
	validated	INTEGER NOT NULL DEFAULT 0 CHECK (validated IN (0, 1)),
	checksum	TEXT NOT NULL DEFAULT '' CHECK (length(checksum) <= 128),
	checked_by	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	checked_date	TEXT CHECK (checked_date IS NULL OR
			length(checked_date) = 10)
) STRICT;
CREATE INDEX part_bom_checked_by ON part_bom(checked_by)
	WHERE checked_by IS NOT NULL;

-- Build orders (issue 16, the first slice of its second half): InvenTree's
-- Build, its reference (BO-0001, reference_int the number in it, for
-- ordering), its status (Pending 10, Production 20, On hold 25, Cancelled
-- 30, Complete 40) and dates.  Lines, allocations and outputs are not
-- here yet.  The resource is domain/manufacturing/build.c; the API
-- cgi-bin/build.c.
CREATE TABLE build (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	reference	TEXT NOT NULL UNIQUE
			CHECK (length(reference) BETWEEN 1 AND 64),
	reference_int	INTEGER NOT NULL DEFAULT 0,
	title		TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 100),
	part		INTEGER NOT NULL REFERENCES part(id) ON DELETE CASCADE,
	quantity	INTEGER NOT NULL
			CHECK (quantity BETWEEN 100000 AND 999999999999999),
	batch		TEXT CHECK (batch IS NULL OR length(batch) <= 100),
	parent		INTEGER REFERENCES build(id) ON DELETE SET NULL,
	take_from	INTEGER REFERENCES stock_location(id) ON DELETE SET NULL,
	destination	INTEGER REFERENCES stock_location(id) ON DELETE SET NULL,
	status		INTEGER NOT NULL DEFAULT 10
			CHECK (status IN (10, 20, 25, 30, 40)),
	creation_date	TEXT NOT NULL CHECK (length(creation_date) = 10),
	start_date	TEXT CHECK (start_date IS NULL OR length(start_date) = 10),
	target_date	TEXT CHECK (target_date IS NULL OR
			length(target_date) = 10),
	completion_date	TEXT CHECK (completion_date IS NULL OR
			length(completion_date) = 10),
	completed	INTEGER NOT NULL DEFAULT 0
			CHECK (completed BETWEEN 0 AND 999999999999999),
	issued_by	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	priority	INTEGER NOT NULL DEFAULT 0
			CHECK (priority BETWEEN 0 AND 999999999999999),
	external	INTEGER NOT NULL DEFAULT 0 CHECK (external IN (0, 1)),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 2000),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 50000),
	level		INTEGER NOT NULL DEFAULT 0 CHECK (level >= 0),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX build_part ON build(part);
CREATE INDEX build_parent ON build(parent) WHERE parent IS NOT NULL;
CREATE INDEX build_status ON build(status);
CREATE INDEX build_issued_by ON build(issued_by) WHERE issued_by IS NOT NULL;
CREATE INDEX build_take_from ON build(take_from) WHERE take_from IS NOT NULL;
CREATE INDEX build_destination ON build(destination)
	WHERE destination IS NOT NULL;
