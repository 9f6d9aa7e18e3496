-- compatible: programs built for schema 33 may run on it (the same tables,
-- columns, codes and kept figures; triggers and a CHECK that do the same
-- work with fewer instructions).
-- What a new stock item and a tracking entry cost (issue 15: a receive of
-- ten lines makes ten of each, all under the write lock).  SQLite makes a
-- temporary b-tree of the constants of "x IN (a, b, c, ...)" (more than
-- two) each time it runs one: once a row in a trigger or a CHECK, about
-- 30,000 instructions each time, more than the rest of the test.  The same
-- tests written as ORs cost a few hundred.
--
-- A part's in_stock and stock_count (0026's triggers), the in-stock test
-- as ORs; the partial index stock_item_in_stock and stock_item's own
-- CHECK on status keep their IN (an index's condition is what the queries
-- match word for word, and stock_item cannot be made again here: other
-- tables cascade from it).
DROP TRIGGER stock_item_ai;
DROP TRIGGER stock_item_ad;
DROP TRIGGER stock_item_au;
CREATE TRIGGER stock_item_ai AFTER INSERT ON stock_item BEGIN
	UPDATE part SET stock_count = stock_count + 1,
	    in_stock = in_stock + CASE WHEN (new.status = 10 OR
		new.status = 50 OR new.status = 55 OR new.status = 85)
		AND new.consumed_by IS NULL THEN new.quantity ELSE 0 END
	    WHERE id = new.part;
END;
CREATE TRIGGER stock_item_ad AFTER DELETE ON stock_item BEGIN
	UPDATE part SET stock_count = stock_count - 1,
	    in_stock = in_stock - CASE WHEN (old.status = 10 OR
		old.status = 50 OR old.status = 55 OR old.status = 85)
		AND old.consumed_by IS NULL THEN old.quantity ELSE 0 END
	    WHERE id = old.part;
END;
CREATE TRIGGER stock_item_au AFTER UPDATE OF part, quantity, status,
    consumed_by
    ON stock_item BEGIN
	UPDATE part SET stock_count = stock_count - 1,
	    in_stock = in_stock - CASE WHEN (old.status = 10 OR
		old.status = 50 OR old.status = 55 OR old.status = 85)
		AND old.consumed_by IS NULL THEN old.quantity ELSE 0 END
	    WHERE id = old.part;
	UPDATE part SET stock_count = stock_count + 1,
	    in_stock = in_stock + CASE WHEN (new.status = 10 OR
		new.status = 50 OR new.status = 55 OR new.status = 85)
		AND new.consumed_by IS NULL THEN new.quantity ELSE 0 END
	    WHERE id = new.part;
END;

-- The stock of a part counts in its ancestors' variant stock (0028): only
-- a variant has ancestors (part_variant_tree has rows with descendant X
-- exactly when X's variant_of is set, as 0028's triggers keep it), so
-- the others skip the UPDATE, whose "id IN (SELECT ...)" makes a
-- temporary b-tree at each run even when the set is empty.
DROP TRIGGER part_variant_stock;
CREATE TRIGGER part_variant_stock AFTER UPDATE OF in_stock ON part
    WHEN old.in_stock <> new.in_stock AND new.variant_of IS NOT NULL BEGIN
	UPDATE part SET variant_stock = variant_stock +
	    (new.in_stock - old.in_stock)
	    WHERE id IN (SELECT ancestor FROM part_variant_tree
		WHERE descendant = new.id);
END;

-- The tracking codes' CHECK as ORs: the table made again (SQLite changes
-- no CHECK in place), its rows, indexes and count triggers as they were
-- (0031).
CREATE TABLE stock_tracking_new (
	id		INTEGER PRIMARY KEY,
	item		INTEGER NOT NULL REFERENCES stock_item(id) ON DELETE CASCADE,
	date		TEXT NOT NULL
			DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	tracking_type	INTEGER NOT NULL CHECK (tracking_type = 1 OR
			    tracking_type = 5 OR tracking_type = 10 OR
			    tracking_type = 11 OR tracking_type = 12 OR
			    tracking_type = 15 OR tracking_type = 20 OR
			    tracking_type = 25 OR tracking_type = 40 OR
			    tracking_type = 42 OR tracking_type = 45 OR
			    tracking_type = 48 OR tracking_type = 55 OR
			    tracking_type = 56 OR tracking_type = 57 OR
			    tracking_type = 70),
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
