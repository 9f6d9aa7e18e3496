-- compatible: programs built for schema 36 may run on it (counts kept by
-- triggers whichever program writes).
-- PostgreSQL twin of db/migrations/0037_more_tallies.sql: the unfiltered
-- counts of price breaks, purchase order lines, parameters and BOM
-- substitutes, the parts by `active`, and the active parts of each
-- category with its subtree, kept in tally.
--
-- And the indexes that the price breaks' and the order lines' default
-- orders walk: every ORDER BY term says NULLS FIRST here (lib/dialect.c),
-- which an index of the default NULLS LAST cannot give, so a first page
-- sorted every row (66 ms and 45 ms on the benchmark data).  The same
-- columns in the NULLS order of the ORDER BY; the id that ends it is
-- sorted within each (part, quantity) or order (an incremental sort).
-- SQLite's indexes of the same columns already give the order.

DROP INDEX supplier_price_break_identity;
CREATE UNIQUE INDEX supplier_price_break_identity ON supplier_price_break
	(part NULLS FIRST, quantity NULLS FIRST);
DROP INDEX purchase_order_line_order;
CREATE INDEX purchase_order_line_order ON purchase_order_line
	(order_id NULLS FIRST);

DELETE FROM tally WHERE name IN ('supplier_price_break',
    'purchase_order_line', 'part_parameter', 'bom_item_substitute',
    'part.active', 'part_category.active_parts');
INSERT INTO tally (name, id, n)
    SELECT 'supplier_price_break', 0, count(*) FROM supplier_price_break;
INSERT INTO tally (name, id, n)
    SELECT 'purchase_order_line', 0, count(*) FROM purchase_order_line;
INSERT INTO tally (name, id, n)
    SELECT 'part_parameter', 0, count(*) FROM part_parameter;
INSERT INTO tally (name, id, n)
    SELECT 'bom_item_substitute', 0, count(*) FROM bom_item_substitute;
INSERT INTO tally (name, id, n)
    SELECT 'part.active', active, count(*) FROM part GROUP BY active;
INSERT INTO tally (name, id, n)
    SELECT 'part_category.active_parts', t.ancestor, sum(c.parts)
    FROM (SELECT category, count(*) AS parts FROM part
	WHERE category IS NOT NULL AND active = 1 GROUP BY category) c
    JOIN part_category_tree t ON t.descendant = c.category
    GROUP BY t.ancestor;

CREATE TRIGGER supplier_price_break_tally_ai
	AFTER INSERT ON supplier_price_break
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
CREATE TRIGGER supplier_price_break_tally_ad
	AFTER DELETE ON supplier_price_break
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
CREATE TRIGGER purchase_order_line_tally_ai
	AFTER INSERT ON purchase_order_line
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
CREATE TRIGGER purchase_order_line_tally_ad
	AFTER DELETE ON purchase_order_line
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
-- (part_parameter_tally_* count them per template: migration 0032.)
CREATE TRIGGER part_parameter_rows_ai AFTER INSERT ON part_parameter
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
CREATE TRIGGER part_parameter_rows_ad AFTER DELETE ON part_parameter
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
CREATE TRIGGER bom_item_substitute_tally_ai
	AFTER INSERT ON bom_item_substitute
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
CREATE TRIGGER bom_item_substitute_tally_ad
	AFTER DELETE ON bom_item_substitute
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();

-- A part counts under its `active` (0 or 1), and when active under its
-- category's ancestors: one function for its insert, its delete (before
-- it goes, as part_tally_bd) and a change of either.
CREATE FUNCTION part_active_tally() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		PERFORM sr_tally_add(ARRAY(
		    SELECT ROW('part.active', old.active, -1)::tally
		    UNION ALL SELECT ROW('part_category.active_parts',
			ancestor, -1)::tally
		    FROM part_category_tree WHERE descendant = old.category
		    AND old.active = 1));
	END IF;
	IF TG_OP <> 'DELETE' THEN
		PERFORM sr_tally_add(ARRAY(
		    SELECT ROW('part.active', new.active, 1)::tally
		    UNION ALL SELECT ROW('part_category.active_parts',
			ancestor, 1)::tally
		    FROM part_category_tree WHERE descendant = new.category
		    AND new.active = 1));
		RETURN NULL;
	END IF;
	RETURN old;
END;
$$;
CREATE TRIGGER part_active_tally_ai AFTER INSERT ON part
	FOR EACH ROW EXECUTE FUNCTION part_active_tally();
CREATE TRIGGER part_active_tally_bd BEFORE DELETE ON part
	FOR EACH ROW EXECUTE FUNCTION part_active_tally();
CREATE TRIGGER part_active_tally_au AFTER UPDATE OF active, category ON part
	FOR EACH ROW WHEN (old.active IS DISTINCT FROM new.active OR
	    old.category IS DISTINCT FROM new.category)
	EXECUTE FUNCTION part_active_tally();

-- A category moved or deleted takes its active parts' count along with
-- its other counts: migration 0010's functions, with the new name.
CREATE OR REPLACE FUNCTION part_category_tree_au() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM sr_tally_add(ARRAY(
	    SELECT ROW(s.name, t.ancestor, -s.n)::tally
	    FROM tally s, part_category_tree t
	    WHERE s.name IN ('part_category.parts', 'part_category.items',
		'part_category.active_parts')
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
	    WHERE s.name IN ('part_category.parts', 'part_category.items',
		'part_category.active_parts')
	    AND s.id = new.id AND s.n <> 0 AND t.descendant = new.parent));
	RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION part_category_tree_ad() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM part_category_tree
	    WHERE descendant = old.id OR ancestor = old.id;
	DELETE FROM tally WHERE name IN ('part_category.parts',
	    'part_category.items', 'part_category.active_parts')
	    AND id = old.id;
	RETURN NULL;
END;
$$;
