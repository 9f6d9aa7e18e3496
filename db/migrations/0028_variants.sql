-- compatible: programs built for schema 27 may run on it (new columns with
-- defaults, a new table, and a wider CHECK on the tracking codes).
-- Part templates and variants (issue 17; docs/parameters.md, "Templates
-- and variants").
--
-- part.variant_of names the template a part is a variant of (InvenTree's
-- variant_of; only a template may have variants, checked by the program
-- with the rest of a part's rules).  part_variant_tree holds one row per
-- (ancestor, descendant) pair of the variant trees, a part NOT being its
-- own ancestor (unlike the category and location closures of migration
-- 0010): a part that is no variant and has none has no rows, which is
-- nearly every part.
--
-- part.variant_stock is what InvenTree's variant_stock annotation sums
-- row by row: the in-stock quantity of every variant below the part, at
-- any depth.  It is kept here, like in_stock, in the same transaction as
-- every change: a part's in_stock that changes changes its ancestors'
-- variant_stock; a part that moves to another template takes its
-- subtree's stock (its in_stock and variant_stock) from the old
-- ancestors to the new.  total_in_stock is in_stock + variant_stock.

ALTER TABLE part ADD COLUMN variant_of INTEGER
	REFERENCES part(id) ON DELETE SET NULL;
ALTER TABLE part ADD COLUMN variant_stock INTEGER NOT NULL DEFAULT 0
	CHECK (variant_stock >= 0);
CREATE INDEX part_variant_of ON part(variant_of);

CREATE TABLE part_variant_tree (
	ancestor	INTEGER NOT NULL,
	descendant	INTEGER NOT NULL,
	PRIMARY KEY (ancestor, descendant)
) STRICT, WITHOUT ROWID;
CREATE INDEX part_variant_tree_up ON part_variant_tree(descendant, ancestor);

-- A new part that is a variant is below its template and the template's
-- ancestors.
CREATE TRIGGER part_variant_ai AFTER INSERT ON part
    WHEN new.variant_of IS NOT NULL BEGIN
	INSERT INTO part_variant_tree (ancestor, descendant)
	    SELECT new.variant_of, new.id WHERE TRUE
	    UNION ALL SELECT ancestor, new.id FROM part_variant_tree
	    WHERE descendant = new.variant_of;
	UPDATE part SET variant_stock = variant_stock + new.in_stock
	    WHERE new.in_stock <> 0 AND id IN (SELECT ancestor
		FROM part_variant_tree WHERE descendant = new.id);
END;

-- A part that moves takes its subtree and the subtree's stock along: the
-- stock leaves the old ancestors, the old ancestors' pairs with the
-- subtree go, the new ancestors' pairs come, and the stock arrives.
CREATE TRIGGER part_variant_au AFTER UPDATE OF variant_of ON part
    WHEN old.variant_of IS NOT new.variant_of BEGIN
	UPDATE part SET variant_stock = variant_stock -
	    (new.in_stock + new.variant_stock)
	    WHERE id IN (SELECT ancestor FROM part_variant_tree
		WHERE descendant = new.id);
	DELETE FROM part_variant_tree
	    WHERE ancestor IN (SELECT ancestor FROM part_variant_tree
		WHERE descendant = new.id)
	    AND (descendant = new.id OR descendant IN (SELECT descendant
		FROM part_variant_tree WHERE ancestor = new.id));
	INSERT INTO part_variant_tree (ancestor, descendant)
	    SELECT a.ancestor, d.descendant FROM
		(SELECT new.variant_of AS ancestor WHERE new.variant_of IS
		    NOT NULL UNION ALL SELECT ancestor FROM part_variant_tree
		    WHERE descendant = new.variant_of) a,
		(SELECT new.id AS descendant WHERE TRUE UNION ALL
		    SELECT descendant FROM part_variant_tree
		    WHERE ancestor = new.id) d;
	UPDATE part SET variant_stock = variant_stock +
	    (new.in_stock + new.variant_stock)
	    WHERE id IN (SELECT ancestor FROM part_variant_tree
		WHERE descendant = new.id);
END;

-- The stock of a part counts in its ancestors' variant stock.
CREATE TRIGGER part_variant_stock AFTER UPDATE OF in_stock ON part
    WHEN old.in_stock <> new.in_stock BEGIN
	UPDATE part SET variant_stock = variant_stock +
	    (new.in_stock - old.in_stock)
	    WHERE id IN (SELECT ancestor FROM part_variant_tree
		WHERE descendant = new.id);
END;

-- A part that goes: its stock leaves its ancestors and its pairs go.  Its
-- variants become parts of their own by the foreign key's SET NULL
-- (InvenTree's), each moving as above, before or after this (either
-- order leaves the same pairs and counts); its items go by their cascade
-- when no part is left to count them in.
CREATE TRIGGER part_variant_ad AFTER DELETE ON part BEGIN
	UPDATE part SET variant_stock = variant_stock - old.in_stock
	    WHERE old.in_stock <> 0 AND id IN (SELECT ancestor
		FROM part_variant_tree WHERE descendant = old.id);
	DELETE FROM part_variant_tree
	    WHERE descendant = old.id OR ancestor = old.id;
END;

-- The tracking code of a stock item converted to a variant
-- (CONVERTED_TO_VARIANT, 48): the table made again with the wider CHECK
-- (SQLite changes no CHECK in place), its rows, indexes and count
-- triggers as they were.
CREATE TABLE stock_tracking_new (
	id		INTEGER PRIMARY KEY,
	item		INTEGER NOT NULL REFERENCES stock_item(id) ON DELETE CASCADE,
	date		TEXT NOT NULL
			DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	tracking_type	INTEGER NOT NULL CHECK (tracking_type IN
			    (1, 5, 10, 11, 12, 15, 20, 25, 40, 42, 45, 48, 70)),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
	user		INTEGER REFERENCES users(id) ON DELETE SET NULL,
	deltas		TEXT NOT NULL DEFAULT '{}' CHECK (length(deltas) <= 10000)
) STRICT;
INSERT INTO stock_tracking_new (id, item, date, tracking_type, notes, user,
    deltas)
	SELECT id, item, date, tracking_type, notes, user, deltas
	FROM stock_tracking;
DROP TABLE stock_tracking;
ALTER TABLE stock_tracking_new RENAME TO stock_tracking;
CREATE INDEX stock_tracking_item ON stock_tracking(item, id);
CREATE INDEX stock_tracking_user ON stock_tracking(user);
CREATE TRIGGER stock_tracking_tally_ai AFTER INSERT ON stock_tracking BEGIN
	INSERT INTO tally (name, id, n) VALUES ('stock_tracking', 0, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER stock_tracking_tally_ad AFTER DELETE ON stock_tracking BEGIN
	INSERT INTO tally (name, id, n) VALUES ('stock_tracking', 0, -1)
	    ON CONFLICT DO UPDATE SET n = n - 1;
END;

-- KiCad's HTTP library (docs/kicad.md): the categories it shows, each
-- with how its parts become KiCad symbols -- the default symbol,
-- footprint and reference designator, and the parameter templates whose
-- value on a part overrides the symbol and footprint and gives the value
-- field (else the part's name).
CREATE TABLE kicad_category (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	category	INTEGER NOT NULL UNIQUE REFERENCES part_category(id)
			ON DELETE CASCADE,
	symbol		TEXT NOT NULL DEFAULT '' CHECK (length(symbol) <= 255),
	footprint	TEXT NOT NULL DEFAULT '' CHECK (length(footprint) <= 255),
	reference	TEXT NOT NULL DEFAULT '' CHECK (length(reference) <= 10),
	symbol_template	INTEGER REFERENCES parameter_template(id)
			ON DELETE SET NULL,
	footprint_template INTEGER REFERENCES parameter_template(id)
			ON DELETE SET NULL,
	value_template	INTEGER REFERENCES parameter_template(id)
			ON DELETE SET NULL,
	exclude_from_sim INTEGER NOT NULL DEFAULT 1
			CHECK (exclude_from_sim IN (0, 1))
) STRICT;

-- Custom units (InvenTree's /api/units/; docs/parameters.md): a name and
-- an optional symbol, each taking the SI prefixes, defined as a number
-- and a unit udunits2 knows; the parameter values' parser knows them
-- after its own.
CREATE TABLE custom_unit (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	name		TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
	symbol		TEXT NOT NULL DEFAULT '' CHECK (length(symbol) <= 10),
	definition	TEXT NOT NULL CHECK (length(definition) BETWEEN 1 AND 50)
) STRICT;
