-- compatible: programs built for schema 24 may run on it (columns with
-- defaults, kept by triggers).
-- A part's allocated, building and ordering figures, kept on the part
-- (issues 14 and 22): each was a subquery at every read of a part, a
-- sixth of a page of 50 parts.  Triggers work each figure out again, in
-- full, for the parts a change touches, so a figure is whatever the rows
-- say after every statement (cascades included: a row whose build, order
-- or supplier part is gone no longer counts, and a trigger that can no
-- longer find its part changes nothing).  `stockroom check` counts them
-- again (domain/inventory/tally.c); in units of 1/100000 as quantities.
-- The views give the rows a figure adds up, once, for the triggers and
-- the check (without GROUP BY, so that a part's rows are found by index).
--
--   allocated: stock allocated to builds (build_item)
--   building:  outputs of its builds in production (build_output.state 1)
--   ordering:  on order, not yet received, in the part's units: the open
--              orders' (pending, placed, on hold) lines, packs converted
--              (the whole packs first, so that a billion packs do not
--              overflow 64 bits; the statuses as comparisons, since
--              SQLite makes a list of three or more into a temporary
--              table at each run)

ALTER TABLE part ADD COLUMN allocated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE part ADD COLUMN building INTEGER NOT NULL DEFAULT 0;
ALTER TABLE part ADD COLUMN ordering INTEGER NOT NULL DEFAULT 0;

CREATE VIEW part_building_output (part, n) AS
	SELECT b.part, o.quantity FROM build b
	JOIN build_output o ON o.build = b.id WHERE o.state = 1;
CREATE VIEW part_ordering_line (part, n, order_id) AS
	SELECT sp.part, (l.quantity - l.received) *
	    (sp.pack_quantity_native / 100000) + (l.quantity - l.received) *
	    (sp.pack_quantity_native % 100000) / 100000, l.order_id
	FROM supplier_part sp
	JOIN purchase_order_line l ON l.part = sp.id
	JOIN purchase_order o ON o.id = l.order_id
	WHERE l.received < l.quantity
	AND (o.status = 10 OR o.status = 20 OR o.status = 25);

UPDATE part SET
    allocated = (SELECT coalesce(sum(quantity), 0) FROM build_item
	WHERE part = part.id),
    building = (SELECT coalesce(sum(n), 0) FROM part_building_output
	WHERE part = part.id),
    ordering = (SELECT coalesce(sum(n), 0) FROM part_ordering_line
	WHERE part = part.id)
    WHERE id IN (SELECT part FROM build_item
	UNION SELECT part FROM build
	UNION SELECT part FROM supplier_part);

-- allocated: by difference (every change of a row carries its quantity).
CREATE TRIGGER build_item_allocated_ai AFTER INSERT ON build_item BEGIN
	UPDATE part SET allocated = allocated + new.quantity
	    WHERE id = new.part;
END;
CREATE TRIGGER build_item_allocated_ad AFTER DELETE ON build_item BEGIN
	UPDATE part SET allocated = allocated - old.quantity
	    WHERE id = old.part;
END;
CREATE TRIGGER build_item_allocated_au AFTER UPDATE OF part, quantity
    ON build_item BEGIN
	UPDATE part SET allocated = allocated - old.quantity
	    WHERE id = old.part;
	UPDATE part SET allocated = allocated + new.quantity
	    WHERE id = new.part;
END;

-- building: again in full for the build's part.
CREATE TRIGGER build_output_building_ai AFTER INSERT ON build_output BEGIN
	UPDATE part SET building = (SELECT coalesce(sum(n), 0)
	    FROM part_building_output WHERE part = part.id)
	    WHERE id = (SELECT part FROM build WHERE id = new.build);
END;
CREATE TRIGGER build_output_building_ad AFTER DELETE ON build_output BEGIN
	UPDATE part SET building = (SELECT coalesce(sum(n), 0)
	    FROM part_building_output WHERE part = part.id)
	    WHERE id = (SELECT part FROM build WHERE id = old.build);
END;
CREATE TRIGGER build_output_building_au AFTER UPDATE OF build, quantity,
    state ON build_output BEGIN
	UPDATE part SET building = (SELECT coalesce(sum(n), 0)
	    FROM part_building_output WHERE part = part.id)
	    WHERE id IN (SELECT part FROM build
		WHERE id = old.build OR id = new.build);
END;
CREATE TRIGGER build_building_ad AFTER DELETE ON build BEGIN
	UPDATE part SET building = (SELECT coalesce(sum(n), 0)
	    FROM part_building_output WHERE part = part.id)
	    WHERE id = old.part;
END;
CREATE TRIGGER build_building_au AFTER UPDATE OF part ON build BEGIN
	UPDATE part SET building = (SELECT coalesce(sum(n), 0)
	    FROM part_building_output WHERE part = part.id)
	    WHERE id = old.part OR id = new.part;
END;

-- ordering: by difference as lines change (a line's share, as
-- part_ordering_line gives it, while its order is open: one UPDATE of the
-- part when a line stays with its supplier part and order, as receiving
-- does; the order's lines taken off before the order goes, since they
-- cascade after it); again in full when an order's status or a supplier
-- part changes.
CREATE TRIGGER purchase_order_line_ordering_ai AFTER INSERT
    ON purchase_order_line BEGIN
	UPDATE part SET ordering = ordering + coalesce((SELECT
	    (new.quantity - new.received) *
	    (sp.pack_quantity_native / 100000) + (new.quantity -
	    new.received) * (sp.pack_quantity_native % 100000) /
	    100000 FROM supplier_part sp, purchase_order o
	    WHERE sp.id = new.part AND o.id = new.order_id AND
	    (o.status = 10 OR o.status = 20 OR o.status = 25)), 0)
	    WHERE id = (SELECT part FROM supplier_part WHERE id = new.part);
END;
CREATE TRIGGER purchase_order_line_ordering_ad AFTER DELETE
    ON purchase_order_line BEGIN
	UPDATE part SET ordering = ordering - coalesce((SELECT
	    (old.quantity - old.received) *
	    (sp.pack_quantity_native / 100000) + (old.quantity -
	    old.received) * (sp.pack_quantity_native % 100000) /
	    100000 FROM supplier_part sp, purchase_order o
	    WHERE sp.id = old.part AND o.id = old.order_id AND
	    (o.status = 10 OR o.status = 20 OR o.status = 25)), 0)
	    WHERE id = (SELECT part FROM supplier_part WHERE id = old.part);
END;
CREATE TRIGGER purchase_order_line_ordering_au AFTER UPDATE OF part,
    quantity, received, order_id ON purchase_order_line
    WHEN old.part IS new.part AND old.order_id = new.order_id BEGIN
	UPDATE part SET ordering = ordering + coalesce((SELECT
	    (new.quantity - new.received) *
	    (sp.pack_quantity_native / 100000) + (new.quantity -
	    new.received) * (sp.pack_quantity_native % 100000) /
	    100000 - ((old.quantity - old.received) *
	    (sp.pack_quantity_native / 100000) + (old.quantity -
	    old.received) * (sp.pack_quantity_native % 100000) /
	    100000)
	    FROM supplier_part sp, purchase_order o
	    WHERE sp.id = new.part AND o.id = new.order_id AND
	    (o.status = 10 OR o.status = 20 OR o.status = 25)), 0)
	    WHERE id = (SELECT part FROM supplier_part WHERE id = new.part);
END;
CREATE TRIGGER purchase_order_line_ordering_mv AFTER UPDATE OF part,
    order_id ON purchase_order_line
    WHEN old.part IS NOT new.part OR old.order_id <> new.order_id BEGIN
	UPDATE part SET ordering = ordering - coalesce((SELECT
	    (old.quantity - old.received) *
	    (sp.pack_quantity_native / 100000) + (old.quantity -
	    old.received) * (sp.pack_quantity_native % 100000) /
	    100000 FROM supplier_part sp, purchase_order o
	    WHERE sp.id = old.part AND o.id = old.order_id AND
	    (o.status = 10 OR o.status = 20 OR o.status = 25)), 0)
	    WHERE id = (SELECT part FROM supplier_part WHERE id = old.part);
	UPDATE part SET ordering = ordering + coalesce((SELECT
	    (new.quantity - new.received) *
	    (sp.pack_quantity_native / 100000) + (new.quantity -
	    new.received) * (sp.pack_quantity_native % 100000) /
	    100000 FROM supplier_part sp, purchase_order o
	    WHERE sp.id = new.part AND o.id = new.order_id AND
	    (o.status = 10 OR o.status = 20 OR o.status = 25)), 0)
	    WHERE id = (SELECT part FROM supplier_part WHERE id = new.part);
END;
CREATE TRIGGER purchase_order_ordering_bd BEFORE DELETE
    ON purchase_order BEGIN
	UPDATE part SET ordering = ordering - (SELECT coalesce(sum(n), 0)
	    FROM part_ordering_line WHERE order_id = old.id
	    AND part = part.id)
	    WHERE id IN (SELECT sp.part FROM purchase_order_line l
		JOIN supplier_part sp ON sp.id = l.part
		WHERE l.order_id = old.id);
END;
CREATE TRIGGER purchase_order_ordering_au AFTER UPDATE OF status
    ON purchase_order BEGIN
	UPDATE part SET ordering = (SELECT coalesce(sum(n), 0)
	    FROM part_ordering_line WHERE part = part.id)
	    WHERE id IN (SELECT sp.part FROM purchase_order_line l
		JOIN supplier_part sp ON sp.id = l.part
		WHERE l.order_id = new.id);
END;
CREATE TRIGGER supplier_part_ordering_ad AFTER DELETE ON supplier_part
BEGIN
	UPDATE part SET ordering = (SELECT coalesce(sum(n), 0)
	    FROM part_ordering_line WHERE part = part.id)
	    WHERE id = old.part;
END;
CREATE TRIGGER supplier_part_ordering_au AFTER UPDATE OF part,
    pack_quantity_native ON supplier_part BEGIN
	UPDATE part SET ordering = (SELECT coalesce(sum(n), 0)
	    FROM part_ordering_line WHERE part = part.id)
	    WHERE id = old.part OR id = new.part;
END;
