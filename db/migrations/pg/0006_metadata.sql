-- PostgreSQL twin of db/migrations/0006_metadata.sql.
--
-- Metadata: InvenTree's free-form JSON "metadata" object of parts, part
-- categories, stock locations and stock items.  Plugins and scripts keep
-- their own data there (inventree-python's getMetadata()/setMetadata());
-- Stockroom's own logic never reads it.  See lib/metadata.h.  Text, as on
-- SQLite (not jsonb, which would reorder its keys).

ALTER TABLE part ADD COLUMN metadata text COLLATE "C" NOT NULL DEFAULT '{}';
ALTER TABLE part_category ADD COLUMN metadata text COLLATE "C" NOT NULL
	DEFAULT '{}';
ALTER TABLE stock_location ADD COLUMN metadata text COLLATE "C" NOT NULL
	DEFAULT '{}';
ALTER TABLE stock_item ADD COLUMN metadata text COLLATE "C" NOT NULL
	DEFAULT '{}';
