-- compatible: programs built for schema 32 may run on it (columns with
-- defaults that older programs never write, and indexes).
-- Barcodes of supplier parts, manufacturer parts, purchase orders and
-- build orders: InvenTree's barcode mixin covers these models too (short
-- codes SP, MP, PO, BO; JSON {"supplierpart": 7} and so on), so the mobile
-- app and the receive dialog can scan a supplier's label and find its
-- supplier part.  The columns and their unique index where set are
-- migration 0011's, on four more tables; cgi-bin/barcode.c lists the
-- models.  '' is no barcode.

ALTER TABLE supplier_part ADD COLUMN barcode_data TEXT NOT NULL DEFAULT ''
	CHECK (length(barcode_data) <= 500);
ALTER TABLE supplier_part ADD COLUMN barcode_hash TEXT NOT NULL DEFAULT ''
	CHECK (length(barcode_hash) <= 128);
CREATE UNIQUE INDEX supplier_part_barcode_hash ON supplier_part(barcode_hash)
	WHERE barcode_hash <> '';

ALTER TABLE manufacturer_part ADD COLUMN barcode_data TEXT NOT NULL DEFAULT ''
	CHECK (length(barcode_data) <= 500);
ALTER TABLE manufacturer_part ADD COLUMN barcode_hash TEXT NOT NULL DEFAULT ''
	CHECK (length(barcode_hash) <= 128);
CREATE UNIQUE INDEX manufacturer_part_barcode_hash ON manufacturer_part(barcode_hash)
	WHERE barcode_hash <> '';

ALTER TABLE purchase_order ADD COLUMN barcode_data TEXT NOT NULL DEFAULT ''
	CHECK (length(barcode_data) <= 500);
ALTER TABLE purchase_order ADD COLUMN barcode_hash TEXT NOT NULL DEFAULT ''
	CHECK (length(barcode_hash) <= 128);
CREATE UNIQUE INDEX purchase_order_barcode_hash ON purchase_order(barcode_hash)
	WHERE barcode_hash <> '';

ALTER TABLE build ADD COLUMN barcode_data TEXT NOT NULL DEFAULT ''
	CHECK (length(barcode_data) <= 500);
ALTER TABLE build ADD COLUMN barcode_hash TEXT NOT NULL DEFAULT ''
	CHECK (length(barcode_hash) <= 128);
CREATE UNIQUE INDEX build_barcode_hash ON build(barcode_hash)
	WHERE barcode_hash <> '';
