-- compatible: programs built for schema 36 may run on it (counts kept by
-- triggers whichever program writes).
-- PostgreSQL twin of db/migrations/0037_more_tallies.sql: the unfiltered
-- counts of price breaks, purchase order lines, parameters and BOM
-- substitutes, and the parts by `active`, kept in tally.
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

-- A part counts under its `active` (0 or 1): one function for its insert,
-- delete and the change of it.
CREATE FUNCTION part_active_tally() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		PERFORM sr_tally_add(ARRAY[ROW('part.active', old.active,
		    -1)::tally]);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		PERFORM sr_tally_add(ARRAY[ROW('part.active', new.active,
		    1)::tally]);
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_active_tally_ai AFTER INSERT ON part
	FOR EACH ROW EXECUTE FUNCTION part_active_tally();
CREATE TRIGGER part_active_tally_ad AFTER DELETE ON part
	FOR EACH ROW EXECUTE FUNCTION part_active_tally();
CREATE TRIGGER part_active_tally_au AFTER UPDATE OF active ON part
	FOR EACH ROW WHEN (old.active IS DISTINCT FROM new.active)
	EXECUTE FUNCTION part_active_tally();
