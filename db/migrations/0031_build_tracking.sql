-- compatible: programs built for schema 30 may run on it (a wider CHECK on
-- the tracking codes; the codes they write are still allowed).
-- Build orders' own tracking codes, as InvenTree's StockHistoryCode has
-- them (issue 16; docs/bom.md): BUILD_OUTPUT_COMPLETED (55) on the stock
-- item a completed output became, BUILD_OUTPUT_REJECTED (56) on a
-- scrapped one, BUILD_CONSUMED (57) on stock a build consumed.  Until now
-- those were written as "created" (1) and "removed" (12) with a
-- buildorder delta; the rows copied here are given their code.
--
-- The table made again with the wider CHECK (SQLite changes no CHECK in
-- place), its rows, indexes and count triggers as they were (0028).
CREATE TABLE stock_tracking_new (
	id		INTEGER PRIMARY KEY,
	item		INTEGER NOT NULL REFERENCES stock_item(id) ON DELETE CASCADE,
	date		TEXT NOT NULL
			DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	tracking_type	INTEGER NOT NULL CHECK (tracking_type IN
			    (1, 5, 10, 11, 12, 15, 20, 25, 40, 42, 45, 48, 55,
			    56, 57, 70)),
	notes		TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
	user		INTEGER REFERENCES users(id) ON DELETE SET NULL,
	deltas		TEXT NOT NULL DEFAULT '{}' CHECK (length(deltas) <= 10000)
) STRICT;
INSERT INTO stock_tracking_new (id, item, date, tracking_type, notes, user,
    deltas)
	SELECT t.id, t.item, t.date,
	    CASE WHEN t.tracking_type = 12 AND t.deltas LIKE '%"buildorder"%'
		THEN 57
		WHEN t.tracking_type = 1 AND t.deltas LIKE '%"buildorder"%'
		THEN CASE WHEN (SELECT status FROM stock_item WHERE id = t.item)
		    = 65 THEN 56 ELSE 55 END
		ELSE t.tracking_type END,
	    t.notes, t.user, t.deltas
	FROM stock_tracking t;
DROP TABLE stock_tracking;
ALTER TABLE stock_tracking_new RENAME TO stock_tracking;
CREATE INDEX stock_tracking_item ON stock_tracking(item, id);
CREATE INDEX stock_tracking_user ON stock_tracking(user);
CREATE TRIGGER stock_tracking_tally_ai AFTER INSERT ON stock_tracking BEGIN
	INSERT INTO tally (name, id, n) VALUES ('stock_tracking', 0, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER stock_tracking_tally_ad AFTER DELETE ON stock_tracking BEGIN
	INSERT INTO tally (name, id, n) VALUES ('stock_tracking', 0, -1)
	    ON CONFLICT DO UPDATE SET n = n - 1;
END;
