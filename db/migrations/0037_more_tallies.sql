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
-- 'part.active' counts the parts by `active` (id 1: active, 0: not): the
-- app's Parts tab asks for ?active=true on every page.

DELETE FROM tally WHERE name IN ('supplier_price_break',
    'purchase_order_line', 'part_parameter', 'bom_item_substitute',
    'part.active');
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

CREATE TRIGGER part_active_tally_ai AFTER INSERT ON part BEGIN
	INSERT INTO tally (name, id, n) VALUES ('part.active', new.active, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER part_active_tally_ad AFTER DELETE ON part BEGIN
	INSERT INTO tally (name, id, n) VALUES ('part.active', old.active, -1)
	    ON CONFLICT DO UPDATE SET n = n - 1;
END;
CREATE TRIGGER part_active_tally_au AFTER UPDATE OF active ON part
    WHEN old.active IS NOT new.active BEGIN
	INSERT INTO tally (name, id, n)
	    SELECT 'part.active', old.active, -1 WHERE 1
	    UNION ALL SELECT 'part.active', new.active, 1
	    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
