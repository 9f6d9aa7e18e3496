-- compatible: programs built for schema 18 may run on it (an index).
-- The twin of ../0019_part_category_list.sql: a category's parts by name,
-- NULLS FIRST as every ORDER BY term that lib/dialect.c writes.

CREATE INDEX part_category_list ON part (category, name NULLS FIRST, id);
DROP INDEX part_category_idx;
