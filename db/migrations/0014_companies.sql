-- compatible: programs built for schema 12 may run on it (new tables, a
-- column of stock_item that older programs never write, and the
-- attachment table with the same columns and a wider CHECK).
-- Companies (issue 15, the supplier side): InvenTree's company app --
-- companies, their contacts and addresses, manufacturer parts, supplier
-- parts and their price breaks -- with InvenTree's field names and
-- limits.  The resources are described in domain/purchasing/company.c;
-- the API is cgi-bin/company.c.
--
-- Decimals (available, pack_quantity_native, quantity, price) are
-- integers counting 10^-5, as everywhere (lib/dec.h).  Times written by
-- the programs (availability_updated, updated) are ISO 8601 text in UTC.

CREATE TABLE company (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 500),
	website		TEXT NOT NULL DEFAULT '' CHECK (length(website) <= 200),
	phone		TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
	email		TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254),
	contact		TEXT NOT NULL DEFAULT '' CHECK (length(contact) <= 100),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 200),
	-- InvenTree's currency codes (ISO 4217, three letters); '' is the
	-- server's default currency.
	currency	TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) <= 3),
	-- An uploaded image and its thumbnail (lib's image.h), as a part's.
	image		TEXT CHECK (image IS NULL OR length(image) <= 255),
	thumbnail	TEXT CHECK (thumbnail IS NULL OR length(thumbnail) <= 255),
	is_customer	INTEGER NOT NULL DEFAULT 0 CHECK (is_customer IN (0, 1)),
	is_supplier	INTEGER NOT NULL DEFAULT 1 CHECK (is_supplier IN (0, 1)),
	is_manufacturer	INTEGER NOT NULL DEFAULT 0
			CHECK (is_manufacturer IN (0, 1)),
	active		INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 50000),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX company_name ON company(name);
CREATE INDEX company_image ON company(image) WHERE image IS NOT NULL;
CREATE INDEX company_thumbnail ON company(thumbnail)
	WHERE thumbnail IS NOT NULL;

CREATE TABLE contact (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	company		INTEGER NOT NULL REFERENCES company(id) ON DELETE CASCADE,
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	phone		TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 100),
	email		TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254),
	role		TEXT NOT NULL DEFAULT '' CHECK (length(role) <= 100),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX contact_company ON contact(company);

-- One primary address per company (InvenTree's Address.save()): marking
-- an address primary unmarks the company's others, and a company's only
-- address is its primary one.  The triggers below keep both rules, so
-- every writer -- the API, a script, an import -- keeps them; the unique
-- index makes a second primary impossible.
CREATE TABLE address (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	company		INTEGER NOT NULL REFERENCES company(id) ON DELETE CASCADE,
	title		TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
	is_primary	INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
	line1		TEXT NOT NULL DEFAULT '' CHECK (length(line1) <= 50),
	line2		TEXT NOT NULL DEFAULT '' CHECK (length(line2) <= 50),
	postal_code	TEXT NOT NULL DEFAULT '' CHECK (length(postal_code) <= 10),
	postal_city	TEXT NOT NULL DEFAULT '' CHECK (length(postal_city) <= 50),
	province	TEXT NOT NULL DEFAULT '' CHECK (length(province) <= 50),
	country		TEXT NOT NULL DEFAULT '' CHECK (length(country) <= 50),
	shipping_notes	TEXT NOT NULL DEFAULT ''
			CHECK (length(shipping_notes) <= 100),
	internal_shipping_notes TEXT NOT NULL DEFAULT ''
			CHECK (length(internal_shipping_notes) <= 100),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 200)
) STRICT;
CREATE INDEX address_company ON address(company);
CREATE UNIQUE INDEX address_primary ON address(company) WHERE is_primary = 1;

-- A new primary address: the company's other primary address stops being
-- one first (before the unique index sees two).
CREATE TRIGGER address_primary_bi BEFORE INSERT ON address
    WHEN new.is_primary = 1 BEGIN
	UPDATE address SET is_primary = 0
	    WHERE company = new.company AND is_primary = 1;
END;
CREATE TRIGGER address_primary_bu BEFORE UPDATE OF is_primary, company
    ON address WHEN new.is_primary = 1 BEGIN
	UPDATE address SET is_primary = 0
	    WHERE company = new.company AND is_primary = 1 AND id <> new.id;
END;
-- A company's only address is its primary one: a new address of a
-- company that has no other, or one moved to such a company.  (Not an
-- address unmarked by the triggers above: the update of is_primary
-- that they make is no move.  InvenTree also marks a company's only
-- address primary again when a client unmarks it; here it stays
-- unmarked.)
CREATE TRIGGER address_only_ai AFTER INSERT ON address
    WHEN new.is_primary = 0 BEGIN
	UPDATE address SET is_primary = 1 WHERE id = new.id AND NOT EXISTS
	    (SELECT 1 FROM address WHERE company = new.company AND id <> new.id);
END;
CREATE TRIGGER address_only_au AFTER UPDATE OF company
    ON address WHEN new.is_primary = 0 BEGIN
	UPDATE address SET is_primary = 1 WHERE id = new.id AND NOT EXISTS
	    (SELECT 1 FROM address WHERE company = new.company AND id <> new.id);
END;

CREATE TABLE manufacturer_part (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	part		INTEGER NOT NULL REFERENCES part(id) ON DELETE CASCADE,
	manufacturer	INTEGER NOT NULL REFERENCES company(id) ON DELETE CASCADE,
	MPN		TEXT NOT NULL CHECK (length(MPN) <= 100),
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 250),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 200),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
-- InvenTree's unique_together (part, manufacturer, MPN); the index also
-- serves ?part=.
CREATE UNIQUE INDEX manufacturer_part_identity
	ON manufacturer_part(part, manufacturer, MPN);
CREATE INDEX manufacturer_part_manufacturer
	ON manufacturer_part(manufacturer, MPN);
CREATE INDEX manufacturer_part_mpn ON manufacturer_part(MPN);

CREATE TABLE supplier_part (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	part		INTEGER NOT NULL REFERENCES part(id) ON DELETE CASCADE,
	supplier	INTEGER NOT NULL REFERENCES company(id) ON DELETE CASCADE,
	SKU		TEXT NOT NULL CHECK (length(SKU) BETWEEN 1 AND 100),
	manufacturer_part INTEGER REFERENCES manufacturer_part(id)
			ON DELETE CASCADE,
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 250),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 200),
	note		TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 100),
	packaging	TEXT NOT NULL DEFAULT '' CHECK (length(packaging) <= 50),
	-- As the client wrote it ("10", "100 m"); its value in the part's
	-- units, checked and kept by the program.
	pack_quantity	TEXT NOT NULL DEFAULT '' CHECK (length(pack_quantity) <= 25),
	pack_quantity_native INTEGER NOT NULL DEFAULT 100000
			CHECK (pack_quantity_native BETWEEN 1 AND 999999999999999),
	available	INTEGER NOT NULL DEFAULT 0
			CHECK (available BETWEEN 0 AND 999999999999999),
	availability_updated TEXT,
	active		INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	updated		TEXT,
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
-- InvenTree's unique_together (part, supplier, SKU).
CREATE UNIQUE INDEX supplier_part_identity ON supplier_part(part, supplier, SKU);
CREATE INDEX supplier_part_supplier ON supplier_part(supplier, SKU);
CREATE INDEX supplier_part_sku ON supplier_part(SKU);
CREATE INDEX supplier_part_manufacturer_part
	ON supplier_part(manufacturer_part);

CREATE TABLE supplier_price_break (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	part		INTEGER NOT NULL REFERENCES supplier_part(id)
			ON DELETE CASCADE,
	quantity	INTEGER NOT NULL DEFAULT 100000
			CHECK (quantity BETWEEN 100000 AND 999999999999999),
	price		INTEGER CHECK (price IS NULL OR
			    price BETWEEN 0 AND 999999999999999),
	price_currency	TEXT NOT NULL DEFAULT 'USD'
			CHECK (length(price_currency) <= 3),
	updated		TEXT
) STRICT;
-- InvenTree's unique_together (part, quantity).
CREATE UNIQUE INDEX supplier_price_break_identity
	ON supplier_price_break(part, quantity);

-- The supplier part a stock item came from (InvenTree's
-- StockItem.supplier_part).
ALTER TABLE stock_item ADD COLUMN supplier_part INTEGER
	REFERENCES supplier_part(id) ON DELETE SET NULL;
CREATE INDEX stock_item_supplier_part ON stock_item(supplier_part)
	WHERE supplier_part IS NOT NULL;

-- Attachments of companies and manufacturer parts (InvenTree's
-- CompanyAttachment, ManufacturerPartAttachment): the attachment table's
-- CHECK names the models it takes (0004), and SQLite widens a CHECK only
-- by making the table again, with the same columns (so the programs of
-- schema 12 go on using it).  Its triggers go with it and are made again;
-- so are the two on other tables that name it (a table renamed into
-- place must find every trigger that names it valid), and the counter of
-- its ids is kept, so that no id is used twice.
DROP TRIGGER part_attachments_delete;
DROP TRIGGER stock_item_attachments_delete;
CREATE TABLE attachment_0013 (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	model_type	TEXT NOT NULL CHECK (model_type IN ('part', 'stockitem',
			    'company', 'manufacturerpart')),
	model_id	INTEGER NOT NULL CHECK (model_id > 0),
	file		TEXT CHECK (file IS NULL OR length(file) BETWEEN 1 AND 255),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 2000),
	comment		TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 250),
	filename	TEXT NOT NULL DEFAULT '' CHECK (length(filename) <= 255),
	file_size	INTEGER NOT NULL DEFAULT 0 CHECK (file_size >= 0),
	upload_date	TEXT NOT NULL DEFAULT (date('now')),
	upload_user	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	CHECK ((file IS NULL) <> (link = ''))
) STRICT;
INSERT INTO attachment_0013 (id, model_type, model_id, file, link, comment,
    filename, file_size, upload_date, upload_user)
    SELECT id, model_type, model_id, file, link, comment, filename,
    file_size, upload_date, upload_user FROM attachment;
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'attachment_0013', seq FROM sqlite_sequence
    WHERE name = 'attachment' AND NOT EXISTS
    (SELECT 1 FROM sqlite_sequence WHERE name = 'attachment_0013');
UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence
    WHERE name = 'attachment')) WHERE name = 'attachment_0013' AND EXISTS
    (SELECT 1 FROM sqlite_sequence WHERE name = 'attachment');
DROP TABLE attachment;
ALTER TABLE attachment_0013 RENAME TO attachment;
CREATE INDEX attachment_model ON attachment(model_type, model_id);
CREATE INDEX attachment_upload_user ON attachment(upload_user);
CREATE UNIQUE INDEX attachment_file ON attachment(file) WHERE file IS NOT NULL;

CREATE TRIGGER attachment_file_orphan AFTER DELETE ON attachment
WHEN old.file IS NOT NULL BEGIN
	INSERT OR IGNORE INTO media_orphan (path) VALUES (old.file);
END;

CREATE TRIGGER part_attachments_delete AFTER DELETE ON part BEGIN
	DELETE FROM attachment WHERE model_type = 'part' AND model_id = old.id;
	INSERT OR IGNORE INTO media_orphan (path)
	    SELECT old.image WHERE old.image IS NOT NULL;
	INSERT OR IGNORE INTO media_orphan (path)
	    SELECT old.thumbnail WHERE old.thumbnail IS NOT NULL;
END;

CREATE TRIGGER stock_item_attachments_delete AFTER DELETE ON stock_item BEGIN
	DELETE FROM attachment WHERE model_type = 'stockitem' AND
	    model_id = old.id;
END;

CREATE TRIGGER company_attachments_delete AFTER DELETE ON company BEGIN
	DELETE FROM attachment WHERE model_type = 'company' AND
	    model_id = old.id;
	INSERT OR IGNORE INTO media_orphan (path)
	    SELECT old.image WHERE old.image IS NOT NULL;
	INSERT OR IGNORE INTO media_orphan (path)
	    SELECT old.thumbnail WHERE old.thumbnail IS NOT NULL;
END;

-- A replaced company image's files are removed once the change commits.
CREATE TRIGGER company_image_replaced AFTER UPDATE OF image, thumbnail
    ON company BEGIN
	INSERT OR IGNORE INTO media_orphan (path)
	    SELECT old.image WHERE old.image IS NOT NULL AND
	    old.image IS NOT new.image;
	INSERT OR IGNORE INTO media_orphan (path)
	    SELECT old.thumbnail WHERE old.thumbnail IS NOT NULL AND
	    old.thumbnail IS NOT new.thumbnail;
END;

CREATE TRIGGER manufacturer_part_attachments_delete AFTER DELETE
    ON manufacturer_part BEGIN
	DELETE FROM attachment WHERE model_type = 'manufacturerpart' AND
	    model_id = old.id;
END;
