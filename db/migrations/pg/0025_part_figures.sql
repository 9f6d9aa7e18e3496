-- compatible: programs built for schema 24 may run on it (columns with
-- defaults, kept by triggers).
-- The twin of ../0025_part_figures.sql: a part's allocated, building and
-- ordering figures, kept by triggers (the SQLite migration says why and
-- how); its triggers by the same names, sharing four trigger functions
-- (the WHEN of a trigger on the trigger).

ALTER TABLE part ADD COLUMN allocated bigint NOT NULL DEFAULT 0;
ALTER TABLE part ADD COLUMN building bigint NOT NULL DEFAULT 0;
ALTER TABLE part ADD COLUMN ordering bigint NOT NULL DEFAULT 0;

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

-- allocated: by difference.
CREATE FUNCTION part_allocated_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE part SET allocated = allocated - old.quantity
		    WHERE id = old.part;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		UPDATE part SET allocated = allocated + new.quantity
		    WHERE id = new.part;
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER build_item_allocated_ai AFTER INSERT ON build_item
	FOR EACH ROW EXECUTE FUNCTION part_allocated_keep();
CREATE TRIGGER build_item_allocated_ad AFTER DELETE ON build_item
	FOR EACH ROW EXECUTE FUNCTION part_allocated_keep();
CREATE TRIGGER build_item_allocated_au
	AFTER UPDATE OF part, quantity ON build_item
	FOR EACH ROW EXECUTE FUNCTION part_allocated_keep();

-- building: again in full for the parts of the builds touched.
CREATE FUNCTION part_building_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	parts bigint[] := '{}';
BEGIN
	IF TG_TABLE_NAME = 'build' THEN
		parts := ARRAY[old.part];
		IF TG_OP = 'UPDATE' THEN
			parts := parts || new.part;
		END IF;
	ELSE
		IF TG_OP <> 'INSERT' THEN
			parts := parts || old.build;
		END IF;
		IF TG_OP <> 'DELETE' THEN
			parts := parts || new.build;
		END IF;
		parts := ARRAY(SELECT part FROM build WHERE id = ANY (parts));
	END IF;
	UPDATE part SET building = (SELECT coalesce(sum(n), 0)
	    FROM part_building_output WHERE part = part.id)
	    WHERE id = ANY (parts);
	RETURN NULL;
END;
$$;
CREATE TRIGGER build_output_building_ai AFTER INSERT ON build_output
	FOR EACH ROW EXECUTE FUNCTION part_building_keep();
CREATE TRIGGER build_output_building_ad AFTER DELETE ON build_output
	FOR EACH ROW EXECUTE FUNCTION part_building_keep();
CREATE TRIGGER build_output_building_au
	AFTER UPDATE OF build, quantity, state ON build_output
	FOR EACH ROW EXECUTE FUNCTION part_building_keep();
CREATE TRIGGER build_building_ad AFTER DELETE ON build
	FOR EACH ROW EXECUTE FUNCTION part_building_keep();
CREATE TRIGGER build_building_au AFTER UPDATE OF part ON build
	FOR EACH ROW EXECUTE FUNCTION part_building_keep();

-- ordering: by difference as lines change (in one UPDATE when a line
-- stays with its supplier part and order).
CREATE FUNCTION part_ordering_line_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND old.part IS NOT DISTINCT FROM new.part AND
	    old.order_id = new.order_id THEN
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
		    WHERE id = (SELECT part FROM supplier_part
			WHERE id = new.part);
		RETURN NULL;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		UPDATE part SET ordering = ordering - coalesce((SELECT
		    (old.quantity - old.received) *
		    (sp.pack_quantity_native / 100000) + (old.quantity -
		    old.received) * (sp.pack_quantity_native % 100000) /
		    100000
		    FROM supplier_part sp, purchase_order o
		    WHERE sp.id = old.part AND o.id = old.order_id AND
		    (o.status = 10 OR o.status = 20 OR o.status = 25)), 0)
		    WHERE id = (SELECT part FROM supplier_part
			WHERE id = old.part);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		UPDATE part SET ordering = ordering + coalesce((SELECT
		    (new.quantity - new.received) *
		    (sp.pack_quantity_native / 100000) + (new.quantity -
		    new.received) * (sp.pack_quantity_native % 100000) /
		    100000
		    FROM supplier_part sp, purchase_order o
		    WHERE sp.id = new.part AND o.id = new.order_id AND
		    (o.status = 10 OR o.status = 20 OR o.status = 25)), 0)
		    WHERE id = (SELECT part FROM supplier_part
			WHERE id = new.part);
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER purchase_order_line_ordering_ai
	AFTER INSERT ON purchase_order_line
	FOR EACH ROW EXECUTE FUNCTION part_ordering_line_keep();
CREATE TRIGGER purchase_order_line_ordering_ad
	AFTER DELETE ON purchase_order_line
	FOR EACH ROW EXECUTE FUNCTION part_ordering_line_keep();
CREATE TRIGGER purchase_order_line_ordering_au
	AFTER UPDATE OF part, quantity, received, order_id ON purchase_order_line
	FOR EACH ROW
	WHEN (old.part IS NOT DISTINCT FROM new.part AND
	    old.order_id = new.order_id)
	EXECUTE FUNCTION part_ordering_line_keep();
CREATE TRIGGER purchase_order_line_ordering_mv
	AFTER UPDATE OF part, order_id ON purchase_order_line FOR EACH ROW
	WHEN (old.part IS DISTINCT FROM new.part OR
	    old.order_id <> new.order_id)
	EXECUTE FUNCTION part_ordering_line_keep();

-- An order's lines taken off before it goes (they cascade after it).
CREATE FUNCTION purchase_order_ordering_bd() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE part SET ordering = ordering - (SELECT coalesce(sum(n), 0)
	    FROM part_ordering_line WHERE order_id = old.id
	    AND part = part.id)
	    WHERE id IN (SELECT sp.part FROM purchase_order_line l
		JOIN supplier_part sp ON sp.id = l.part
		WHERE l.order_id = old.id);
	RETURN old;
END;
$$;
CREATE TRIGGER purchase_order_ordering_bd BEFORE DELETE ON purchase_order
	FOR EACH ROW EXECUTE FUNCTION purchase_order_ordering_bd();

-- Again in full: the parts of an order whose status changed, or of a
-- supplier part changed or gone.
CREATE FUNCTION part_ordering_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	parts bigint[];
BEGIN
	IF TG_TABLE_NAME = 'purchase_order' THEN
		parts := ARRAY(SELECT sp.part FROM purchase_order_line l
		    JOIN supplier_part sp ON sp.id = l.part
		    WHERE l.order_id = new.id);
	ELSIF TG_OP = 'UPDATE' THEN
		parts := ARRAY[old.part, new.part];
	ELSE
		parts := ARRAY[old.part];
	END IF;
	UPDATE part SET ordering = (SELECT coalesce(sum(n), 0)
	    FROM part_ordering_line WHERE part = part.id)
	    WHERE id = ANY (parts);
	RETURN NULL;
END;
$$;
CREATE TRIGGER purchase_order_ordering_au
	AFTER UPDATE OF status ON purchase_order
	FOR EACH ROW EXECUTE FUNCTION part_ordering_keep();
CREATE TRIGGER supplier_part_ordering_ad AFTER DELETE ON supplier_part
	FOR EACH ROW EXECUTE FUNCTION part_ordering_keep();
CREATE TRIGGER supplier_part_ordering_au
	AFTER UPDATE OF part, pack_quantity_native ON supplier_part
	FOR EACH ROW EXECUTE FUNCTION part_ordering_keep();
