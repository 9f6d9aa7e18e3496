-- compatible: programs built for schema 30 may run on it (a wider CHECK on
-- the tracking codes; the codes they write are still allowed).
-- PostgreSQL twin of db/migrations/0031_build_tracking.sql: build orders'
-- own tracking codes (55, 56, 57), and the rows written before them given
-- theirs.  See the SQLite migration for the why.
ALTER TABLE stock_tracking DROP CONSTRAINT stock_tracking_tracking_type_check;
ALTER TABLE stock_tracking ADD CONSTRAINT stock_tracking_tracking_type_check
	CHECK (tracking_type IN (1, 5, 10, 11, 12, 15, 20, 25, 40, 42, 45, 48,
	    55, 56, 57, 70));
UPDATE stock_tracking SET tracking_type = 57
	WHERE tracking_type = 12 AND deltas LIKE '%"buildorder"%';
UPDATE stock_tracking t SET tracking_type = CASE WHEN (SELECT status FROM
    stock_item WHERE id = t.item) = 65 THEN 56 ELSE 55 END
	WHERE tracking_type = 1 AND deltas LIKE '%"buildorder"%';
