-- compatible
-- A placeholder on the import branch only: numbers 19 to 21 are held by
-- other branches, and tools/embed-migrations.sh wants no gap before 0022.
-- Dropped when the branches are merged.
SELECT 1;
