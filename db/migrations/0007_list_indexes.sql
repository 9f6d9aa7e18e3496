-- Partial indexes for the two list filters that scanned whole tables on a
-- large inventory (1,000,000 stock items, 100,000 parts; see BENCHMARKS.md).
--
-- stock_item_in_stock holds only the items that are in stock (status OK,
-- attention, damaged or returned, quantity above zero), in id order: the
-- stock list's in_stock=true counts them and pages through them in its
-- default order without reading the table.  Its condition, and the filter
-- in cgi-bin/stock.c that must repeat it word for word, write "+status":
-- a plain "status IN (...)" lets the planner pick stock_item_status
-- (four lookups it guesses are small, then a table read per item: 833,000
-- of them) instead of this index.
CREATE INDEX stock_item_in_stock ON stock_item(id)
	WHERE +status IN (10, 50, 55, 85) AND quantity > 0;

-- part_low_stock holds only the parts below their minimum stock, in the
-- part list's default order (name, id): low_stock=true reads just those
-- instead of every part through part_name.
CREATE INDEX part_low_stock ON part(name, id)
	WHERE minimum_stock > 0 AND in_stock < minimum_stock;
