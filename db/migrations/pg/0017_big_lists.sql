-- compatible: programs built for schema 16 may run on it (indexes, and
-- counts kept by triggers whichever program writes).
-- The twin of ../0017_big_lists.sql: the indexes that lists are
-- ordered by, NULLS FIRST (SQLite's order, written into every ORDER BY
-- term by lib/dialect.c) and ending in id, as the lists' ORDER BY, so that
-- a page is read from the index instead of sorting the whole table.  The
-- partial part_low_stock already ends in id; it gets NULLS FIRST too.

DROP INDEX part_name;
CREATE INDEX part_name ON part (name NULLS FIRST, id);
DROP INDEX part_ipn;
CREATE INDEX part_ipn ON part (IPN NULLS FIRST, id);
DROP INDEX part_low_stock;
CREATE INDEX part_low_stock ON part (name NULLS FIRST, id)
	WHERE minimum_stock > 0 AND in_stock < minimum_stock;
DROP INDEX company_name;
CREATE INDEX company_name ON company (name NULLS FIRST, id);
DROP INDEX manufacturer_part_mpn;
CREATE INDEX manufacturer_part_mpn ON manufacturer_part (MPN NULLS FIRST, id);
DROP INDEX supplier_part_sku;
CREATE INDEX supplier_part_sku ON supplier_part (SKU NULLS FIRST, id);

-- The unfiltered counts of manufacturer and supplier parts, from tally.
INSERT INTO tally (name, id, n)
    SELECT 'manufacturer_part', 0, count(*) FROM manufacturer_part
    ON CONFLICT (id, name) DO UPDATE SET n = excluded.n;
INSERT INTO tally (name, id, n)
    SELECT 'supplier_part', 0, count(*) FROM supplier_part
    ON CONFLICT (id, name) DO UPDATE SET n = excluded.n;

-- One trigger function counts the rows of any table into tally under the
-- table's name (the SQLite triggers spell each table out).
CREATE FUNCTION sr_tally_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tally (name, id, n) VALUES (TG_TABLE_NAME, 0,
	    CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END)
	    ON CONFLICT (id, name) DO UPDATE SET n = tally.n + excluded.n;
	RETURN NULL;
END;
$$;

CREATE TRIGGER manufacturer_part_tally_ai AFTER INSERT ON manufacturer_part
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
CREATE TRIGGER manufacturer_part_tally_ad AFTER DELETE ON manufacturer_part
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
CREATE TRIGGER supplier_part_tally_ai AFTER INSERT ON supplier_part
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
CREATE TRIGGER supplier_part_tally_ad AFTER DELETE ON supplier_part
	FOR EACH ROW EXECUTE FUNCTION sr_tally_rows();
