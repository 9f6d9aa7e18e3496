-- compatible: programs built for schema 35 may run on it (the same indexes
-- by name and column, each now only over the rows that have a value).
-- PostgreSQL twin of db/migrations/0036_sparse_indexes.sql: the indexes of
-- columns that are null on nearly every row (a part's template and
-- default location, an item's parent) only over the rows with a value,
-- as SQLite's, so the two schemas stay alike (PostgreSQL's own statistics
-- know the nulls apart).
DROP INDEX part_variant_of;
CREATE INDEX part_variant_of ON part(variant_of)
	WHERE variant_of IS NOT NULL;
DROP INDEX part_default_location;
CREATE INDEX part_default_location ON part(default_location)
	WHERE default_location IS NOT NULL;
DROP INDEX stock_item_parent;
CREATE INDEX stock_item_parent ON stock_item(parent)
	WHERE parent IS NOT NULL;
