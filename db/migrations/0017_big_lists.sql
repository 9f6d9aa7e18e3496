-- compatible: programs built for schema 16 may run on it (indexes, and
-- counts kept by triggers whichever program writes).
-- Big lists (issue 13): their indexes fit their ORDER BY on both engines,
-- and their counts need no walk of their rows.
--
-- The indexes that lists are ordered by end in id, as each list's ORDER BY
-- does ("p.name, p.id"): SQLite appends the rowid to every index anyway,
-- but PostgreSQL can walk an index for an ORDER BY only when the index has
-- every term of it, with the same NULLS order.  Its twin declares them
-- NULLS FIRST, SQLite's order for NULLs, which lib/dialect.c writes into
-- every ORDER BY term; without it a deep page of a list sorted every row
-- (issue 13).  The same keys here, so that both schemas stay one schema.

DROP INDEX part_name;
CREATE INDEX part_name ON part(name, id);
DROP INDEX part_ipn;
CREATE INDEX part_ipn ON part(IPN, id);
DROP INDEX company_name;
CREATE INDEX company_name ON company(name, id);
DROP INDEX manufacturer_part_mpn;
CREATE INDEX manufacturer_part_mpn ON manufacturer_part(MPN, id);
DROP INDEX supplier_part_sku;
CREATE INDEX supplier_part_sku ON supplier_part(SKU, id);

-- The lists of manufacturer and supplier parts (150,000 rows on the
-- benchmark data) count from tally (migration 0010) when unfiltered:
-- PostgreSQL counts a table by reading all of it.
INSERT OR REPLACE INTO tally (name, id, n)
    SELECT 'manufacturer_part', 0, count(*) FROM manufacturer_part;
INSERT OR REPLACE INTO tally (name, id, n)
    SELECT 'supplier_part', 0, count(*) FROM supplier_part;

CREATE TRIGGER manufacturer_part_tally_ai AFTER INSERT ON manufacturer_part
BEGIN
	INSERT INTO tally (name, id, n) VALUES ('manufacturer_part', 0, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER manufacturer_part_tally_ad AFTER DELETE ON manufacturer_part
BEGIN
	INSERT INTO tally (name, id, n) VALUES ('manufacturer_part', 0, -1)
	    ON CONFLICT DO UPDATE SET n = n - 1;
END;
CREATE TRIGGER supplier_part_tally_ai AFTER INSERT ON supplier_part BEGIN
	INSERT INTO tally (name, id, n) VALUES ('supplier_part', 0, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER supplier_part_tally_ad AFTER DELETE ON supplier_part BEGIN
	INSERT INTO tally (name, id, n) VALUES ('supplier_part', 0, -1)
	    ON CONFLICT DO UPDATE SET n = n - 1;
END;
