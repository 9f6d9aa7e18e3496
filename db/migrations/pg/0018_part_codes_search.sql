-- The twin of ../0018_part_codes_search.sql: a part is found by its
-- manufacturer part numbers and its suppliers' SKUs.  SQLite writes them
-- into its FTS5 index of parts; here pg_trgm GIN indexes on the columns
-- themselves serve "MPN LIKE '%term%'", as part_search does for the
-- part's own text (see 0003).

CREATE INDEX manufacturer_part_search ON manufacturer_part
	USING gin (MPN gin_trgm_ops);
CREATE INDEX supplier_part_search ON supplier_part
	USING gin (SKU gin_trgm_ops);
