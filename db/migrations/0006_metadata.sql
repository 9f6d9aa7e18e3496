-- Metadata: InvenTree's free-form JSON "metadata" object of parts, part
-- categories, stock locations and stock items.  Plugins and scripts keep
-- their own data there (inventree-python's getMetadata()/setMetadata());
-- Stockroom's own logic never reads it.  See lib/metadata.h.

ALTER TABLE part ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE part_category ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE stock_location ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE stock_item ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
