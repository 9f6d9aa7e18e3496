-- Inventory: part categories, parts, stock locations, stock items and their
-- tracking history (InvenTree's part and stock apps).
--
-- Quantities and other decimals are INTEGERs counting 10^-5 units (see
-- lib/dec.h): InvenTree's 15 digits with 5 decimal places, exactly.
--
-- Trees (categories, locations) keep, besides parent, a materialized path of
-- ids, "/1/5/9/", so a subtree is one index range scan; pathstring and level
-- are what the API shows.  lib/tree.c keeps all three right.
--
-- Text search uses FTS5 trigram tables (substring matches, any case).  They
-- are kept in step by lib/ code in the same transaction as each change, not
-- by triggers: connections run with trusted_schema = OFF, under which SQLite
-- 3.40 refuses virtual tables inside triggers.  Part and stock item ids are
-- AUTOINCREMENT, never reused, so an index row left behind by a cascading
-- delete can never match a different object.

CREATE TABLE stock_location (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 250),
	parent		INTEGER REFERENCES stock_location(id),
	path		TEXT NOT NULL DEFAULT '/' CHECK (length(path) <= 2000),
	pathstring	TEXT NOT NULL DEFAULT '' CHECK (length(pathstring) <= 10000),
	level		INTEGER NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 100),
	structural	INTEGER NOT NULL DEFAULT 0 CHECK (structural IN (0, 1)),
	external	INTEGER NOT NULL DEFAULT 0 CHECK (external IN (0, 1)),
	icon		TEXT NOT NULL DEFAULT '' CHECK (length(icon) <= 100),
	CHECK (parent IS NULL OR parent <> id)
) STRICT;
CREATE INDEX stock_location_parent ON stock_location(parent);
CREATE INDEX stock_location_path ON stock_location(path);
CREATE UNIQUE INDEX stock_location_name ON stock_location(ifnull(parent, 0), name);

CREATE TABLE part_category (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 250),
	parent		INTEGER REFERENCES part_category(id),
	path		TEXT NOT NULL DEFAULT '/' CHECK (length(path) <= 2000),
	pathstring	TEXT NOT NULL DEFAULT '' CHECK (length(pathstring) <= 10000),
	level		INTEGER NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 100),
	structural	INTEGER NOT NULL DEFAULT 0 CHECK (structural IN (0, 1)),
	default_location INTEGER REFERENCES stock_location(id) ON DELETE SET NULL,
	default_keywords TEXT NOT NULL DEFAULT ''
			CHECK (length(default_keywords) <= 250),
	icon		TEXT NOT NULL DEFAULT '' CHECK (length(icon) <= 100),
	CHECK (parent IS NULL OR parent <> id)
) STRICT;
CREATE INDEX part_category_parent ON part_category(parent);
CREATE INDEX part_category_path ON part_category(path);
CREATE INDEX part_category_default_location ON part_category(default_location);
CREATE UNIQUE INDEX part_category_name ON part_category(ifnull(parent, 0), name);

CREATE TABLE part (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	IPN		TEXT NOT NULL DEFAULT '' CHECK (length(IPN) <= 100),
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 250),
	keywords	TEXT NOT NULL DEFAULT '' CHECK (length(keywords) <= 250),
	units		TEXT NOT NULL DEFAULT '' CHECK (length(units) <= 20),
	revision	TEXT NOT NULL DEFAULT '' CHECK (length(revision) <= 100),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 2000),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 50000),
	image		TEXT CHECK (image IS NULL OR length(image) <= 255),
	category	INTEGER REFERENCES part_category(id),
	default_location INTEGER REFERENCES stock_location(id) ON DELETE SET NULL,
	active		INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	assembly	INTEGER NOT NULL DEFAULT 0 CHECK (assembly IN (0, 1)),
	component	INTEGER NOT NULL DEFAULT 1 CHECK (component IN (0, 1)),
	purchaseable	INTEGER NOT NULL DEFAULT 1 CHECK (purchaseable IN (0, 1)),
	salable		INTEGER NOT NULL DEFAULT 0 CHECK (salable IN (0, 1)),
	trackable	INTEGER NOT NULL DEFAULT 0 CHECK (trackable IN (0, 1)),
	virtual		INTEGER NOT NULL DEFAULT 0 CHECK (virtual IN (0, 1)),
	is_template	INTEGER NOT NULL DEFAULT 0 CHECK (is_template IN (0, 1)),
	locked		INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
	testable	INTEGER NOT NULL DEFAULT 0 CHECK (testable IN (0, 1)),
	minimum_stock	INTEGER NOT NULL DEFAULT 0
			CHECK (minimum_stock BETWEEN 0 AND 999999999999999),
	creation_date	TEXT NOT NULL DEFAULT (date('now'))
			CHECK (creation_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	-- Sum of the quantities of this part's items that are in stock
	-- (status 10, 50, 55 or 85), kept by the triggers below.
	in_stock	INTEGER NOT NULL DEFAULT 0 CHECK (in_stock >= 0),
	-- Number of stock items of this part, whatever their status.
	stock_count	INTEGER NOT NULL DEFAULT 0 CHECK (stock_count >= 0)
) STRICT;
CREATE INDEX part_category_idx ON part(category);
CREATE INDEX part_default_location ON part(default_location);
CREATE INDEX part_ipn ON part(IPN);
CREATE INDEX part_name ON part(name);
CREATE INDEX part_active ON part(active);
CREATE INDEX part_in_stock ON part(in_stock);
CREATE UNIQUE INDEX part_identity ON part(name, IPN, revision);

CREATE TABLE stock_item (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	part		INTEGER NOT NULL REFERENCES part(id) ON DELETE CASCADE,
	location	INTEGER REFERENCES stock_location(id) ON DELETE SET NULL,
	parent		INTEGER REFERENCES stock_item(id) ON DELETE SET NULL,
	quantity	INTEGER NOT NULL
			CHECK (quantity BETWEEN 0 AND 999999999999999),
	batch		TEXT NOT NULL DEFAULT '' CHECK (length(batch) <= 100),
	serial		TEXT NOT NULL DEFAULT '' CHECK (length(serial) <= 100),
	status		INTEGER NOT NULL DEFAULT 10
			CHECK (status IN (10, 50, 55, 60, 65, 70, 75, 85)),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 50000),
	packaging	TEXT NOT NULL DEFAULT '' CHECK (length(packaging) <= 50),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 2000),
	expiry_date	TEXT CHECK (expiry_date IS NULL OR expiry_date GLOB
			    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	purchase_price	INTEGER CHECK (purchase_price IS NULL OR
			    purchase_price BETWEEN 0 AND 999999999999999),
	purchase_price_currency TEXT NOT NULL DEFAULT ''
			CHECK (length(purchase_price_currency) <= 3),
	delete_on_deplete INTEGER NOT NULL DEFAULT 0
			CHECK (delete_on_deplete IN (0, 1)),
	updated		TEXT NOT NULL
			DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	stocktake_date	TEXT CHECK (stocktake_date IS NULL OR stocktake_date
			    GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	CHECK (parent IS NULL OR parent <> id)
) STRICT;
CREATE INDEX stock_item_part ON stock_item(part, status);
CREATE INDEX stock_item_location ON stock_item(location);
CREATE INDEX stock_item_parent ON stock_item(parent);
CREATE INDEX stock_item_status ON stock_item(status);
CREATE INDEX stock_item_batch ON stock_item(batch);
CREATE INDEX stock_item_updated ON stock_item(updated);
CREATE UNIQUE INDEX stock_item_serial ON stock_item(part, serial)
	WHERE serial <> '';

-- Tracking history.  user refers to the accounts' users table; a user who
-- is deleted leaves their history behind, anonymous.
CREATE TABLE stock_tracking (
	id		INTEGER PRIMARY KEY,
	item		INTEGER NOT NULL REFERENCES stock_item(id) ON DELETE CASCADE,
	date		TEXT NOT NULL
			DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	tracking_type	INTEGER NOT NULL CHECK (tracking_type IN
			    (1, 5, 10, 11, 12, 15, 20, 25, 40, 42, 45, 70)),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
	user		INTEGER REFERENCES users(id) ON DELETE SET NULL,
	deltas		TEXT NOT NULL DEFAULT '{}' CHECK (length(deltas) <= 10000)
) STRICT;
CREATE INDEX stock_tracking_item ON stock_tracking(item, id);
CREATE INDEX stock_tracking_user ON stock_tracking(user);

-- in_stock / stock_count of each part, from its items.  The in-stock
-- statuses are InvenTree's AVAILABLE_CODES: OK, attention, damaged, returned.
CREATE TRIGGER stock_item_ai AFTER INSERT ON stock_item BEGIN
	UPDATE part SET stock_count = stock_count + 1,
	    in_stock = in_stock + CASE WHEN new.status IN (10, 50, 55, 85)
		THEN new.quantity ELSE 0 END
	    WHERE id = new.part;
END;
CREATE TRIGGER stock_item_ad AFTER DELETE ON stock_item BEGIN
	UPDATE part SET stock_count = stock_count - 1,
	    in_stock = in_stock - CASE WHEN old.status IN (10, 50, 55, 85)
		THEN old.quantity ELSE 0 END
	    WHERE id = old.part;
END;
CREATE TRIGGER stock_item_au AFTER UPDATE OF part, quantity, status
    ON stock_item BEGIN
	UPDATE part SET stock_count = stock_count - 1,
	    in_stock = in_stock - CASE WHEN old.status IN (10, 50, 55, 85)
		THEN old.quantity ELSE 0 END
	    WHERE id = old.part;
	UPDATE part SET stock_count = stock_count + 1,
	    in_stock = in_stock + CASE WHEN new.status IN (10, 50, 55, 85)
		THEN new.quantity ELSE 0 END
	    WHERE id = new.part;
END;

CREATE VIRTUAL TABLE part_fts USING fts5(name, IPN, description, keywords,
    tokenize = 'trigram');
CREATE VIRTUAL TABLE stock_item_fts USING fts5(batch, serial, notes,
    tokenize = 'trigram');
