-- compatible: programs built for schema 24 may run on it (new columns with
-- defaults, a new table, and a wider CHECK on the tracking codes).
-- PostgreSQL twin of db/migrations/0025_variants.sql: part templates and
-- variants, the closure of the variant trees and the variant stock kept
-- by triggers.  See the SQLite migration for the why.  The tracking codes'
-- CHECK is changed in place (SQLite makes the table again).

ALTER TABLE part ADD COLUMN variant_of bigint
	REFERENCES part(id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE part ADD COLUMN variant_stock bigint NOT NULL DEFAULT 0
	CHECK (variant_stock >= 0);
CREATE INDEX part_variant_of ON part(variant_of);

CREATE TABLE part_variant_tree (
	ancestor	bigint NOT NULL,
	descendant	bigint NOT NULL,
	PRIMARY KEY (ancestor, descendant)
);
CREATE INDEX part_variant_tree_up ON part_variant_tree(descendant, ancestor);

CREATE FUNCTION part_variant_ai() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO part_variant_tree (ancestor, descendant)
	    SELECT new.variant_of, new.id
	    UNION ALL SELECT ancestor, new.id FROM part_variant_tree
	    WHERE descendant = new.variant_of;
	UPDATE part SET variant_stock = variant_stock + new.in_stock
	    WHERE new.in_stock <> 0 AND id IN (SELECT ancestor
		FROM part_variant_tree WHERE descendant = new.id);
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_variant_ai AFTER INSERT ON part
	FOR EACH ROW WHEN (new.variant_of IS NOT NULL)
	EXECUTE FUNCTION part_variant_ai();

CREATE FUNCTION part_variant_au() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE part SET variant_stock = variant_stock -
	    (new.in_stock + new.variant_stock)
	    WHERE id IN (SELECT ancestor FROM part_variant_tree
		WHERE descendant = new.id);
	DELETE FROM part_variant_tree
	    WHERE ancestor IN (SELECT ancestor FROM part_variant_tree
		WHERE descendant = new.id)
	    AND (descendant = new.id OR descendant IN (SELECT descendant
		FROM part_variant_tree WHERE ancestor = new.id));
	INSERT INTO part_variant_tree (ancestor, descendant)
	    SELECT a.ancestor, d.descendant FROM
		(SELECT new.variant_of AS ancestor WHERE new.variant_of IS
		    NOT NULL UNION ALL SELECT ancestor FROM part_variant_tree
		    WHERE descendant = new.variant_of) a,
		(SELECT new.id AS descendant UNION ALL
		    SELECT descendant FROM part_variant_tree
		    WHERE ancestor = new.id) d;
	UPDATE part SET variant_stock = variant_stock +
	    (new.in_stock + new.variant_stock)
	    WHERE id IN (SELECT ancestor FROM part_variant_tree
		WHERE descendant = new.id);
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_variant_au AFTER UPDATE OF variant_of ON part
	FOR EACH ROW WHEN (old.variant_of IS DISTINCT FROM new.variant_of)
	EXECUTE FUNCTION part_variant_au();

CREATE FUNCTION part_variant_stock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE part SET variant_stock = variant_stock +
	    (new.in_stock - old.in_stock)
	    WHERE id IN (SELECT ancestor FROM part_variant_tree
		WHERE descendant = new.id);
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_variant_stock AFTER UPDATE OF in_stock ON part
	FOR EACH ROW WHEN (old.in_stock <> new.in_stock)
	EXECUTE FUNCTION part_variant_stock();

CREATE FUNCTION part_variant_ad() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE part SET variant_stock = variant_stock - old.in_stock
	    WHERE old.in_stock <> 0 AND id IN (SELECT ancestor
		FROM part_variant_tree WHERE descendant = old.id);
	DELETE FROM part_variant_tree
	    WHERE descendant = old.id OR ancestor = old.id;
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_variant_ad AFTER DELETE ON part
	FOR EACH ROW EXECUTE FUNCTION part_variant_ad();

ALTER TABLE stock_tracking DROP CONSTRAINT stock_tracking_tracking_type_check;
ALTER TABLE stock_tracking ADD CONSTRAINT stock_tracking_tracking_type_check
	CHECK (tracking_type IN (1, 5, 10, 11, 12, 15, 20, 25, 40, 42, 45, 48,
	    70));
