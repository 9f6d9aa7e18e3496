-- compatible: programs built for schema 33 may run on it (the same tables,
-- columns, codes and kept figures; triggers that do the same work with
-- fewer instructions).
-- PostgreSQL twin of db/migrations/0034_cheaper_stock_triggers.sql.  What
-- SQLite pays there (a temporary b-tree for each "IN (a, b, c)" a trigger
-- or a CHECK runs) PostgreSQL does not: its trigger functions and the
-- tracking codes' CHECK stay as they are.  The one change that is not
-- about SQLite's IN is made here too: a part's in-stock change runs the
-- variant trigger only when the part is a variant (only a variant has
-- ancestors in part_variant_tree).
DROP TRIGGER part_variant_stock ON part;
CREATE TRIGGER part_variant_stock AFTER UPDATE OF in_stock ON part
	FOR EACH ROW WHEN (old.in_stock <> new.in_stock AND
	    new.variant_of IS NOT NULL)
	EXECUTE FUNCTION part_variant_stock();
