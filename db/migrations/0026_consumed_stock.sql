-- Stock consumed by a build order (issue 16), kept as InvenTree keeps it:
-- what a completed output or a finished (or cancelled, with
-- remove_allocated_stock) build consumed is a stock item of its own,
-- split off the allocated item when it is only part of it, with
-- consumed_by naming the build, no location, and out of stock whatever
-- its status (domain/inventory/stock.c, stock_consume()).  InvenTree
-- deletes it with its build (on_delete CASCADE).
--
-- "In stock" gains "and not consumed": the partial index
-- stock_item_in_stock (migration 0007, repeated word for word by the
-- filter in domain/inventory/stock.c), the triggers that keep a part's
-- in_stock (0003) and the tallies (0010) are made again with it.  Not
-- compatible: the programs before it count consumed items in stock.

ALTER TABLE stock_item ADD COLUMN consumed_by INTEGER
	REFERENCES build(id) ON DELETE CASCADE;
CREATE INDEX stock_item_consumed_by ON stock_item(consumed_by)
	WHERE consumed_by IS NOT NULL;

DROP INDEX stock_item_in_stock;
CREATE INDEX stock_item_in_stock ON stock_item(id)
	WHERE +status IN (10, 50, 55, 85) AND quantity > 0 AND
	consumed_by IS NULL;

-- A part's in_stock and stock_count (0003's triggers).
DROP TRIGGER stock_item_ai;
DROP TRIGGER stock_item_ad;
DROP TRIGGER stock_item_au;
CREATE TRIGGER stock_item_ai AFTER INSERT ON stock_item BEGIN
	UPDATE part SET stock_count = stock_count + 1,
	    in_stock = in_stock + CASE WHEN new.status IN (10, 50, 55, 85)
		AND new.consumed_by IS NULL THEN new.quantity ELSE 0 END
	    WHERE id = new.part;
END;
CREATE TRIGGER stock_item_ad AFTER DELETE ON stock_item BEGIN
	UPDATE part SET stock_count = stock_count - 1,
	    in_stock = in_stock - CASE WHEN old.status IN (10, 50, 55, 85)
		AND old.consumed_by IS NULL THEN old.quantity ELSE 0 END
	    WHERE id = old.part;
END;
CREATE TRIGGER stock_item_au AFTER UPDATE OF part, quantity, status,
    consumed_by
    ON stock_item BEGIN
	UPDATE part SET stock_count = stock_count - 1,
	    in_stock = in_stock - CASE WHEN old.status IN (10, 50, 55, 85)
		AND old.consumed_by IS NULL THEN old.quantity ELSE 0 END
	    WHERE id = old.part;
	UPDATE part SET stock_count = stock_count + 1,
	    in_stock = in_stock + CASE WHEN new.status IN (10, 50, 55, 85)
		AND new.consumed_by IS NULL THEN new.quantity ELSE 0 END
	    WHERE id = new.part;
END;

-- The tallies (0010's triggers).
DROP TRIGGER stock_item_tally_ai;
DROP TRIGGER stock_item_tally_ad;
DROP TRIGGER stock_item_tally_au;
CREATE TRIGGER stock_item_tally_ai AFTER INSERT ON stock_item BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'stock_item', 0, 1 WHERE 1
	    UNION ALL SELECT 'stock_item.status', new.status, 1 WHERE 1
	    UNION ALL SELECT 'stock_item.in_stock', 0, 1
	    WHERE (new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0 AND new.consumed_by IS NULL
	    UNION ALL SELECT 'stock_location.items', ancestor, 1
	    FROM stock_location_tree WHERE descendant = new.location
	    UNION ALL SELECT 'stock_location.in_stock', ancestor, 1
	    FROM stock_location_tree WHERE descendant = new.location
	    AND (new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0 AND new.consumed_by IS NULL
	    UNION ALL SELECT 'part_category.items', t.ancestor, 1
	    FROM part p, part_category_tree t
	    WHERE p.id = new.part AND t.descendant = p.category
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER stock_item_tally_ad AFTER DELETE ON stock_item BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'stock_item', 0, -1 WHERE 1
	    UNION ALL SELECT 'stock_item.status', old.status, -1 WHERE 1
	    UNION ALL SELECT 'stock_item.in_stock', 0, -1
	    WHERE (old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0 AND old.consumed_by IS NULL
	    UNION ALL SELECT 'stock_location.items', ancestor, -1
	    FROM stock_location_tree WHERE descendant = old.location
	    UNION ALL SELECT 'stock_location.in_stock', ancestor, -1
	    FROM stock_location_tree WHERE descendant = old.location
	    AND (old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0 AND old.consumed_by IS NULL
	    UNION ALL SELECT 'part_category.items', t.ancestor, -1
	    FROM part p, part_category_tree t
	    WHERE p.id = old.part AND t.descendant = p.category
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER stock_item_tally_au
    AFTER UPDATE OF part, location, status, quantity, consumed_by
    ON stock_item
    WHEN old.part IS NOT new.part OR old.location IS NOT new.location OR
	old.status IS NOT new.status OR
	(old.quantity > 0) IS NOT (new.quantity > 0) OR
	old.consumed_by IS NOT new.consumed_by BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'stock_item.status', old.status, -1
	    WHERE old.status IS NOT new.status
	    UNION ALL SELECT 'stock_item.status', new.status, 1
	    WHERE old.status IS NOT new.status
	    UNION ALL SELECT 'stock_item.in_stock', 0,
		((new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0 AND new.consumed_by IS NULL) -
		((old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0 AND old.consumed_by IS NULL)
	    WHERE ((new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0 AND new.consumed_by IS NULL) IS NOT
		((old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0 AND old.consumed_by IS NULL)
	    UNION ALL SELECT 'stock_location.items', ancestor, -1
	    FROM stock_location_tree WHERE descendant = old.location
	    AND old.location IS NOT new.location
	    UNION ALL SELECT 'stock_location.items', ancestor, 1
	    FROM stock_location_tree WHERE descendant = new.location
	    AND old.location IS NOT new.location
	    UNION ALL SELECT 'stock_location.in_stock', ancestor, -1
	    FROM stock_location_tree WHERE descendant = old.location
	    AND (old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0 AND old.consumed_by IS NULL
	    AND (old.location IS NOT new.location OR NOT
		((new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0 AND new.consumed_by IS NULL))
	    UNION ALL SELECT 'stock_location.in_stock', ancestor, 1
	    FROM stock_location_tree WHERE descendant = new.location
	    AND (new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0 AND new.consumed_by IS NULL
	    AND (old.location IS NOT new.location OR NOT
		((old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0 AND old.consumed_by IS NULL))
	    UNION ALL SELECT 'part_category.items', t.ancestor, -1
	    FROM part p, part_category_tree t
	    WHERE p.id = old.part AND t.descendant = p.category
	    AND old.part IS NOT new.part
	    UNION ALL SELECT 'part_category.items', t.ancestor, 1
	    FROM part p, part_category_tree t
	    WHERE p.id = new.part AND t.descendant = p.category
	    AND old.part IS NOT new.part
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
