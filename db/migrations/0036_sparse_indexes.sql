-- compatible: programs built for schema 35 may run on it (the same indexes
-- by name and column, each now only over the rows that have a value).
-- The parts of a template (?variant_of=), the parts whose default location
-- is one (?default_location=) and the items split from one (?parent= ...)
-- were indexed with every row, and on most sites nearly every row has
-- none: ANALYZE then tells the planner that a value matches all of them
-- (sqlite_stat1 "100000 100000"), and it pages ?variant_of=N by walking
-- every part in name order rather than reading the few of the index (the
-- variants row of make bench: 305 ms at 100,000 parts).  Over the rows
-- with a value only, as stock_item_purchase_order and the other late
-- indexes are; "col = ?" implies "col IS NOT NULL", so every filter still
-- uses them.
DROP INDEX part_variant_of;
CREATE INDEX part_variant_of ON part(variant_of)
	WHERE variant_of IS NOT NULL;
DROP INDEX part_default_location;
CREATE INDEX part_default_location ON part(default_location)
	WHERE default_location IS NOT NULL;
DROP INDEX stock_item_parent;
CREATE INDEX stock_item_parent ON stock_item(parent)
	WHERE parent IS NOT NULL;
