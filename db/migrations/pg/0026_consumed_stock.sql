-- PostgreSQL twin of db/migrations/0026_consumed_stock.sql (stock
-- consumed by a build order: consumed_by, and "in stock" without it).
-- See the SQLite migration for the why; the trigger functions of 0003
-- and 0010 are replaced with the same change, and sr_in_stock() takes
-- consumed_by.

ALTER TABLE stock_item ADD COLUMN consumed_by bigint
	REFERENCES build(id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE;
CREATE INDEX stock_item_consumed_by ON stock_item(consumed_by)
	WHERE consumed_by IS NOT NULL;

DROP INDEX stock_item_in_stock;
CREATE INDEX stock_item_in_stock ON stock_item(id)
	WHERE +status IN (10, 50, 55, 85) AND quantity > 0 AND
	consumed_by IS NULL;

-- A part's in_stock and stock_count (0003's trigger functions).
CREATE OR REPLACE FUNCTION stock_item_ai() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE part SET stock_count = stock_count + 1,
	    in_stock = in_stock + CASE WHEN new.status IN (10, 50, 55, 85)
		AND new.consumed_by IS NULL THEN new.quantity ELSE 0 END
	    WHERE id = new.part;
	RETURN NULL;
END;
$$;
DROP TRIGGER stock_item_ai ON stock_item;
CREATE TRIGGER stock_item_ai AFTER INSERT ON stock_item
	FOR EACH ROW EXECUTE FUNCTION stock_item_ai();

CREATE OR REPLACE FUNCTION stock_item_ad() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE part SET stock_count = stock_count - 1,
	    in_stock = in_stock - CASE WHEN old.status IN (10, 50, 55, 85)
		AND old.consumed_by IS NULL THEN old.quantity ELSE 0 END
	    WHERE id = old.part;
	RETURN NULL;
END;
$$;
DROP TRIGGER stock_item_ad ON stock_item;
CREATE TRIGGER stock_item_ad AFTER DELETE ON stock_item
	FOR EACH ROW EXECUTE FUNCTION stock_item_ad();

CREATE OR REPLACE FUNCTION stock_item_au() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE part SET stock_count = stock_count - 1,
	    in_stock = in_stock - CASE WHEN old.status IN (10, 50, 55, 85)
		AND old.consumed_by IS NULL THEN old.quantity ELSE 0 END
	    WHERE id = old.part;
	UPDATE part SET stock_count = stock_count + 1,
	    in_stock = in_stock + CASE WHEN new.status IN (10, 50, 55, 85)
		AND new.consumed_by IS NULL THEN new.quantity ELSE 0 END
	    WHERE id = new.part;
	RETURN NULL;
END;
$$;
DROP TRIGGER stock_item_au ON stock_item;
CREATE TRIGGER stock_item_au AFTER UPDATE OF part, quantity, status,
	consumed_by
	ON stock_item FOR EACH ROW EXECUTE FUNCTION stock_item_au();

-- The tallies (0010's trigger functions).  In stock, as
-- stock_item_in_stock's condition says (0 or 1).
CREATE FUNCTION sr_in_stock(status bigint, quantity bigint,
    consumed_by bigint)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((status = 10 OR status = 50 OR status = 55 OR status = 85) AND
    quantity > 0 AND consumed_by IS NULL)::integer;

CREATE OR REPLACE FUNCTION stock_item_tally_ai() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	stocked	integer := sr_in_stock(new.status, new.quantity,
	    new.consumed_by);
BEGIN
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW('stock_item', 0, 1)::tally
	    UNION ALL SELECT ROW('stock_item.status', new.status, 1)::tally
	    UNION ALL SELECT ROW('stock_item.in_stock', 0, 1)::tally
	    WHERE stocked = 1
	    UNION ALL SELECT ROW('stock_location.items', ancestor, 1)::tally
	    FROM stock_location_tree WHERE descendant = new.location
	    UNION ALL SELECT ROW('stock_location.in_stock', ancestor, 1)::tally
	    FROM stock_location_tree WHERE descendant = new.location
	    AND stocked = 1
	    UNION ALL SELECT ROW('part_category.items', t.ancestor, 1)::tally
	    FROM part p, part_category_tree t
	    WHERE p.id = new.part AND t.descendant = p.category));
	RETURN NULL;
END;
$$;
DROP TRIGGER stock_item_tally_ai ON stock_item;
CREATE TRIGGER stock_item_tally_ai AFTER INSERT ON stock_item
	FOR EACH ROW EXECUTE FUNCTION stock_item_tally_ai();

CREATE OR REPLACE FUNCTION stock_item_tally_ad() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	stocked	integer := sr_in_stock(old.status, old.quantity,
	    old.consumed_by);
BEGIN
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW('stock_item', 0, -1)::tally
	    UNION ALL SELECT ROW('stock_item.status', old.status, -1)::tally
	    UNION ALL SELECT ROW('stock_item.in_stock', 0, -1)::tally
	    WHERE stocked = 1
	    UNION ALL SELECT ROW('stock_location.items', ancestor, -1)::tally
	    FROM stock_location_tree WHERE descendant = old.location
	    UNION ALL SELECT ROW('stock_location.in_stock', ancestor, -1)::tally
	    FROM stock_location_tree WHERE descendant = old.location
	    AND stocked = 1
	    UNION ALL SELECT ROW('part_category.items', t.ancestor, -1)::tally
	    FROM part p, part_category_tree t
	    WHERE p.id = old.part AND t.descendant = p.category));
	RETURN NULL;
END;
$$;
DROP TRIGGER stock_item_tally_ad ON stock_item;
CREATE TRIGGER stock_item_tally_ad AFTER DELETE ON stock_item
	FOR EACH ROW EXECUTE FUNCTION stock_item_tally_ad();

CREATE OR REPLACE FUNCTION stock_item_tally_au() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	was	integer := sr_in_stock(old.status, old.quantity,
	    old.consumed_by);
	is_now	integer := sr_in_stock(new.status, new.quantity,
	    new.consumed_by);
	moved	boolean := old.location IS DISTINCT FROM new.location;
BEGIN
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW('stock_item.status', old.status, -1)::tally
	    WHERE old.status IS DISTINCT FROM new.status
	    UNION ALL SELECT ROW('stock_item.status', new.status, 1)::tally
	    WHERE old.status IS DISTINCT FROM new.status
	    UNION ALL SELECT ROW('stock_item.in_stock', 0, is_now - was)::tally
	    WHERE is_now <> was
	    UNION ALL SELECT ROW('stock_location.items', ancestor, -1)::tally
	    FROM stock_location_tree WHERE descendant = old.location AND moved
	    UNION ALL SELECT ROW('stock_location.items', ancestor, 1)::tally
	    FROM stock_location_tree WHERE descendant = new.location AND moved
	    UNION ALL SELECT ROW('stock_location.in_stock', ancestor, -1)::tally
	    FROM stock_location_tree WHERE descendant = old.location
	    AND was = 1 AND (moved OR is_now = 0)
	    UNION ALL SELECT ROW('stock_location.in_stock', ancestor, 1)::tally
	    FROM stock_location_tree WHERE descendant = new.location
	    AND is_now = 1 AND (moved OR was = 0)
	    UNION ALL SELECT ROW('part_category.items', t.ancestor, -1)::tally
	    FROM part p, part_category_tree t
	    WHERE p.id = old.part AND t.descendant = p.category
	    AND old.part IS DISTINCT FROM new.part
	    UNION ALL SELECT ROW('part_category.items', t.ancestor, 1)::tally
	    FROM part p, part_category_tree t
	    WHERE p.id = new.part AND t.descendant = p.category
	    AND old.part IS DISTINCT FROM new.part));
	RETURN NULL;
END;
$$;
DROP TRIGGER stock_item_tally_au ON stock_item;
CREATE TRIGGER stock_item_tally_au
	AFTER UPDATE OF part, location, status, quantity, consumed_by
	ON stock_item
	FOR EACH ROW WHEN (old.part IS DISTINCT FROM new.part OR
	    old.location IS DISTINCT FROM new.location OR
	    old.status IS DISTINCT FROM new.status OR
	    (old.quantity > 0) IS DISTINCT FROM (new.quantity > 0) OR
	    old.consumed_by IS DISTINCT FROM new.consumed_by)
	EXECUTE FUNCTION stock_item_tally_au();

DROP FUNCTION sr_in_stock(bigint, bigint);
