-- compatible: programs built for schema 9 may run on it (it adds tables and
-- triggers; the triggers keep the counts whichever program writes).
-- PostgreSQL twin of db/migrations/0010_tallies.sql.
--
-- Counts that do not walk rows (issue 22): closure tables of the two trees
-- and tallies kept by triggers in the same transaction as every change.
--
-- stock_location_tree and part_category_tree hold one row per (ancestor,
-- descendant) pair of a tree, a node being its own ancestor: a subtree is
-- one range of the primary key (WHERE ancestor = ?), a node's ancestors
-- one range of the second index (WHERE descendant = ?).  The cascading
-- filters read them; so do the triggers below that add an item to every
-- location above it.  The materialised path (migration 0003) stays: it
-- orders and names the nodes, and 'stockroom check' counts from it.
--
-- tally holds counts, one row per (name, id); see the SQLite migration for
-- the list.  A missing row counts 0.  "In stock" is the condition of the
-- partial index stock_item_in_stock (migration 0007): status OK,
-- attention, damaged or returned, and a quantity above zero.  Every count
-- is changed by an upsert of +n or -n, so no row needs to exist beforehand.
--
-- Differences from the SQLite text, same effect:
--   * WITHOUT ROWID is dropped: PostgreSQL tables have no rowid to drop.
--   * SQLite applies an INSERT ... ON CONFLICT DO UPDATE row by row, so
--     one statement may add -1 and +1 to the same count (an item moving
--     between two locations under a common ancestor).  PostgreSQL refuses
--     to update a row twice in one statement: the trigger functions sum
--     the changes per (name, id) first (sr_tally_add), which leaves every
--     count as SQLite leaves it, a row of 0 included.
--   * A condition SQLite uses as 0 or 1 is cast to integer; IS NOT between
--     values is IS DISTINCT FROM.

CREATE TABLE stock_location_tree (
	ancestor	bigint NOT NULL,
	descendant	bigint NOT NULL,
	PRIMARY KEY (ancestor, descendant)
);
CREATE INDEX stock_location_tree_up
	ON stock_location_tree(descendant, ancestor);

CREATE TABLE part_category_tree (
	ancestor	bigint NOT NULL,
	descendant	bigint NOT NULL,
	PRIMARY KEY (ancestor, descendant)
);
CREATE INDEX part_category_tree_up ON part_category_tree(descendant, ancestor);

-- Keyed by id first: a location's two counts (all, in stock) share a page.
CREATE TABLE tally (
	name	text COLLATE "C" NOT NULL,
	id	bigint NOT NULL,
	n	bigint NOT NULL,
	PRIMARY KEY (id, name)
);

-- ---- the existing rows ------------------------------------------------

INSERT INTO stock_location_tree (ancestor, descendant)
	SELECT a.id, d.id FROM stock_location a, stock_location d
	WHERE d.path >= a.path AND d.path < a.path || '~';
INSERT INTO part_category_tree (ancestor, descendant)
	SELECT a.id, d.id FROM part_category a, part_category d
	WHERE d.path >= a.path AND d.path < a.path || '~';

INSERT INTO tally (name, id, n) SELECT 'part', 0, count(*) FROM part;
INSERT INTO tally (name, id, n)
	SELECT 'stock_item', 0, count(*) FROM stock_item;
INSERT INTO tally (name, id, n)
	SELECT 'stock_tracking', 0, count(*) FROM stock_tracking;
INSERT INTO tally (name, id, n)
	SELECT 'stock_item.in_stock', 0, count(*) FROM stock_item
	WHERE +status IN (10, 50, 55, 85) AND quantity > 0;
INSERT INTO tally (name, id, n)
	SELECT 'stock_item.status', status, count(*) FROM stock_item
	GROUP BY status;
INSERT INTO tally (name, id, n)
	SELECT 'stock_location.items', t.ancestor, sum(c.items)
	FROM (SELECT location, count(*) AS items FROM stock_item
	    WHERE location IS NOT NULL GROUP BY location) c
	JOIN stock_location_tree t ON t.descendant = c.location
	GROUP BY t.ancestor;
INSERT INTO tally (name, id, n)
	SELECT 'stock_location.in_stock', t.ancestor, sum(c.items)
	FROM (SELECT location, count(*) AS items FROM stock_item
	    WHERE location IS NOT NULL AND +status IN (10, 50, 55, 85) AND
	    quantity > 0 GROUP BY location) c
	JOIN stock_location_tree t ON t.descendant = c.location
	GROUP BY t.ancestor;
INSERT INTO tally (name, id, n)
	SELECT 'part_category.parts', t.ancestor, sum(c.parts)
	FROM (SELECT category, count(*) AS parts FROM part
	    WHERE category IS NOT NULL GROUP BY category) c
	JOIN part_category_tree t ON t.descendant = c.category
	GROUP BY t.ancestor;
INSERT INTO tally (name, id, n)
	SELECT 'part_category.items', t.ancestor, sum(c.items)
	FROM (SELECT category, sum(stock_count) AS items FROM part
	    WHERE category IS NOT NULL GROUP BY category) c
	JOIN part_category_tree t ON t.descendant = c.category
	GROUP BY t.ancestor;

-- Adds each change (name, id, n) to its count, summed per count first.
CREATE FUNCTION sr_tally_add(changes tally[])
RETURNS void
LANGUAGE sql
AS $$
	INSERT INTO tally (name, id, n)
	    SELECT c.name, c.id, sum(c.n) FROM unnest(changes) AS c
	    GROUP BY c.name, c.id
	    ON CONFLICT (id, name) DO UPDATE SET n = tally.n + excluded.n;
$$;

-- ---- the trees ----------------------------------------------------------

-- A new node is below its parent's ancestors and itself.
CREATE FUNCTION stock_location_tree_ai() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO stock_location_tree (ancestor, descendant)
	    SELECT new.id, new.id
	    UNION ALL SELECT ancestor, new.id FROM stock_location_tree
	    WHERE descendant = new.parent;
	RETURN NULL;
END;
$$;
CREATE TRIGGER stock_location_tree_ai AFTER INSERT ON stock_location
	FOR EACH ROW EXECUTE FUNCTION stock_location_tree_ai();

-- A node that moves takes its subtree and the subtree's counts along: the
-- counts leave the old ancestors, the pairs of the old ancestors with the
-- subtree go, the new ancestors' pairs come, and the counts arrive.
CREATE FUNCTION stock_location_tree_au() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW(s.name, t.ancestor, -s.n)::tally
	    FROM tally s, stock_location_tree t
	    WHERE s.name IN ('stock_location.items', 'stock_location.in_stock')
	    AND s.id = new.id AND s.n <> 0 AND t.descendant = old.parent));
	DELETE FROM stock_location_tree
	    WHERE descendant IN (SELECT descendant FROM stock_location_tree
		WHERE ancestor = new.id)
	    AND ancestor IN (SELECT ancestor FROM stock_location_tree
		WHERE descendant = old.parent);
	INSERT INTO stock_location_tree (ancestor, descendant)
	    SELECT a.ancestor, d.descendant
	    FROM stock_location_tree a, stock_location_tree d
	    WHERE a.descendant = new.parent AND d.ancestor = new.id;
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW(s.name, t.ancestor, s.n)::tally
	    FROM tally s, stock_location_tree t
	    WHERE s.name IN ('stock_location.items', 'stock_location.in_stock')
	    AND s.id = new.id AND s.n <> 0 AND t.descendant = new.parent));
	RETURN NULL;
END;
$$;
CREATE TRIGGER stock_location_tree_au AFTER UPDATE OF parent ON stock_location
	FOR EACH ROW WHEN (old.parent IS DISTINCT FROM new.parent)
	EXECUTE FUNCTION stock_location_tree_au();

-- Nodes are deleted leaves first, emptied (res_tree.c): only the node's
-- own pairs and counts are left to remove.
CREATE FUNCTION stock_location_tree_ad() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM stock_location_tree
	    WHERE descendant = old.id OR ancestor = old.id;
	DELETE FROM tally WHERE name IN ('stock_location.items',
	    'stock_location.in_stock') AND id = old.id;
	RETURN NULL;
END;
$$;
CREATE TRIGGER stock_location_tree_ad AFTER DELETE ON stock_location
	FOR EACH ROW EXECUTE FUNCTION stock_location_tree_ad();

CREATE FUNCTION part_category_tree_ai() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO part_category_tree (ancestor, descendant)
	    SELECT new.id, new.id
	    UNION ALL SELECT ancestor, new.id FROM part_category_tree
	    WHERE descendant = new.parent;
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_category_tree_ai AFTER INSERT ON part_category
	FOR EACH ROW EXECUTE FUNCTION part_category_tree_ai();

CREATE FUNCTION part_category_tree_au() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW(s.name, t.ancestor, -s.n)::tally
	    FROM tally s, part_category_tree t
	    WHERE s.name IN ('part_category.parts', 'part_category.items')
	    AND s.id = new.id AND s.n <> 0 AND t.descendant = old.parent));
	DELETE FROM part_category_tree
	    WHERE descendant IN (SELECT descendant FROM part_category_tree
		WHERE ancestor = new.id)
	    AND ancestor IN (SELECT ancestor FROM part_category_tree
		WHERE descendant = old.parent);
	INSERT INTO part_category_tree (ancestor, descendant)
	    SELECT a.ancestor, d.descendant
	    FROM part_category_tree a, part_category_tree d
	    WHERE a.descendant = new.parent AND d.ancestor = new.id;
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW(s.name, t.ancestor, s.n)::tally
	    FROM tally s, part_category_tree t
	    WHERE s.name IN ('part_category.parts', 'part_category.items')
	    AND s.id = new.id AND s.n <> 0 AND t.descendant = new.parent));
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_category_tree_au AFTER UPDATE OF parent ON part_category
	FOR EACH ROW WHEN (old.parent IS DISTINCT FROM new.parent)
	EXECUTE FUNCTION part_category_tree_au();

CREATE FUNCTION part_category_tree_ad() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM part_category_tree
	    WHERE descendant = old.id OR ancestor = old.id;
	DELETE FROM tally WHERE name IN ('part_category.parts',
	    'part_category.items') AND id = old.id;
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_category_tree_ad AFTER DELETE ON part_category
	FOR EACH ROW EXECUTE FUNCTION part_category_tree_ad();

-- ---- parts ----------------------------------------------------------------

CREATE FUNCTION part_tally_ai() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW('part', 0, 1)::tally
	    UNION ALL SELECT ROW('part_category.parts', ancestor, 1)::tally
	    FROM part_category_tree WHERE descendant = new.category));
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_tally_ai AFTER INSERT ON part
	FOR EACH ROW EXECUTE FUNCTION part_tally_ai();

-- Before the row goes: a part's items are deleted by the foreign key's
-- cascade after it, when their triggers no longer find the part's
-- category, so the part takes its items' counts from its categories here.
CREATE FUNCTION part_tally_bd() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW('part', 0, -1)::tally
	    UNION ALL SELECT ROW('part_category.parts', ancestor, -1)::tally
	    FROM part_category_tree WHERE descendant = old.category
	    UNION ALL SELECT ROW('part_category.items', ancestor,
		-old.stock_count)::tally
	    FROM part_category_tree WHERE descendant = old.category
	    AND old.stock_count <> 0));
	RETURN old;
END;
$$;
CREATE TRIGGER part_tally_bd BEFORE DELETE ON part
	FOR EACH ROW EXECUTE FUNCTION part_tally_bd();

CREATE FUNCTION part_tally_au() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW('part_category.parts', ancestor, -1)::tally
	    FROM part_category_tree WHERE descendant = old.category
	    UNION ALL SELECT ROW('part_category.items', ancestor,
		-old.stock_count)::tally
	    FROM part_category_tree WHERE descendant = old.category
	    AND old.stock_count <> 0
	    UNION ALL SELECT ROW('part_category.parts', ancestor, 1)::tally
	    FROM part_category_tree WHERE descendant = new.category
	    UNION ALL SELECT ROW('part_category.items', ancestor,
		new.stock_count)::tally
	    FROM part_category_tree WHERE descendant = new.category
	    AND new.stock_count <> 0));
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_tally_au AFTER UPDATE OF category ON part
	FOR EACH ROW WHEN (old.category IS DISTINCT FROM new.category)
	EXECUTE FUNCTION part_tally_au();

-- ---- stock items ----------------------------------------------------------

-- In stock, as stock_item_in_stock's condition says (0 or 1).
CREATE FUNCTION sr_in_stock(status bigint, quantity bigint)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((status = 10 OR status = 50 OR status = 55 OR status = 85) AND
    quantity > 0)::integer;

CREATE FUNCTION stock_item_tally_ai() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	stocked	integer := sr_in_stock(new.status, new.quantity);
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
CREATE TRIGGER stock_item_tally_ai AFTER INSERT ON stock_item
	FOR EACH ROW EXECUTE FUNCTION stock_item_tally_ai();

-- (When the part itself is being deleted, the part is gone and its
-- categories' counts were taken by part_tally_bd.)
CREATE FUNCTION stock_item_tally_ad() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	stocked	integer := sr_in_stock(old.status, old.quantity);
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
CREATE TRIGGER stock_item_tally_ad AFTER DELETE ON stock_item
	FOR EACH ROW EXECUTE FUNCTION stock_item_tally_ad();

-- Only a change of what is counted costs anything: a quantity that stays
-- above zero (most adjustments) does not fire this.
CREATE FUNCTION stock_item_tally_au() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	was	integer := sr_in_stock(old.status, old.quantity);
	is_now	integer := sr_in_stock(new.status, new.quantity);
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
CREATE TRIGGER stock_item_tally_au
	AFTER UPDATE OF part, location, status, quantity ON stock_item
	FOR EACH ROW WHEN (old.part IS DISTINCT FROM new.part OR
	    old.location IS DISTINCT FROM new.location OR
	    old.status IS DISTINCT FROM new.status OR
	    (old.quantity > 0) IS DISTINCT FROM (new.quantity > 0))
	EXECUTE FUNCTION stock_item_tally_au();

-- ---- tracking -------------------------------------------------------------

CREATE FUNCTION stock_tracking_tally_ai() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tally (name, id, n) VALUES ('stock_tracking', 0, 1)
	    ON CONFLICT (id, name) DO UPDATE SET n = tally.n + 1;
	RETURN NULL;
END;
$$;
CREATE TRIGGER stock_tracking_tally_ai AFTER INSERT ON stock_tracking
	FOR EACH ROW EXECUTE FUNCTION stock_tracking_tally_ai();

CREATE FUNCTION stock_tracking_tally_ad() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tally (name, id, n) VALUES ('stock_tracking', 0, -1)
	    ON CONFLICT (id, name) DO UPDATE SET n = tally.n - 1;
	RETURN NULL;
END;
$$;
CREATE TRIGGER stock_tracking_tally_ad AFTER DELETE ON stock_tracking
	FOR EACH ROW EXECUTE FUNCTION stock_tracking_tally_ad();
