-- PostgreSQL twin of db/migrations/0009_fts_merge.sql.
--
-- On SQLite the full-text indexes gain a segment with every write and are
-- merged daily by the fts_merge task.  PostgreSQL has no FTS5 tables (its
-- trigram indexes are GIN indexes, which it maintains itself), but the
-- schedule row is the same on both engines, so that /api/ lists the same
-- tasks; the task has nothing to merge here.
INSERT INTO task_schedule (name, every) VALUES ('fts_merge', 86400);
