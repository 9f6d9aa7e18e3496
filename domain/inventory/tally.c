/*
 * tally: the maintained counts, counted again.  See tally.h.
 */
#include <stdio.h>

#include <sqlite3.h>

#include "ctx.h"
#include "db.h"
#include "inventory/tally.h"

/*
 * Every count as the rows give it, beside every row of tally; a row of
 * the answer is a (name, id) whose two differ.  Subtrees come from the
 * paths ("/1/5/" is below "/1/"), independent of the closure tables.
 */
static const char tally_sql_counts[] =
    "WITH want (name, id, n) AS ("
    " SELECT 'part', 0, count(*) FROM part"
    " UNION ALL SELECT 'stock_item', 0, count(*) FROM stock_item"
    " UNION ALL SELECT 'stock_tracking', 0, count(*) FROM stock_tracking"
    " UNION ALL SELECT 'manufacturer_part', 0, count(*)"
    "  FROM manufacturer_part"
    " UNION ALL SELECT 'supplier_part', 0, count(*) FROM supplier_part"
    " UNION ALL SELECT 'supplier_price_break', 0, count(*)"
    "  FROM supplier_price_break"
    " UNION ALL SELECT 'purchase_order_line', 0, count(*)"
    "  FROM purchase_order_line"
    " UNION ALL SELECT 'part_parameter', 0, count(*) FROM part_parameter"
    " UNION ALL SELECT 'bom_item_substitute', 0, count(*)"
    "  FROM bom_item_substitute"
    " UNION ALL SELECT 'part.active', active, count(*) FROM part"
    "  GROUP BY active"
    " UNION ALL SELECT 'part_parameter.template', template, count(*)"
    "  FROM part_parameter GROUP BY template"
    " UNION ALL SELECT 'stock_item.in_stock', 0, count(*) FROM stock_item"
    "  WHERE status IN (10, 50, 55, 85) AND quantity > 0"
    "  AND consumed_by IS NULL"
    " UNION ALL SELECT 'stock_item.status', status, count(*) FROM stock_item"
    "  GROUP BY status"
    " UNION ALL SELECT 'stock_location.items', a.id, count(*)"
    "  FROM stock_location a, stock_location d, stock_item s"
    "  WHERE d.path >= a.path AND d.path < a.path || '~'"
    "  AND s.location = d.id GROUP BY a.id"
    " UNION ALL SELECT 'stock_location.in_stock', a.id, count(*)"
    "  FROM stock_location a, stock_location d, stock_item s"
    "  WHERE d.path >= a.path AND d.path < a.path || '~'"
    "  AND s.location = d.id AND s.status IN (10, 50, 55, 85)"
    "  AND s.quantity > 0 AND s.consumed_by IS NULL GROUP BY a.id"
    " UNION ALL SELECT 'part_category.parts', a.id, count(*)"
    "  FROM part_category a, part_category d, part p"
    "  WHERE d.path >= a.path AND d.path < a.path || '~'"
    "  AND p.category = d.id GROUP BY a.id"
    " UNION ALL SELECT 'part_category.active_parts', a.id, count(*)"
    "  FROM part_category a, part_category d, part p"
    "  WHERE d.path >= a.path AND d.path < a.path || '~'"
    "  AND p.category = d.id AND p.active = 1 GROUP BY a.id"
    " UNION ALL SELECT 'part_category.items', a.id, count(*)"
    "  FROM part_category a, part_category d, part p, stock_item s"
    "  WHERE d.path >= a.path AND d.path < a.path || '~'"
    "  AND p.category = d.id AND s.part = p.id GROUP BY a.id"
    ") "
    "SELECT name, id, sum(have), sum(want) FROM ("
    " SELECT name, id, n AS have, 0 AS want FROM tally"
    " UNION ALL SELECT name, id, 0, n FROM want"
    ") AS d GROUP BY name, id HAVING sum(have) <> sum(want) "
    "ORDER BY name, id";

/* Each part's kept figures (migrations 0003, 0025 and 0026) as its rows
 * give them: a row of the answer is a figure that differs. */
static const char tally_sql_part_figures[] =
    "WITH f AS (SELECT p.id, p.stock_count AS k1, p.in_stock AS k2,"
    " p.allocated AS k3, p.building AS k4, p.ordering AS k5,"
    " (SELECT count(*) FROM stock_item WHERE part = p.id) AS c1,"
    " (SELECT coalesce(sum(CASE WHEN status IN (10, 50, 55, 85)"
    "  AND consumed_by IS NULL THEN quantity END), 0) FROM stock_item"
    "  WHERE part = p.id) AS c2,"
    " (SELECT coalesce(sum(quantity), 0) FROM build_item"
    "  WHERE part = p.id) AS c3,"
    " (SELECT coalesce(sum(n), 0) FROM part_building_output"
    "  WHERE part = p.id) AS c4,"
    " (SELECT coalesce(sum(n), 0) FROM part_ordering_line"
    "  WHERE part = p.id) AS c5 FROM part p) "
    "SELECT id, 'stock_count', k1, c1 FROM f WHERE k1 <> c1"
    " UNION ALL SELECT id, 'in_stock', k2, c2 FROM f WHERE k2 <> c2"
    " UNION ALL SELECT id, 'allocated', k3, c3 FROM f WHERE k3 <> c3"
    " UNION ALL SELECT id, 'building', k4, c4 FROM f WHERE k4 <> c4"
    " UNION ALL SELECT id, 'ordering', k5, c5 FROM f WHERE k5 <> c5"
    " ORDER BY 1, 2";

/*
 * A part's variants at any depth from variant_of alone (UNION, not UNION
 * ALL: a cycle, which the programs refuse, would still end).
 */
#define TALLY_VARIANTS \
    "variants (ancestor, descendant) AS (" \
    " SELECT variant_of, id FROM part WHERE variant_of IS NOT NULL" \
    " UNION SELECT p.variant_of, v.descendant FROM variants v" \
    "  JOIN part p ON p.id = v.ancestor WHERE p.variant_of IS NOT NULL)"

/* The closure tables against the paths (the variant trees' against
 * variant_of): pairs one has and not the other. */
static const char tally_sql_trees[] =
    "WITH RECURSIVE " TALLY_VARIANTS ", want (tree, ancestor, descendant) "
    "AS ("
    " SELECT 'stock_location', a.id, d.id FROM stock_location a,"
    "  stock_location d WHERE d.path >= a.path AND d.path < a.path || '~'"
    " UNION ALL SELECT 'part_category', a.id, d.id FROM part_category a,"
    "  part_category d WHERE d.path >= a.path AND d.path < a.path || '~'"
    " UNION ALL SELECT 'part_variant', ancestor, descendant FROM variants"
    "), have (tree, ancestor, descendant) AS ("
    " SELECT 'stock_location', ancestor, descendant FROM stock_location_tree"
    " UNION ALL SELECT 'part_category', ancestor, descendant"
    "  FROM part_category_tree"
    " UNION ALL SELECT 'part_variant', ancestor, descendant"
    "  FROM part_variant_tree"
    ") "
    "SELECT 'missing', * FROM (SELECT * FROM want EXCEPT SELECT * FROM have) "
    "AS m UNION ALL "
    "SELECT 'extra', * FROM (SELECT * FROM have EXCEPT SELECT * FROM want) "
    "AS x";

/* Each part's variant_stock against the sum of its variants' in_stock
 * (whatever "in stock" means for that figure, which has its own check). */
static const char tally_sql_variant_stock[] =
    "WITH RECURSIVE " TALLY_VARIANTS " "
    "SELECT id, have, want FROM (SELECT p.id, p.variant_stock AS have,"
    " (SELECT coalesce(sum(d.in_stock), 0) FROM variants v JOIN part d"
    "  ON d.id = v.descendant WHERE v.ancestor = p.id) AS want FROM part p)"
    " AS c WHERE have <> want ORDER BY id";

/* SQLite: the parts' search index holds one row a part and none other
 * (lib/list.c counts a searched page walked down the name's index as its
 * matching rows of the index). */
static const char tally_sql_part_index[] =
    "SELECT 'missing', id FROM part WHERE id NOT IN (SELECT id FROM "
    "part_fts_content) UNION ALL SELECT 'extra', id FROM part_fts_content "
    "WHERE id NOT IN (SELECT id FROM part) ORDER BY 2";

long long
tally_check(struct ctx *ctx, FILE *out)
{
	db_stmt *st;
	long long drift = 0;
	int rc;

	if ((st = db_prepare(ctx, tally_sql_counts)) == NULL)
		goto fail;
	while ((rc = st_step(st)) == SQLITE_ROW) {
		fprintf(out, "tally %s %lld: kept %lld, counted %lld\n",
		    (const char *)st_column_text(st, 0),
		    st_column_int64(st, 1), st_column_int64(st, 2),
		    st_column_int64(st, 3));
		drift++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	if ((st = db_prepare(ctx, tally_sql_part_figures)) == NULL)
		goto fail;
	while ((rc = st_step(st)) == SQLITE_ROW) {
		fprintf(out, "part %lld %s: kept %lld, counted %lld\n",
		    st_column_int64(st, 0), (const char *)st_column_text(st, 1),
		    st_column_int64(st, 2), st_column_int64(st, 3));
		drift++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	if ((st = db_prepare(ctx, tally_sql_trees)) == NULL)
		goto fail;
	while ((rc = st_step(st)) == SQLITE_ROW) {
		fprintf(out, "tree %s: %s pair (%lld, %lld)\n",
		    (const char *)st_column_text(st, 1),
		    (const char *)st_column_text(st, 0),
		    st_column_int64(st, 2), st_column_int64(st, 3));
		drift++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	if ((st = db_prepare(ctx, tally_sql_variant_stock)) == NULL)
		goto fail;
	while ((rc = st_step(st)) == SQLITE_ROW) {
		fprintf(out, "part %lld variant_stock: kept %lld, counted %lld\n",
		    st_column_int64(st, 0), st_column_int64(st, 1),
		    st_column_int64(st, 2));
		drift++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	if (db_on_pg)
		return drift;
	if ((st = db_prepare(ctx, tally_sql_part_index)) == NULL)
		goto fail;
	while ((rc = st_step(st)) == SQLITE_ROW) {
		fprintf(out, "part search index: %s row for part %lld\n",
		    (const char *)st_column_text(st, 0),
		    st_column_int64(st, 1));
		drift++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	return drift;
fail:
	fprintf(out, "tally check: %s\n", db_errmsg(ctx));
	return -1;
}

/*
 * The same counts as migrations 0010, 0017, 0025, 0026, 0028 and 0037 make of
 * an existing inventory (keep them alike; test_inventory_tool.py checks this one,
 * test_tallies.py the migrations', each with stockroom check).
 */
static const char tally_sql_rebuild[] =
    "DELETE FROM stock_location_tree;"
    "DELETE FROM part_category_tree;"
    "DELETE FROM part_variant_tree;"
    "DELETE FROM tally;"
    "INSERT INTO stock_location_tree (ancestor, descendant)"
    " SELECT a.id, d.id FROM stock_location a, stock_location d"
    " WHERE d.path >= a.path AND d.path < a.path || '~';"
    "INSERT INTO part_category_tree (ancestor, descendant)"
    " SELECT a.id, d.id FROM part_category a, part_category d"
    " WHERE d.path >= a.path AND d.path < a.path || '~';"
    "UPDATE part SET (stock_count, in_stock) = (SELECT count(*),"
    " ifnull(sum(CASE WHEN status IN (10, 50, 55, 85) AND consumed_by IS NULL"
    " THEN quantity END), 0)"
    " FROM stock_item WHERE part = part.id);"
    "UPDATE part SET (allocated, building, ordering) ="
    " ((SELECT coalesce(sum(quantity), 0) FROM build_item"
    "  WHERE part = part.id),"
    " (SELECT coalesce(sum(n), 0) FROM part_building_output"
    "  WHERE part = part.id),"
    " (SELECT coalesce(sum(n), 0) FROM part_ordering_line"
    "  WHERE part = part.id));"
    "WITH RECURSIVE " TALLY_VARIANTS
    " INSERT INTO part_variant_tree (ancestor, descendant)"
    " SELECT ancestor, descendant FROM variants;"
    "UPDATE part SET variant_stock = (SELECT coalesce(sum(d.in_stock), 0)"
    " FROM part_variant_tree t JOIN part d ON d.id = t.descendant"
    " WHERE t.ancestor = part.id);"
    "INSERT INTO tally (name, id, n) SELECT 'part', 0, count(*) FROM part;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'stock_item', 0, count(*) FROM stock_item;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'stock_tracking', 0, count(*) FROM stock_tracking;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'manufacturer_part', 0, count(*) FROM manufacturer_part;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'supplier_part', 0, count(*) FROM supplier_part;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'supplier_price_break', 0, count(*) FROM supplier_price_break;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'purchase_order_line', 0, count(*) FROM purchase_order_line;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'part_parameter', 0, count(*) FROM part_parameter;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'bom_item_substitute', 0, count(*) FROM bom_item_substitute;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'part.active', active, count(*) FROM part GROUP BY active;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'part_parameter.template', template, count(*)"
    " FROM part_parameter GROUP BY template;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'stock_item.in_stock', 0, count(*) FROM stock_item"
    " WHERE +status IN (10, 50, 55, 85) AND quantity > 0"
    " AND consumed_by IS NULL;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'stock_item.status', status, count(*) FROM stock_item"
    " GROUP BY status;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'stock_location.items', t.ancestor, sum(c.items)"
    " FROM (SELECT location, count(*) AS items FROM stock_item"
    "  WHERE location IS NOT NULL GROUP BY location) c"
    " JOIN stock_location_tree t ON t.descendant = c.location"
    " GROUP BY t.ancestor;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'stock_location.in_stock', t.ancestor, sum(c.items)"
    " FROM (SELECT location, count(*) AS items FROM stock_item"
    "  WHERE location IS NOT NULL AND +status IN (10, 50, 55, 85) AND"
    "  quantity > 0 AND consumed_by IS NULL GROUP BY location) c"
    " JOIN stock_location_tree t ON t.descendant = c.location"
    " GROUP BY t.ancestor;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'part_category.parts', t.ancestor, sum(c.parts)"
    " FROM (SELECT category, count(*) AS parts FROM part"
    "  WHERE category IS NOT NULL GROUP BY category) c"
    " JOIN part_category_tree t ON t.descendant = c.category"
    " GROUP BY t.ancestor;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'part_category.active_parts', t.ancestor, sum(c.parts)"
    " FROM (SELECT category, count(*) AS parts FROM part"
    "  WHERE category IS NOT NULL AND active = 1 GROUP BY category) c"
    " JOIN part_category_tree t ON t.descendant = c.category"
    " GROUP BY t.ancestor;"
    "INSERT INTO tally (name, id, n)"
    " SELECT 'part_category.items', t.ancestor, sum(c.items)"
    " FROM (SELECT category, sum(stock_count) AS items FROM part"
    "  WHERE category IS NOT NULL GROUP BY category) c"
    " JOIN part_category_tree t ON t.descendant = c.category"
    " GROUP BY t.ancestor;";

int
tally_rebuild(sqlite3 *db)
{
	return sqlite3_exec(db, tally_sql_rebuild, NULL, NULL, NULL);
}
