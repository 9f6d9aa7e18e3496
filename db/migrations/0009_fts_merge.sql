-- The full-text indexes (part_fts, stock_item_fts) gain a segment with
-- every write and a search reads all of them: merge them daily, a little
-- at a time (the fts_merge task in lib/task.c).
INSERT INTO task_schedule (name, every) VALUES ('fts_merge', 86400);
