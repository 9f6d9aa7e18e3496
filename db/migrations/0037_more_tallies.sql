-- compatible: programs built for schema 36 may run on it (counts kept by
-- triggers whichever program writes).
-- More lists counted from tally (migration 0010) instead of their rows
-- (issues 13 and 22).  On the benchmark data a page of price breaks
-- (300,000), purchase order lines (188,000) or parameters (1,000,000)
-- counted every row for its `count`: PostgreSQL reads a whole table to
-- count it (9 to 16 pages a second), and SQLite walks an index.  Their
-- unfiltered counts, and the substitutes', are kept here as those of
-- manufacturer and supplier parts are (migration 0017).
--
-- 'part.active' counts the parts by `active` (id 1: active, 0: not), and
-- 'part_category.active_parts' the active parts of each category with its
-- subtree (as 'part_category.parts' counts them all): the app asks for
-- ?active=true on every page of its Parts tab and of a category's parts.

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
    AFTER INSERT ON supplier_price_break BEGIN
	INSERT INTO tally (name, id, n) VALUES ('supplier_price_break', 0, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER supplier_price_break_tally_ad
    AFTER DELETE ON supplier_price_break BEGIN
	INSERT INTO tally (name, id, n) VALUES ('supplier_price_break', 0, -1)
	    ON CONFLICT DO UPDATE SET n = n - 1;
END;
CREATE TRIGGER purchase_order_line_tally_ai
    AFTER INSERT ON purchase_order_line BEGIN
	INSERT INTO tally (name, id, n) VALUES ('purchase_order_line', 0, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER purchase_order_line_tally_ad
    AFTER DELETE ON purchase_order_line BEGIN
	INSERT INTO tally (name, id, n) VALUES ('purchase_order_line', 0, -1)
	    ON CONFLICT DO UPDATE SET n = n - 1;
END;
-- (part_parameter_tally_* count them per template: migration 0032.)
CREATE TRIGGER part_parameter_rows_ai AFTER INSERT ON part_parameter BEGIN
	INSERT INTO tally (name, id, n) VALUES ('part_parameter', 0, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER part_parameter_rows_ad AFTER DELETE ON part_parameter BEGIN
	INSERT INTO tally (name, id, n) VALUES ('part_parameter', 0, -1)
	    ON CONFLICT DO UPDATE SET n = n - 1;
END;
CREATE TRIGGER bom_item_substitute_tally_ai
    AFTER INSERT ON bom_item_substitute BEGIN
	INSERT INTO tally (name, id, n) VALUES ('bom_item_substitute', 0, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER bom_item_substitute_tally_ad
    AFTER DELETE ON bom_item_substitute BEGIN
	INSERT INTO tally (name, id, n) VALUES ('bom_item_substitute', 0, -1)
	    ON CONFLICT DO UPDATE SET n = n - 1;
END;

-- A part counts under its `active`, and when active under its category's
-- ancestors; before it is deleted, as part_tally_bd (migration 0010).
CREATE TRIGGER part_active_tally_ai AFTER INSERT ON part BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'part.active', new.active, 1 WHERE 1
	    UNION ALL SELECT 'part_category.active_parts', ancestor, 1
	    FROM part_category_tree WHERE descendant = new.category
	    AND new.active = 1
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER part_active_tally_bd BEFORE DELETE ON part BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'part.active', old.active, -1 WHERE 1
	    UNION ALL SELECT 'part_category.active_parts', ancestor, -1
	    FROM part_category_tree WHERE descendant = old.category
	    AND old.active = 1
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER part_active_tally_au AFTER UPDATE OF active, category ON part
    WHEN old.active IS NOT new.active OR old.category IS NOT new.category
BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'part.active', old.active, -1
	    WHERE old.active IS NOT new.active
	    UNION ALL SELECT 'part.active', new.active, 1
	    WHERE old.active IS NOT new.active
	    UNION ALL SELECT 'part_category.active_parts', ancestor, -1
	    FROM part_category_tree WHERE descendant = old.category
	    AND old.active = 1
	    UNION ALL SELECT 'part_category.active_parts', ancestor, 1
	    FROM part_category_tree WHERE descendant = new.category
	    AND new.active = 1
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- A category moved or deleted takes its active parts' count along with
-- its other counts: migration 0010's triggers, with the new name.
DROP TRIGGER part_category_tree_au;
CREATE TRIGGER part_category_tree_au AFTER UPDATE OF parent ON part_category
    WHEN old.parent IS NOT new.parent BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT s.name, t.ancestor, -s.n FROM tally s, part_category_tree t
	    WHERE s.name IN ('part_category.parts', 'part_category.items',
		'part_category.active_parts')
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
	    WHERE s.name IN ('part_category.parts', 'part_category.items',
		'part_category.active_parts')
	    AND s.id = new.id AND s.n <> 0 AND t.descendant = new.parent
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
DROP TRIGGER part_category_tree_ad;
CREATE TRIGGER part_category_tree_ad AFTER DELETE ON part_category BEGIN
	DELETE FROM part_category_tree
	    WHERE descendant = old.id OR ancestor = old.id;
	DELETE FROM tally WHERE name IN ('part_category.parts',
	    'part_category.items', 'part_category.active_parts')
	    AND id = old.id;
END;
