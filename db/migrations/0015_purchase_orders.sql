-- compatible: programs built for schema 14 may run on it (new tables, and
-- a column of stock_item that older programs never write).
-- Purchase orders (issue 15, the order side): InvenTree's PurchaseOrder,
-- PurchaseOrderLineItem and PurchaseOrderExtraLine, with InvenTree's field
-- names and limits.  The resources are described in
-- domain/purchasing/order.c; the API is cgi-bin/order.c.
--
-- Decimals (quantity, received, prices) are integers counting 10^-5, as
-- everywhere (lib/dec.h).  Dates are YYYY-MM-DD text.  A line's "order"
-- column is order_id ("order" is a word of SQL).
--
-- Status codes (InvenTree's PurchaseOrderStatus): pending 10, placed 20,
-- on hold 25, complete 30, cancelled 40, lost 50, returned 60.

CREATE TABLE purchase_order (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	-- PO-0001: the setting's pattern; reference_int is its number,
	-- for ordering and for the next reference.
	reference	TEXT NOT NULL UNIQUE
			CHECK (length(reference) BETWEEN 1 AND 64),
	reference_int	INTEGER NOT NULL DEFAULT 0,
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 250),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 2000),
	-- InvenTree keeps an order whose supplier is deleted (SET_NULL).
	supplier	INTEGER REFERENCES company(id) ON DELETE SET NULL,
	supplier_reference TEXT NOT NULL DEFAULT ''
			CHECK (length(supplier_reference) <= 64),
	contact		INTEGER REFERENCES contact(id) ON DELETE SET NULL,
	address		INTEGER REFERENCES address(id) ON DELETE SET NULL,
	status		INTEGER NOT NULL DEFAULT 10
			CHECK (status IN (10, 20, 25, 30, 40, 50, 60)),
	creation_date	TEXT,
	created_by	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	issue_date	TEXT,
	start_date	TEXT,
	target_date	TEXT,
	complete_date	TEXT,
	destination	INTEGER REFERENCES stock_location(id) ON DELETE SET NULL,
	responsible	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	order_currency	TEXT NOT NULL DEFAULT '' CHECK (length(order_currency) <= 3),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 50000),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX purchase_order_supplier ON purchase_order(supplier);
CREATE INDEX purchase_order_status ON purchase_order(status);
CREATE INDEX purchase_order_reference_int ON purchase_order(reference_int);

-- A line: so many of a supplier part (in the supplier's packs), of which
-- so many received; never more received than ordered.
CREATE TABLE purchase_order_line (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	order_id	INTEGER NOT NULL REFERENCES purchase_order(id)
			ON DELETE CASCADE,
	part		INTEGER REFERENCES supplier_part(id) ON DELETE SET NULL,
	quantity	INTEGER NOT NULL DEFAULT 100000
			CHECK (quantity BETWEEN 1 AND 999999999999999),
	received	INTEGER NOT NULL DEFAULT 0
			CHECK (received >= 0 AND received <= quantity),
	purchase_price	INTEGER CHECK (purchase_price IS NULL OR
			    purchase_price BETWEEN 0 AND 999999999999999),
	purchase_price_currency TEXT NOT NULL DEFAULT ''
			CHECK (length(purchase_price_currency) <= 3),
	reference	TEXT NOT NULL DEFAULT '' CHECK (length(reference) <= 100),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 500),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 2000),
	destination	INTEGER REFERENCES stock_location(id) ON DELETE SET NULL,
	target_date	TEXT,
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX purchase_order_line_order ON purchase_order_line(order_id);
CREATE INDEX purchase_order_line_part ON purchase_order_line(part);

CREATE TABLE purchase_order_extra_line (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	order_id	INTEGER NOT NULL REFERENCES purchase_order(id)
			ON DELETE CASCADE,
	description	TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 250),
	quantity	INTEGER NOT NULL DEFAULT 100000
			CHECK (quantity BETWEEN 0 AND 999999999999999),
	price		INTEGER CHECK (price IS NULL OR
			    price BETWEEN -999999999999999 AND 999999999999999),
	price_currency	TEXT NOT NULL DEFAULT '' CHECK (length(price_currency) <= 3),
	reference	TEXT NOT NULL DEFAULT '' CHECK (length(reference) <= 100),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 500),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 2000),
	metadata	TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX purchase_order_extra_line_order
	ON purchase_order_extra_line(order_id);

-- The order a stock item was received against (InvenTree's
-- StockItem.purchase_order).
ALTER TABLE stock_item ADD COLUMN purchase_order INTEGER
	REFERENCES purchase_order(id) ON DELETE SET NULL;
CREATE INDEX stock_item_purchase_order ON stock_item(purchase_order)
	WHERE purchase_order IS NOT NULL;
