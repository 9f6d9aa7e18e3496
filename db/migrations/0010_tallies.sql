-- compatible: programs built for schema 9 may run on it (it adds tables and
-- triggers; the triggers keep the counts whichever program writes).
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
-- tally holds counts, one row per (name, id):
--
--   part                    0         parts
--   stock_item              0         stock items
--   stock_tracking          0         tracking entries
--   stock_item.in_stock     0         items in stock (the in_stock filter)
--   stock_item.status       status    items with that status
--   stock_location.items    location  items in the location and below it
--   stock_location.in_stock location  of those, the items in stock
--   part_category.parts     category  parts in the category and below it
--   part_category.items     category  stock items of those parts
--
-- A missing row counts 0.  "In stock" is the condition of the partial
-- index stock_item_in_stock (migration 0007): status OK, attention,
-- damaged or returned, and a quantity above zero.  The triggers spell the
-- statuses out with OR: "status IN (10, 50, 55, 85)" builds an ephemeral
-- table each time it is evaluated, which tripled the cost of a status
-- change.  Every count is changed
-- by an upsert of +n or -n, so no row needs to exist beforehand.
-- 'stockroom check' compares every row with a count of the rows it stands
-- for.

CREATE TABLE stock_location_tree (
	ancestor	INTEGER NOT NULL,
	descendant	INTEGER NOT NULL,
	PRIMARY KEY (ancestor, descendant)
) STRICT, WITHOUT ROWID;
CREATE INDEX stock_location_tree_up ON stock_location_tree(descendant, ancestor);

CREATE TABLE part_category_tree (
	ancestor	INTEGER NOT NULL,
	descendant	INTEGER NOT NULL,
	PRIMARY KEY (ancestor, descendant)
) STRICT, WITHOUT ROWID;
CREATE INDEX part_category_tree_up ON part_category_tree(descendant, ancestor);

-- Keyed by id first: a location's two counts (all, in stock) share a page,
-- so a move writes fewer pages (20% less CPU per move than (name, id)).
CREATE TABLE tally (
	name	TEXT NOT NULL,
	id	INTEGER NOT NULL,
	n	INTEGER NOT NULL,
	PRIMARY KEY (id, name)
) STRICT, WITHOUT ROWID;

-- ---- the existing rows ------------------------------------------------

INSERT INTO stock_location_tree (ancestor, descendant)
	SELECT a.id, d.id FROM stock_location a, stock_location d
	WHERE d.path >= a.path AND d.path < a.path || '~';
INSERT INTO part_category_tree (ancestor, descendant)
	SELECT a.id, d.id FROM part_category a, part_category d
	WHERE d.path >= a.path AND d.path < a.path || '~';

INSERT INTO tally (name, id, n) SELECT 'part', 0, count(*) FROM part;
INSERT INTO tally (name, id, n) SELECT 'stock_item', 0, count(*) FROM stock_item;
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

-- ---- the trees ----------------------------------------------------------

-- A new node is below its parent's ancestors and itself.
CREATE TRIGGER stock_location_tree_ai AFTER INSERT ON stock_location BEGIN
	INSERT INTO stock_location_tree (ancestor, descendant)
	    SELECT new.id, new.id WHERE 1
	    UNION ALL SELECT ancestor, new.id FROM stock_location_tree
	    WHERE descendant = new.parent;
END;

-- A node that moves takes its subtree and the subtree's counts along: the
-- counts leave the old ancestors, the pairs of the old ancestors with the
-- subtree go, the new ancestors' pairs come, and the counts arrive.
CREATE TRIGGER stock_location_tree_au AFTER UPDATE OF parent ON stock_location
    WHEN old.parent IS NOT new.parent BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT s.name, t.ancestor, -s.n FROM tally s, stock_location_tree t
	    WHERE s.name IN ('stock_location.items', 'stock_location.in_stock')
	    AND s.id = new.id AND s.n <> 0 AND t.descendant = old.parent
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
	DELETE FROM stock_location_tree
	    WHERE descendant IN (SELECT descendant FROM stock_location_tree
		WHERE ancestor = new.id)
	    AND ancestor IN (SELECT ancestor FROM stock_location_tree
		WHERE descendant = old.parent);
	INSERT INTO stock_location_tree (ancestor, descendant)
	    SELECT a.ancestor, d.descendant
	    FROM stock_location_tree a, stock_location_tree d
	    WHERE a.descendant = new.parent AND d.ancestor = new.id;
	INSERT INTO tally (name, id, n)
	    SELECT s.name, t.ancestor, s.n FROM tally s, stock_location_tree t
	    WHERE s.name IN ('stock_location.items', 'stock_location.in_stock')
	    AND s.id = new.id AND s.n <> 0 AND t.descendant = new.parent
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- Nodes are deleted leaves first, emptied (res_tree.c): only the node's
-- own pairs and counts are left to remove.
CREATE TRIGGER stock_location_tree_ad AFTER DELETE ON stock_location BEGIN
	DELETE FROM stock_location_tree
	    WHERE descendant = old.id OR ancestor = old.id;
	DELETE FROM tally WHERE name IN ('stock_location.items',
	    'stock_location.in_stock') AND id = old.id;
END;

CREATE TRIGGER part_category_tree_ai AFTER INSERT ON part_category BEGIN
	INSERT INTO part_category_tree (ancestor, descendant)
	    SELECT new.id, new.id WHERE 1
	    UNION ALL SELECT ancestor, new.id FROM part_category_tree
	    WHERE descendant = new.parent;
END;

CREATE TRIGGER part_category_tree_au AFTER UPDATE OF parent ON part_category
    WHEN old.parent IS NOT new.parent BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT s.name, t.ancestor, -s.n FROM tally s, part_category_tree t
	    WHERE s.name IN ('part_category.parts', 'part_category.items')
	    AND s.id = new.id AND s.n <> 0 AND t.descendant = old.parent
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
	DELETE FROM part_category_tree
	    WHERE descendant IN (SELECT descendant FROM part_category_tree
		WHERE ancestor = new.id)
	    AND ancestor IN (SELECT ancestor FROM part_category_tree
		WHERE descendant = old.parent);
	INSERT INTO part_category_tree (ancestor, descendant)
	    SELECT a.ancestor, d.descendant
	    FROM part_category_tree a, part_category_tree d
	    WHERE a.descendant = new.parent AND d.ancestor = new.id;
	INSERT INTO tally (name, id, n)
	    SELECT s.name, t.ancestor, s.n FROM tally s, part_category_tree t
	    WHERE s.name IN ('part_category.parts', 'part_category.items')
	    AND s.id = new.id AND s.n <> 0 AND t.descendant = new.parent
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER part_category_tree_ad AFTER DELETE ON part_category BEGIN
	DELETE FROM part_category_tree
	    WHERE descendant = old.id OR ancestor = old.id;
	DELETE FROM tally WHERE name IN ('part_category.parts',
	    'part_category.items') AND id = old.id;
END;

-- ---- parts ----------------------------------------------------------------

CREATE TRIGGER part_tally_ai AFTER INSERT ON part BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'part', 0, 1 WHERE 1
	    UNION ALL SELECT 'part_category.parts', ancestor, 1
	    FROM part_category_tree WHERE descendant = new.category
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- Before the row goes: a part's items are deleted by the foreign key's
-- cascade after it, when their triggers no longer find the part's
-- category, so the part takes its items' counts from its categories here.
CREATE TRIGGER part_tally_bd BEFORE DELETE ON part BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'part', 0, -1 WHERE 1
	    UNION ALL SELECT 'part_category.parts', ancestor, -1
	    FROM part_category_tree WHERE descendant = old.category
	    UNION ALL SELECT 'part_category.items', ancestor, -old.stock_count
	    FROM part_category_tree WHERE descendant = old.category
	    AND old.stock_count <> 0
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER part_tally_au AFTER UPDATE OF category ON part
    WHEN old.category IS NOT new.category BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'part_category.parts', ancestor, -1
	    FROM part_category_tree WHERE descendant = old.category
	    UNION ALL SELECT 'part_category.items', ancestor, -old.stock_count
	    FROM part_category_tree WHERE descendant = old.category
	    AND old.stock_count <> 0
	    UNION ALL SELECT 'part_category.parts', ancestor, 1
	    FROM part_category_tree WHERE descendant = new.category
	    UNION ALL SELECT 'part_category.items', ancestor, new.stock_count
	    FROM part_category_tree WHERE descendant = new.category
	    AND new.stock_count <> 0
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- ---- stock items ----------------------------------------------------------

CREATE TRIGGER stock_item_tally_ai AFTER INSERT ON stock_item BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'stock_item', 0, 1 WHERE 1
	    UNION ALL SELECT 'stock_item.status', new.status, 1 WHERE 1
	    UNION ALL SELECT 'stock_item.in_stock', 0, 1
	    WHERE (new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0
	    UNION ALL SELECT 'stock_location.items', ancestor, 1
	    FROM stock_location_tree WHERE descendant = new.location
	    UNION ALL SELECT 'stock_location.in_stock', ancestor, 1
	    FROM stock_location_tree WHERE descendant = new.location
	    AND (new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0
	    UNION ALL SELECT 'part_category.items', t.ancestor, 1
	    FROM part p, part_category_tree t
	    WHERE p.id = new.part AND t.descendant = p.category
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- (When the part itself is being deleted, the part is gone and its
-- categories' counts were taken by part_tally_bd.)
CREATE TRIGGER stock_item_tally_ad AFTER DELETE ON stock_item BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'stock_item', 0, -1 WHERE 1
	    UNION ALL SELECT 'stock_item.status', old.status, -1 WHERE 1
	    UNION ALL SELECT 'stock_item.in_stock', 0, -1
	    WHERE (old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0
	    UNION ALL SELECT 'stock_location.items', ancestor, -1
	    FROM stock_location_tree WHERE descendant = old.location
	    UNION ALL SELECT 'stock_location.in_stock', ancestor, -1
	    FROM stock_location_tree WHERE descendant = old.location
	    AND (old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0
	    UNION ALL SELECT 'part_category.items', t.ancestor, -1
	    FROM part p, part_category_tree t
	    WHERE p.id = old.part AND t.descendant = p.category
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- Only a change of what is counted costs anything: a quantity that stays
-- above zero (most adjustments) does not fire this.
CREATE TRIGGER stock_item_tally_au
    AFTER UPDATE OF part, location, status, quantity ON stock_item
    WHEN old.part IS NOT new.part OR old.location IS NOT new.location OR
	old.status IS NOT new.status OR
	(old.quantity > 0) IS NOT (new.quantity > 0) BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'stock_item.status', old.status, -1
	    WHERE old.status IS NOT new.status
	    UNION ALL SELECT 'stock_item.status', new.status, 1
	    WHERE old.status IS NOT new.status
	    UNION ALL SELECT 'stock_item.in_stock', 0,
		((new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0) -
		((old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0)
	    WHERE ((new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0) IS NOT
		((old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0)
	    UNION ALL SELECT 'stock_location.items', ancestor, -1
	    FROM stock_location_tree WHERE descendant = old.location
	    AND old.location IS NOT new.location
	    UNION ALL SELECT 'stock_location.items', ancestor, 1
	    FROM stock_location_tree WHERE descendant = new.location
	    AND old.location IS NOT new.location
	    UNION ALL SELECT 'stock_location.in_stock', ancestor, -1
	    FROM stock_location_tree WHERE descendant = old.location
	    AND (old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0
	    AND (old.location IS NOT new.location OR NOT
		((new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0))
	    UNION ALL SELECT 'stock_location.in_stock', ancestor, 1
	    FROM stock_location_tree WHERE descendant = new.location
	    AND (new.status = 10 OR new.status = 50 OR new.status = 55 OR new.status = 85) AND new.quantity > 0
	    AND (old.location IS NOT new.location OR NOT
		((old.status = 10 OR old.status = 50 OR old.status = 55 OR old.status = 85) AND old.quantity > 0))
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

-- ---- tracking -------------------------------------------------------------

CREATE TRIGGER stock_tracking_tally_ai AFTER INSERT ON stock_tracking BEGIN
	INSERT INTO tally (name, id, n) VALUES ('stock_tracking', 0, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER stock_tracking_tally_ad AFTER DELETE ON stock_tracking BEGIN
	INSERT INTO tally (name, id, n) VALUES ('stock_tracking', 0, -1)
	    ON CONFLICT DO UPDATE SET n = n - 1;
END;
