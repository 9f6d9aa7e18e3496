-- compatible: changes nothing.
-- A placeholder: number 15 belongs to another branch's migration, made at
-- the same time as 0016; whoever merges the two drops this file.
SELECT 1;
