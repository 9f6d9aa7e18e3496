-- compatible: programs built for schema 19 may run on it (new tables only).
-- Build orders, the second half (issue 16): the lines a build needs (its
-- part's BOM x its quantity, made when the build is created), the stock
-- allocated to them, and the outputs.  The program is
-- domain/manufacturing/output.c; the API cgi-bin/build.c.
--
-- Decimals count 10^-5 (lib/dec.h).  The rule a column cannot say -- no
-- stock item is allocated beyond its quantity, summed over every build --
-- is the program's, checked under the write lock (db_begin()).

-- InvenTree's BuildLine: one per BOM line of the build's part; quantity is
-- what the build needs (with the setup quantity and attrition), consumed
-- what its completed outputs and the finish took.
CREATE TABLE build_line (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	build		INTEGER NOT NULL REFERENCES build(id) ON DELETE CASCADE,
	bom_item	INTEGER NOT NULL REFERENCES bom_item(id) ON DELETE CASCADE,
	quantity	INTEGER NOT NULL DEFAULT 0
			CHECK (quantity BETWEEN 0 AND 999999999999999),
	consumed	INTEGER NOT NULL DEFAULT 0
			CHECK (consumed BETWEEN 0 AND 999999999999999),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE UNIQUE INDEX build_line_identity ON build_line(build, bom_item);
-- The lines of a build in the list's order.
CREATE INDEX build_line_build ON build_line(build, id);
CREATE INDEX build_line_bom_item ON build_line(bom_item);

-- A build's outputs: in production (state 1) until completed (2, the
-- stock item it became in stock_item) or scrapped (3, a rejected item).
CREATE TABLE build_output (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	build		INTEGER NOT NULL REFERENCES build(id) ON DELETE CASCADE,
	quantity	INTEGER NOT NULL
			CHECK (quantity BETWEEN 1 AND 999999999999999),
	batch		TEXT NOT NULL DEFAULT '' CHECK (length(batch) <= 100),
	serial		TEXT NOT NULL DEFAULT '' CHECK (length(serial) <= 100),
	state		INTEGER NOT NULL DEFAULT 1 CHECK (state IN (1, 2, 3)),
	stock_item	INTEGER REFERENCES stock_item(id) ON DELETE SET NULL,
	completion_date	TEXT CHECK (completion_date IS NULL OR
			length(completion_date) = 10),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX build_output_build ON build_output(build, id);
CREATE INDEX build_output_stock_item ON build_output(stock_item)
	WHERE stock_item IS NOT NULL;

-- InvenTree's BuildItem: stock allocated to a line (and, for a tracked
-- component, to one output: install_into).  part is the stock item's,
-- kept here so that a part's allocated total is one index range.
CREATE TABLE build_item (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	build_line	INTEGER NOT NULL REFERENCES build_line(id)
			ON DELETE CASCADE,
	stock_item	INTEGER NOT NULL REFERENCES stock_item(id)
			ON DELETE CASCADE,
	part		INTEGER NOT NULL REFERENCES part(id) ON DELETE CASCADE,
	install_into	INTEGER REFERENCES build_output(id) ON DELETE CASCADE,
	quantity	INTEGER NOT NULL
			CHECK (quantity BETWEEN 1 AND 999999999999999),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX build_item_line ON build_item(build_line, id);
CREATE INDEX build_item_stock_item ON build_item(stock_item);
CREATE INDEX build_item_part ON build_item(part);
CREATE INDEX build_item_install_into ON build_item(install_into)
	WHERE install_into IS NOT NULL;

-- The open builds of the first slice get their lines.
INSERT INTO build_line (build, bom_item, quantity)
	SELECT b.id, i.id, i.quantity * (b.quantity / 100000) *
	    (10000000 + i.attrition) / 10000000 + i.setup_quantity
	FROM build b JOIN bom_item i ON i.part = b.part
	WHERE b.status IN (10, 20, 25);
