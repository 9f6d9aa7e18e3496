-- compatible: programs built for schema 18 may run on it (an index).
-- The parts of a category and its subtree, by name (?category=&cascade=,
-- the web app's category page): each category's parts are one range of
-- this index, name and id included, so a page of them is sorted from the
-- index alone instead of reading every part's row for its name (5,235
-- parts under category 1 of the benchmark data: callgrind 19.3 -> 3.4 M
-- instructions a page).  It also serves everything part_category_idx
-- (category alone) served.

CREATE INDEX part_category_list ON part(category, name, id);
DROP INDEX part_category_idx;
