-- compatible: programs built for schema 10 may run on it (columns with
-- defaults that older programs never write, and an index).
-- PostgreSQL twin of db/migrations/0011_barcodes.sql.
--
-- Barcodes: InvenTree's third-party barcodes of parts, stock items and
-- stock locations (its InvenTreeBarcodeMixin).  A barcode that is not one
-- of InvenTree's own (JSON such as {"part": 12}, or INV-PA12) is linked to
-- one object with POST /api/barcode/link/, which stores what was scanned
-- (barcode_data, at most 500 characters as InvenTree) and its hash
-- (barcode_hash: md5 of the printable characters, 32 hex digits; InvenTree
-- allows 128).  A scan looks the hash up, so each table has an index on it,
-- unique where a barcode is linked: one object per barcode and table (the
-- link endpoint checks the three tables together, in its transaction).
-- '' is no barcode.  See cgi-bin/barcode.c.

ALTER TABLE part ADD COLUMN barcode_data text COLLATE "C" NOT NULL DEFAULT ''
	CHECK (length(barcode_data) <= 500);
ALTER TABLE part ADD COLUMN barcode_hash text COLLATE "C" NOT NULL DEFAULT ''
	CHECK (length(barcode_hash) <= 128);
CREATE UNIQUE INDEX part_barcode_hash ON part(barcode_hash)
	WHERE barcode_hash <> '';

ALTER TABLE stock_item ADD COLUMN barcode_data text COLLATE "C" NOT NULL DEFAULT ''
	CHECK (length(barcode_data) <= 500);
ALTER TABLE stock_item ADD COLUMN barcode_hash text COLLATE "C" NOT NULL DEFAULT ''
	CHECK (length(barcode_hash) <= 128);
CREATE UNIQUE INDEX stock_item_barcode_hash ON stock_item(barcode_hash)
	WHERE barcode_hash <> '';

ALTER TABLE stock_location ADD COLUMN barcode_data text COLLATE "C" NOT NULL DEFAULT ''
	CHECK (length(barcode_data) <= 500);
ALTER TABLE stock_location ADD COLUMN barcode_hash text COLLATE "C" NOT NULL DEFAULT ''
	CHECK (length(barcode_hash) <= 128);
CREATE UNIQUE INDEX stock_location_barcode_hash ON stock_location(barcode_hash)
	WHERE barcode_hash <> '';
