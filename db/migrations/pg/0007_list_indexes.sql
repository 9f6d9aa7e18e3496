-- PostgreSQL twin of db/migrations/0007_list_indexes.sql.
--
-- Partial indexes for the two list filters that scanned whole tables on a
-- large inventory (1,000,000 stock items, 100,000 parts; see BENCHMARKS.md).
--
-- stock_item_in_stock holds only the items that are in stock (status OK,
-- attention, damaged or returned, quantity above zero), in id order.  On
-- SQLite, "+status" keeps its planner from preferring stock_item_status;
-- the filter in domain/inventory/stock.c repeats the condition word for
-- word, "+" included.  PostgreSQL uses a partial index only for a query
-- whose condition implies the index's, and it proves that by comparing
-- expressions: so the "+" stays here too (a unary plus that PostgreSQL
-- keeps as an operator), for the filter's condition to be the same one.
CREATE INDEX stock_item_in_stock ON stock_item(id)
	WHERE +status IN (10, 50, 55, 85) AND quantity > 0;

-- part_low_stock holds only the parts below their minimum stock, in the
-- part list's default order (name, id): low_stock=true reads just those
-- instead of every part through part_name.
CREATE INDEX part_low_stock ON part(name, id)
	WHERE minimum_stock > 0 AND in_stock < minimum_stock;
