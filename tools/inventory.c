/*
 * inventory: sample inventory data, for people and for benchmarks.
 *
 *   inventory demo        load a small, realistic workshop inventory (a
 *                         few hundred electronic and mechanical parts in a
 *                         category tree, shelves, bins and drawers, stock
 *                         with history) through the same library functions
 *                         the API uses; refuses a database that has parts
 *   inventory generate [-p parts] [-c categories] [-l locations]
 *                      [-i items] [-t tracking] [-a assemblies] [-s seed]
 *                         fill an empty database with a large synthetic
 *                         dataset by direct inserts, for benchmarks
 *                         (defaults: 100000 parts, 500 categories, 200
 *                         locations, 1000000 stock items, 2000000 tracking
 *                         entries, parts / 50 assemblies with BOMs of 20
 *                         to 200 lines)
 *   inventory boms [-a assemblies]
 *                         add those BOMs to data generated without them
 *
 * Like stockroom(1) it reads the programs' settings (STOCKROOM_DATA_DIR,
 * STOCKROOM_CONFIG, ...) and migrates the database first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dec.h"
#include "inventory/bom.h"
#include "manufacturing/build.h"
#include "manufacturing/output.h"
#include "inventory/parameter.h"
#include "inventory/part.h"
#include "inventory/stock.h"
#include "inventory/tally.h"
#include "inventory/units.h"
#include "purchasing/company.h"
#include "purchasing/order.h"
#include "stockroom.h"
#include "res_tree.h"

/* A small deterministic generator (xorshift64*), so datasets repeat. */
static unsigned long long inv_rng_state = 88172645463325252ULL;

static unsigned long long
inv_rand(void)
{
	inv_rng_state ^= inv_rng_state >> 12;
	inv_rng_state ^= inv_rng_state << 25;
	inv_rng_state ^= inv_rng_state >> 27;
	return inv_rng_state * 2685821657736338717ULL;
}

static long long
inv_between(long long lo, long long hi)
{
	return lo + (long long)(inv_rand() % (unsigned long long)(hi - lo + 1));
}

/* Says what failed, with the error's answer when there is one. */
static int
inv_failed(struct ctx *ctx, const char *what, const struct err *e)
{
	char *all = e != NULL ? cJSON_PrintUnformatted(e->body) : NULL;

	fprintf(stderr, "inventory: %s failed: %s %s\n", what,
	    all ? all : "", db_errmsg(ctx));
	free(all);
	return 1;
}

static int
inv_fail(struct ctx *ctx, const char *what)
{
	return inv_failed(ctx, what, NULL);
}

/* Runs a constant statement with no parameters. */
static int
inv_exec(struct ctx *ctx, const char *sql)
{
	return sqlite3_exec(ctx->db, sql, NULL, NULL, NULL) == SQLITE_OK ?
	    0 : inv_fail(ctx, sql);
}

/* ---- demo ---------------------------------------------------------- */

static const char inv_sql_category[] =
    "INSERT INTO part_category (name, description, parent, structural, "
    "default_location) VALUES (?, ?, ?, ?, ?)";
static const char inv_sql_location[] =
    "INSERT INTO stock_location (name, description, parent, structural) "
    "VALUES (?, ?, ?, ?)";
static const char inv_sql_part[] =
    "INSERT INTO part (name, IPN, description, keywords, units, category, "
    "minimum_stock, assembly, trackable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char inv_sql_batch[] =
    "UPDATE stock_item SET batch = ?2 WHERE id = ?1";

static long long
inv_node(struct ctx *ctx, const struct resource *k, const char *name,
    const char *desc, long long parent, int structural, long long defloc)
{
	db_stmt *st = db_prepare(ctx, k == &category_resource ?
	    inv_sql_category : inv_sql_location);

	if (st == NULL)
		return -1;
	st_bind_text(st, 1, name, -1, SQLITE_STATIC);
	st_bind_text(st, 2, desc, -1, SQLITE_STATIC);
	if (parent > 0)
		st_bind_int64(st, 3, parent);
	st_bind_int(st, 4, structural);
	if (k == &category_resource && defloc > 0)
		st_bind_int64(st, 5, defloc);
	if (st_step(st) != SQLITE_DONE)
		return -1;
	long long id = db_last_id(ctx);
	return res_tree_place(ctx, k, id) == NULL ? id : -1;
}

/*
 * A part, written directly (the demo's hundreds of parts): its units must
 * be ones the part's own check takes (docs/parameters.md, "A part's
 * units"), as a POST would have them.
 */
static long long
inv_part(struct ctx *ctx, const char *name, const char *ipn,
    const char *desc, const char *kw, const char *units, long long cat,
    long long minimum, int assembly)
{
	char why[UNITS_WHY_MAX];
	db_stmt *st;

	if (units[0] != '\0' && units_check(units, why) == UNITS_INVALID) {
		fprintf(stderr, "inventory: part %s: %s\n", name, why);
		return -1;
	}
	if ((st = db_prepare(ctx, inv_sql_part)) == NULL)
		return -1;
	st_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	st_bind_text(st, 2, ipn, -1, SQLITE_TRANSIENT);
	st_bind_text(st, 3, desc, -1, SQLITE_TRANSIENT);
	st_bind_text(st, 4, kw, -1, SQLITE_STATIC);
	st_bind_text(st, 5, units, -1, SQLITE_STATIC);
	st_bind_int64(st, 6, cat);
	st_bind_int64(st, 7, minimum * DEC_SCALE);
	st_bind_int(st, 8, assembly);
	st_bind_int(st, 9, 0);
	if (st_step(st) != SQLITE_DONE)
		return -1;
	long long id = db_last_id(ctx);
	return part_fts_sync(ctx, id) == NULL ? id : -1;
}

/* A stock item of part at loc, maybe with a batch code. */
static long long
inv_stock(struct ctx *ctx, long long part, long long loc, long long qty,
    const char *batch)
{
	long long id;

	if (stock_insert(ctx, part, loc, qty * DEC_SCALE, "Initial stock",
	    &id) != NULL)
		return -1;
	if (batch != NULL) {
		db_stmt *st = db_prepare(ctx, inv_sql_batch);
		if (st == NULL)
			return -1;
		st_bind_int64(st, 1, id);
		st_bind_text(st, 2, batch, -1, SQLITE_TRANSIENT);
		if (st_step(st) != SQLITE_DONE ||
		    stock_fts_sync(ctx, id) != NULL)
			return -1;
	}
	return id;
}

/* One adjustment through stock_adjust(), as POST /api/stock/<op>/ does. */
static struct err *
inv_adjust(struct ctx *ctx, enum stock_op op, long long item,
    const char *qty, long long loc, const char *notes)
{
	char body[256];

	if (op == STOCK_TRANSFER)
		snprintf(body, sizeof(body), "{\"items\":[{\"pk\":%lld,"
		    "\"quantity\":\"%s\"}],\"location\":%lld,\"notes\":\"%s\"}",
		    item, qty, loc, notes);
	else
		snprintf(body, sizeof(body), "{\"items\":[{\"pk\":%lld,"
		    "\"quantity\":\"%s\"}],\"notes\":\"%s\"}", item, qty, notes);
	cJSON *j = cJSON_Parse(body);
	struct err *e = stock_adjust(ctx, op, j);
	cJSON_Delete(j);
	return e;
}

/*
 * A new row of r from a JSON body, through the resource layer as POST
 * <r's path> makes it (validation, references, unique sets, hooks), in
 * the caller's transaction.  Its id, or -1 (the errors on stderr).
 */
static long long
inv_create(struct ctx *ctx, const struct resource *r, const char *json)
{
	struct val *v = mem_alloc(&ctx->mem, (r->nfields + 1) * sizeof(*v));
	struct res_write w = { .res = r, .v = v, .create = true };
	cJSON *body = cJSON_Parse(json);
	struct errs es;
	struct err *e;

	if (body == NULL)
		return -1;
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, body);
	errs_init(&es, ctx);
	for (size_t i = 0; i < r->nfields; i++)
		val_default(&r->fields[i], &v[i]);
	w.body = body;
	val_object(ctx, body, r->fields, r->nfields, v, true, &es);
	if ((e = res_save(ctx, &w, &es)) != NULL) {
		inv_failed(ctx, r->name, e);
		return -1;
	}
	return w.id;
}

/* A parameter of a part (through the resource layer: its units). */
static long long
inv_param(struct ctx *ctx, long long part, long long tpl, const char *data)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"model_type\":\"part\","
	    "\"model_id\":%lld,\"template\":%lld,\"data\":\"%s\"}", part,
	    tpl, data);
	return inv_create(ctx, &parameter_resource, body);
}

/* A category's template, with its default value for new parts. */
static long long
inv_category_template(struct ctx *ctx, long long cat, long long tpl,
    const char *def)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"category\":%lld,\"template\":%lld,"
	    "\"default_value\":\"%s\"}", cat, tpl, def);
	return inv_create(ctx, &category_parameter_resource, body);
}

/*
 * The demo's suppliers and manufacturers: four distributors and three
 * makers, with contacts and addresses; of parts 1..nparts (the demo's
 * own, so its ids), the electronic ones (a dozen each of the resistors
 * and capacitors) at two or three distributors with price breaks, and
 * manufacturer parts of the resistors, capacitors and ICs.
 */
static int
inv_demo_companies(struct ctx *ctx, long long nparts)
{
	static const char *const dist[][4] = {
		/* name, website, currency, country */
		{ "Mouser Electronics", "https://www.mouser.com", "USD", "US" },
		{ "DigiKey", "https://www.digikey.com", "USD", "US" },
		{ "Farnell", "https://www.farnell.com", "GBP", "GB" },
		{ "LCSC", "https://www.lcsc.com", "USD", "CN" },
	};
	static const char *const makers[] = { "Yageo", "Murata",
	    "Texas Instruments" };
	static const char *const prefix[] = { "71-", "", "", "C" };
	long long d[4], m[3];
	char json[1024];

	for (int i = 0; i < 4; i++) {
		snprintf(json, sizeof(json), "{\"name\": \"%s\", \"website\": "
		    "\"%s\", \"currency\": \"%s\", \"is_supplier\": true, "
		    "\"description\": \"Electronic components distributor\"}",
		    dist[i][0], dist[i][1], dist[i][2]);
		if ((d[i] = inv_create(ctx, &company_resource, json)) < 0)
			return -1;
		snprintf(json, sizeof(json), "{\"company\": %lld, \"title\": "
		    "\"Sales office\", \"line1\": \"%d Commerce Way\", "
		    "\"country\": \"%s\"}", d[i], 10 + i, dist[i][3]);
		if (inv_create(ctx, &address_resource, json) < 0)
			return -1;
		snprintf(json, sizeof(json), "{\"company\": %lld, \"name\": "
		    "\"Account manager\", \"role\": \"Sales\", \"email\": "
		    "\"sales@example.com\"}", d[i]);
		if (inv_create(ctx, &contact_resource, json) < 0)
			return -1;
	}
	for (int i = 0; i < 3; i++) {
		snprintf(json, sizeof(json), "{\"name\": \"%s\", "
		    "\"is_supplier\": false, \"is_manufacturer\": true}",
		    makers[i]);
		if ((m[i] = inv_create(ctx, &company_resource, json)) < 0)
			return -1;
	}
	const struct resource *pr = &part_resource;
	struct val *pv = mem_alloc(&ctx->mem, (pr->nfields + 1) * sizeof(*pv));
	/* IPN prefix, its maker (-1: none), how many of the family. */
	static const struct { const char *pre; int maker, max; } fam[] = {
		{ "RES", 0, 12 }, { "CAP", 1, 12 }, { "MCU", 2, 99 },
		{ "OPA", 2, 99 }, { "REG", 2, 99 }, { "DIO", -1, 99 },
		{ "TRN", -1, 99 }, { "LED", -1, 99 }, { "CON", -1, 99 },
	};
	int seen[sizeof(fam) / sizeof(fam[0])] = { 0 };
	int ipn = res_field(pr, "IPN");
	for (long long p = 1; p <= nparts; p++) {
		if (res_load(ctx, pr, p, pv) != NULL)
			return -1;
		const char *code = pv[ipn].s;
		long long mp = -1;
		size_t f = 0;
		while (f < sizeof(fam) / sizeof(fam[0]) &&
		    strncmp(code, fam[f].pre, 3) != 0)
			f++;
		if (f == sizeof(fam) / sizeof(fam[0]) || ++seen[f] > fam[f].max)
			continue;
		int maker = fam[f].maker;
		if (maker >= 0) {
			snprintf(json, sizeof(json), "{\"part\": %lld, "
			    "\"manufacturer\": %lld, \"MPN\": \"%s-%s\"}", p,
			    m[maker], maker == 0 ? "RC0805FR" : maker == 1 ?
			    "GRM21" : "TI", code);
			if ((mp = inv_create(ctx, &manufacturer_part_resource,
			    json)) < 0)
				return -1;
		}
		int n = 2 + (int)(p % 2), first = (int)(p % 4);
		for (int k = 0; k < n; k++) {
			int s = (first + k) % 4;
			char mpj[64] = "";
			if (mp > 0)
				snprintf(mpj, sizeof(mpj), ", \"manufacturer_part\""
				    ": %lld", mp);
			snprintf(json, sizeof(json), "{\"part\": %lld, "
			    "\"supplier\": %lld, \"SKU\": \"%s%s\", "
			    "\"packaging\": \"%s\", \"pack_quantity\": \"%s\", "
			    "\"available\": %lld%s}", p, d[s], prefix[s], code,
			    k == 0 ? "Cut tape" : "Reel", k == 0 ? "1" : "100",
			    inv_between(0, 20000), mpj);
			long long sp = inv_create(ctx, &supplier_part_resource,
			    json);
			if (sp < 0)
				return -1;
			long long cents = inv_between(2, 400);
			for (int b = 0; b < 3; b++) {
				static const int qty[] = { 1, 10, 100 };
				snprintf(json, sizeof(json), "{\"part\": %lld, "
				    "\"quantity\": %d, \"price\": \"%lld.%02lld\", "
				    "\"price_currency\": \"%s\"}", sp, qty[b],
				    cents * (10 - 2 * b) / 1000,
				    cents * (10 - 2 * b) / 10 % 100, dist[s][2]);
				if (inv_create(ctx, &price_break_resource, json) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/* YYYY-MM-DD of t into buf. */
static void
gen_day(time_t t, char buf[16])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 16, "%Y-%m-%d", &tm);
}

/* Today, YYYY-MM-DD (a static buffer). */
static const char *
gen_today(void)
{
	static char buf[16];

	gen_day(time(NULL), buf);
	return buf;
}

static const char inv_sql_po_sp[] =
    "SELECT sp.id, sp.part, sp.pack_quantity_native FROM supplier_part sp "
    "WHERE sp.supplier = (SELECT supplier FROM supplier_part WHERE id = ?1) "
    "ORDER BY sp.id LIMIT 3 OFFSET ?2";
static const char inv_sql_po_state[] =
    "UPDATE purchase_order SET status = ?2, creation_date = ?3, issue_date = "
    "CASE WHEN ?2 <> 10 THEN ?4 END, complete_date = CASE WHEN ?2 = 30 THEN "
    "?5 END, target_date = ?6 WHERE id = ?1";
static const char inv_sql_po_received[] =
    "UPDATE purchase_order_line SET received = received + ?2 WHERE id = ?1";

/*
 * The demo's purchase orders, one in each state (and a second pending
 * one): lines of a supplier's parts; what the complete order and part of
 * the placed one received is in stock at loc, received against them.
 */
static int
inv_demo_orders(struct ctx *ctx, long long loc)
{
	static const struct { long long status; int days, receive; } o[] = {
		{ 10, 0, 0 }, { 10, 0, 0 }, { 20, 6, 1 }, { 25, 9, 0 },
		{ 30, 30, 2 }, { 40, 20, 0 }, { 50, 60, 0 }, { 60, 45, 0 },
	};
	char json[512];

	for (size_t i = 0; i < sizeof(o) / sizeof(o[0]); i++) {
		/* supplier part 1 + 3i's supplier, its parts from 3i on */
		long long first = 1 + (long long)i * 7;
		db_stmt *st = db_prepare(ctx, inv_sql_po_sp);
		if (st == NULL)
			return -1;
		st_bind_int64(st, 1, first);
		st_bind_int64(st, 2, (long long)i % 4);
		long long sp[3], part[3], pack[3];
		int n = 0;
		while (n < 3 && st_step(st) == SQLITE_ROW) {
			sp[n] = st_column_int64(st, 0);
			part[n] = st_column_int64(st, 1);
			pack[n] = st_column_int64(st, 2);
			n++;
		}
		st_reset(st);
		if (n == 0)
			continue;
		/* the supplier: of the first supplier part */
		db_stmt *su = db_prepare(ctx, "SELECT supplier FROM "
		    "supplier_part WHERE id = ?");
		if (su == NULL)
			return -1;
		st_bind_int64(su, 1, sp[0]);
		if (st_step(su) != SQLITE_ROW)
			return -1;
		long long supplier = st_column_int64(su, 0);
		st_reset(su);
		static const char *const what[] = { "Restock passives",
		    "Parts for the next batch", "Prototype run", "Waiting for a "
		    "quote", "Spring restock", "Duplicate order", "Lost in "
		    "transit", "Sent back: wrong parts" };
		snprintf(json, sizeof(json), "{\"supplier\": %lld, "
		    "\"description\": \"%s\", \"supplier_reference\": "
		    "\"SO-%05zu\", \"destination\": %lld}", supplier, what[i],
		    1000 + i * 37, loc);
		long long po = inv_create(ctx, &po_resource, json);
		if (po < 0)
			return -1;
		long long line[3];
		for (int k = 0; k < n; k++) {
			snprintf(json, sizeof(json), "{\"order\": %lld, \"part\": "
			    "%lld, \"quantity\": %d}", po, sp[k],
			    pack[k] > DEC_SCALE ? 2 : 25 * (k + 1));
			if ((line[k] = inv_create(ctx, &po_line_resource,
			    json)) < 0)
				return -1;
		}
		if (i == 4) {
			snprintf(json, sizeof(json), "{\"order\": %lld, "
			    "\"description\": \"Shipping\", \"price\": \"12.50\"}",
			    po);
			if (inv_create(ctx, &po_extra_line_resource, json) < 0)
				return -1;
		}
		db_stmt *ss = db_prepare(ctx, inv_sql_po_state);
		if (ss == NULL)
			return -1;
		/* created a day before it was issued, o[i].days ago; due
		 * two weeks after; complete a week before today */
		char created[16], issued[16], done[16], due[16];
		time_t now = time(NULL);
		gen_day(now - (o[i].days + 1) * 86400, created);
		gen_day(now - o[i].days * 86400, issued);
		gen_day(now - (o[i].days - 7 > 0 ? o[i].days - 7 : 0) * 86400,
		    done);
		gen_day(now + (14 - o[i].days) * 86400, due);
		st_bind_int64(ss, 1, po);
		st_bind_int64(ss, 2, o[i].status);
		st_bind_text(ss, 3, o[i].status == 10 ? gen_today() : created,
		    -1, SQLITE_TRANSIENT);
		st_bind_text(ss, 4, issued, -1, SQLITE_TRANSIENT);
		st_bind_text(ss, 5, done, -1, SQLITE_TRANSIENT);
		st_bind_text(ss, 6, due, -1, SQLITE_TRANSIENT);
		if (st_step(ss) != SQLITE_DONE)
			return -1;
		st_reset(ss);
		/* receipts: all of every line (2), or the first line's half */
		for (int k = 0; o[i].receive > 0 && k < n; k++) {
			if (o[i].receive == 1 && k > 0)
				break;
			long long packs = pack[k] > DEC_SCALE ? 2 : 25 * (k + 1);
			if (o[i].receive == 1)
				packs = packs / 2 > 0 ? packs / 2 : 1;
			struct stock_receipt r = {
				.part = part[k], .location = loc,
				.quantity = (long long)((__int128)packs * pack[k]),
				.status = 10, .supplier_part = sp[k],
				.purchase_order = po, .notes = "",
			};
			long long item;
			db_stmt *rc = db_prepare(ctx, inv_sql_po_received);
			if (rc == NULL || stock_receive(ctx, &r, &item) != NULL)
				return -1;
			st_bind_int64(rc, 1, line[k]);
			st_bind_int64(rc, 2, packs * DEC_SCALE);
			if (st_step(rc) != SQLITE_DONE)
				return -1;
			st_reset(rc);
		}
	}
	return 0;
}

static const char *const e12[] = { "10", "12", "15", "18", "22", "27", "33",
	"39", "47", "56", "68", "82" };
static const char *const rmult[] = { "", "0", "00", "k", "0k", "00k" };
static const char *const cvals[] = { "10pF", "22pF", "47pF", "100pF",
	"220pF", "470pF", "1nF", "2.2nF", "4.7nF", "10nF", "22nF", "47nF",
	"100nF", "220nF", "470nF", "1uF", "2.2uF", "4.7uF", "10uF", "22uF" };

struct inv_simple {
	const char	*name;
	const char	*desc;
	const char	*kw;
};

static const struct inv_simple diodes[] = {
	{ "1N4148", "Small signal switching diode, DO-35", "signal" },
	{ "1N4007", "Rectifier diode 1000 V 1 A, DO-41", "rectifier" },
	{ "1N5819", "Schottky diode 40 V 1 A", "schottky" },
	{ "BAT54S", "Dual Schottky diode, SOT-23", "schottky smd" },
	{ "SS34", "Schottky diode 40 V 3 A, SMA", "schottky smd" },
	{ "BZX55C5V1", "Zener diode 5.1 V 0.5 W", "zener" },
	{ "BZX55C3V3", "Zener diode 3.3 V 0.5 W", "zener" },
	{ "P6KE15A", "TVS diode 15 V unidirectional", "tvs protection" },
};
static const struct inv_simple transistors[] = {
	{ "BC547B", "NPN general purpose, TO-92", "bjt npn" },
	{ "BC557B", "PNP general purpose, TO-92", "bjt pnp" },
	{ "2N2222A", "NPN switching, TO-92", "bjt npn" },
	{ "2N3906", "PNP switching, TO-92", "bjt pnp" },
	{ "BSS138", "N-channel MOSFET 50 V, SOT-23", "mosfet logic level" },
	{ "IRLZ44N", "N-channel MOSFET 55 V 47 A, TO-220", "mosfet power" },
	{ "AO3401", "P-channel MOSFET 30 V, SOT-23", "mosfet" },
	{ "TIP120", "NPN Darlington 60 V 5 A, TO-220", "darlington" },
	{ "MMBT3904", "NPN switching, SOT-23", "bjt npn smd" },
	{ "IRF9540N", "P-channel MOSFET 100 V, TO-220", "mosfet power" },
};
static const struct inv_simple mcus[] = {
	{ "ATmega328P-AU", "8-bit AVR, 32 KB flash, TQFP-32", "avr arduino" },
	{ "ATtiny85-20PU", "8-bit AVR, 8 KB flash, DIP-8", "avr" },
	{ "STM32F103C8T6", "ARM Cortex-M3, 64 KB flash, LQFP-48", "arm stm32" },
	{ "STM32G031K8T6", "ARM Cortex-M0+, 64 KB flash, LQFP-32", "arm stm32" },
	{ "RP2040", "Dual Cortex-M0+, QFN-56", "arm raspberry" },
	{ "ESP32-WROOM-32E", "Wi-Fi + Bluetooth module, 4 MB flash", "wifi" },
	{ "PIC16F628A-I/P", "8-bit PIC, DIP-18", "pic" },
	{ "nRF52832-QFAA", "Bluetooth LE SoC, QFN-48", "ble arm" },
};
static const struct inv_simple regulators[] = {
	{ "LM7805", "Linear regulator 5 V 1.5 A, TO-220", "linear" },
	{ "AMS1117-3.3", "LDO 3.3 V 1 A, SOT-223", "ldo" },
	{ "MCP1700-3302E", "LDO 3.3 V 250 mA, TO-92", "ldo low quiescent" },
	{ "LM317T", "Adjustable linear regulator, TO-220", "linear" },
	{ "MP1584EN", "Buck converter 3 A, SOIC-8", "switching buck" },
	{ "TPS61023", "Boost converter, SOT-563", "switching boost" },
};
static const struct inv_simple opamps[] = {
	{ "LM358", "Dual op-amp, DIP-8", "opamp" },
	{ "NE5532", "Dual low-noise op-amp, DIP-8", "opamp audio" },
	{ "TL072", "Dual JFET op-amp, DIP-8", "opamp audio" },
	{ "MCP6002", "Dual rail-to-rail op-amp, SOIC-8", "opamp rrio" },
	{ "OPA2134", "Dual audio op-amp, SOIC-8", "opamp audio" },
	{ "LMV321", "Single rail-to-rail op-amp, SOT-23-5", "opamp" },
};
static const struct inv_simple connectors[] = {
	{ "Pin header 1x40 2.54mm", "Breakable male header", "header" },
	{ "Socket header 1x20 2.54mm", "Female header", "header" },
	{ "JST-XH 2-pin", "Wire-to-board, 2.5 mm pitch", "jst" },
	{ "JST-XH 4-pin", "Wire-to-board, 2.5 mm pitch", "jst" },
	{ "JST-PH 2-pin", "Battery connector, 2.0 mm pitch", "jst battery" },
	{ "USB-C receptacle 16-pin", "USB 2.0 Type-C, SMD", "usb" },
	{ "Micro-USB B receptacle", "SMD with through-hole tabs", "usb" },
	{ "Screw terminal 2-pin 5.08mm", "PCB terminal block", "terminal" },
	{ "Screw terminal 3-pin 5.08mm", "PCB terminal block", "terminal" },
	{ "DC barrel jack 5.5x2.1", "PCB mount power jack", "power" },
	{ "IDC box header 2x5", "Shrouded, 2.54 mm", "idc" },
	{ "IDC box header 2x10", "Shrouded, 2.54 mm", "idc" },
	{ "RJ45 jack", "Unshielded, through-hole", "ethernet" },
	{ "SMA edge connector", "50 ohm RF", "rf" },
	{ "Dupont jumper wires F-F", "Pack of 40, 20 cm", "wire" },
};
static const struct inv_simple bearings[] = {
	{ "Bearing 608ZZ", "8x22x7 mm deep groove, shielded", "skate" },
	{ "Bearing 625ZZ", "5x16x5 mm deep groove", "" },
	{ "Bearing 688ZZ", "8x16x5 mm deep groove", "" },
	{ "Linear bearing LM8UU", "8 mm shaft", "linear" },
	{ "Flange bearing F623ZZ", "3x10x4 mm flanged", "flange" },
	{ "Thrust bearing 51100", "10x24x9 mm", "thrust" },
};
static const struct inv_simple misc_mech[] = {
	{ "Compression spring 6x20", "0.6 mm wire, stainless", "spring" },
	{ "Compression spring 10x30", "1.0 mm wire, stainless", "spring" },
	{ "Extension spring 5x25", "With hooks", "spring" },
	{ "Torsion spring 90 deg", "0.8 mm wire", "spring" },
	{ "Gas spring 100N", "150 mm stroke", "spring" },
};
static const struct inv_simple enclosures[] = {
	{ "Enclosure 100x60x25 ABS", "Grey project box", "box" },
	{ "Enclosure 150x80x50 ABS", "Grey project box", "box" },
	{ "Enclosure IP65 115x90x55", "Sealed polycarbonate", "box outdoor" },
	{ "DIN rail enclosure 4 module", "Light grey", "din" },
	{ "Aluminium enclosure 80x50x20", "Extruded, black", "box metal" },
};
static const struct inv_simple consumables[] = {
	{ "Solder wire Sn99.3Cu0.7 0.8mm", "Lead-free, 250 g reel", "solder" },
	{ "Solder paste SAC305", "50 g syringe", "solder smd" },
	{ "Flux pen no-clean", "10 ml", "flux" },
	{ "Epoxy 2-part 5 minute", "25 ml", "glue" },
	{ "Cyanoacrylate 20g", "Instant adhesive", "glue" },
	{ "Kapton tape 20mm", "33 m roll", "tape" },
};

static int
inv_simple_parts(struct ctx *ctx, const struct inv_simple *s, size_t n,
    const char *prefix, long long cat, long long loc, long long lo,
    long long hi, const char *units, long long *items, size_t *nitems)
{
	for (size_t i = 0; i < n; i++) {
		char ipn[32];
		snprintf(ipn, sizeof(ipn), "%s-%03zu", prefix, i + 1);
		long long p = inv_part(ctx, s[i].name, ipn, s[i].desc, s[i].kw,
		    units, cat, inv_between(0, 3) == 0 ? lo : 0, 0);
		if (p < 0)
			return -1;
		long long q = inv_between(lo, hi);
		if (i % 7 == 3)
			q = lo / 2;		/* some run low */
		long long it = inv_stock(ctx, p, loc, q, NULL);
		if (it < 0)
			return -1;
		items[(*nitems)++] = it;
	}
	return 0;
}

/* The id of the demo's part with IPN ipn, or -1. */
static long long
inv_ipn(struct ctx *ctx, const char *ipn)
{
	static const char sql[] = "SELECT id FROM part WHERE IPN = ?";
	db_stmt *st = db_prepare(ctx, sql);
	long long id = -1;

	if (st == NULL)
		return -1;
	st_bind_text(st, 1, ipn, -1, SQLITE_STATIC);
	if (st_step(st) == SQLITE_ROW)
		id = st_column_int64(st, 0);
	st_reset(st);
	return id;
}

/*
 * The demo's assemblies (issue 16): a sensor board with its BOM of
 * passives, ICs and connectors (a substitute MCU and resistor, an
 * optional header, solder paste as a consumable), a power module, and
 * an enclosed unit built from both -- through the resource layer, so
 * its rules hold.  Two boards and a module are in stock.
 */
static int
inv_demo_boms(struct ctx *ctx, long long cat, long long loc)
{
	static const struct {
		int		 assembly;	/* index into asm_ below */
		const char	*ipn, *qty, *ref, *sub;
		int		 optional, consumable;
	} lines[] = {
		{ 0, "MCU-003", "1", "U1", "MCU-004", 0, 0 },
		{ 0, "REG-001", "1", "U2", NULL, 0, 0 },
		{ 0, "OPA-001", "1", "U3", NULL, 0, 0 },
		{ 0, "CAP-0805-0170", "6", "C1, C2, C3, C4, C5, C6", NULL, 0, 0 },
		{ 0, "CAP-0805-0182", "2", "C7, C8", NULL, 0, 0 },
		{ 0, "RES-0603-0073", "4", "R1, R2, R3, R4", "RES-0805-0074", 0,
		  0 },
		{ 0, "RES-0603-0049", "2", "R5, R6", NULL, 0, 0 },
		{ 0, "LED-0187", "1", "D1", NULL, 0, 0 },
		{ 0, "CON-007", "1", "J1", NULL, 0, 0 },
		{ 0, "CON-001", "1", "J2", NULL, 1, 0 },
		{ 0, "CNS-002", "0.5", "", NULL, 0, 1 },
		{ 1, "REG-004", "1", "U1", NULL, 0, 0 },
		{ 1, "CAP-0805-0182", "2", "C1, C2", NULL, 0, 0 },
		{ 1, "RES-0603-0025", "1", "R1", NULL, 0, 0 },
		{ 1, "RES-0603-0037", "1", "R2", NULL, 0, 0 },
		{ 1, "DIO-005", "1", "D1", NULL, 0, 0 },
		{ 1, "LED-0185", "1", "D2", NULL, 0, 0 },
		{ 1, "CON-010", "1", "J1", NULL, 0, 0 },
		{ 2, "SB-01", "1", "", NULL, 0, 0 },
		{ 2, "PWR-01", "1", "", NULL, 0, 0 },
		{ 2, "ENC-001", "1", "", NULL, 0, 0 },
		{ 2, "SCR-M3-08-S", "4", "", NULL, 0, 0 },
		{ 2, "NUT-M3", "4", "", NULL, 0, 0 },
	};
	static const char *const asm_[][3] = {
		{ "Sensor board", "SB-01", "Environmental sensor board, rev B" },
		{ "USB power module", "PWR-01", "5 V / 1 A linear supply" },
		{ "Sensor unit", "UNIT-01", "Sensor board and supply in an "
		  "ABS enclosure" },
	};
	static const char sql_assembly[] =
	    "UPDATE part SET assembly = 1, component = ?2 WHERE id = ?1";
	long long a[3];
	char json[512];

	for (int i = 0; i < 3; i++) {
		a[i] = inv_part(ctx, asm_[i][0], asm_[i][1], asm_[i][2],
		    "assembly", "pcs", cat, 0, 1);
		db_stmt *st = db_prepare(ctx, sql_assembly);
		if (a[i] < 0 || st == NULL)
			return -1;
		st_bind_int64(st, 1, a[i]);
		st_bind_int(st, 2, i < 2);
		if (st_step(st) != SQLITE_DONE)
			return -1;
		st_reset(st);
	}
	for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++) {
		long long sub = inv_ipn(ctx, lines[k].ipn);
		if (sub < 0)
			return -1;
		snprintf(json, sizeof(json), "{\"part\": %lld, \"sub_part\": "
		    "%lld, \"quantity\": \"%s\", \"reference\": \"%s\", "
		    "\"optional\": %s, \"consumable\": %s}",
		    a[lines[k].assembly], sub, lines[k].qty, lines[k].ref,
		    lines[k].optional ? "true" : "false",
		    lines[k].consumable ? "true" : "false");
		long long line = inv_create(ctx, &bom_item_resource, json);
		if (line < 0)
			return -1;
		if (lines[k].sub == NULL)
			continue;
		snprintf(json, sizeof(json), "{\"bom_item\": %lld, \"part\": "
		    "%lld}", line, inv_ipn(ctx, lines[k].sub));
		if (inv_create(ctx, &bom_substitute_resource, json) < 0)
			return -1;
	}
	if (inv_stock(ctx, a[0], loc, 2, "SB-2611") < 0 ||
	    inv_stock(ctx, a[1], loc, 5, NULL) < 0)
		return -1;
	return 0;
}

/* Runs build action act on build id with the JSON body (output.h's
 * build_action_run()); 0 or -1 (the error on stderr). */
static int
inv_build_act(struct ctx *ctx, long long id, const char *act,
    const char *json)
{
	cJSON *body = cJSON_Parse(json);
	struct err *e;

	if (body == NULL)
		return -1;
	e = build_action_run(ctx, act, id, body);
	cJSON_Delete(body);
	if (e != NULL) {
		inv_failed(ctx, act, e);
		return -1;
	}
	return 0;
}

/*
 * The demo's template part (issue 17): an enclosure made in three
 * colours, each a variant with stock of its own, which the template's
 * total counts -- through the resource layer, so its rules hold.
 */
static int
inv_demo_variants(struct ctx *ctx, long long cat, long long loc)
{
	static const char *const colours[][2] = {
		{ "grey", "ENC-101-GY" }, { "black", "ENC-101-BK" },
		{ "translucent", "ENC-101-TR" },
	};
	char json[512];

	snprintf(json, sizeof(json), "{\"name\": \"Handheld enclosure\", "
	    "\"IPN\": \"ENC-101\", \"description\": \"ABS handheld "
	    "enclosure, 120 x 65 x 25 mm\", \"category\": %lld, "
	    "\"is_template\": true, \"units\": \"pcs\"}", cat);
	long long t = inv_create(ctx, &part_resource, json);
	if (t < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		snprintf(json, sizeof(json), "{\"name\": \"Handheld enclosure, "
		    "%s\", \"IPN\": \"%s\", \"description\": \"ABS "
		    "handheld enclosure, 120 x 65 x 25 mm, %s\", "
		    "\"category\": %lld, \"variant_of\": %lld, \"units\": "
		    "\"pcs\"}", colours[i][0], colours[i][1], colours[i][0],
		    cat, t);
		long long v = inv_create(ctx, &part_resource, json);
		if (v < 0 || inv_stock(ctx, v, loc, 12 - 4 * i, NULL) < 0)
			return -1;
	}
	return 0;
}

/*
 * The demo's build orders (issue 16), one in each state: a batch of
 * sensor boards in production with the stock the workshop has allocated
 * to it, supplies waiting to start, units on hold, a cancelled rework,
 * and a first run of two boards built and finished.  Made through the
 * resource layer (their lines follow the BOM); the states of the open and
 * cancelled ones are set as issue/hold/cancel would leave them; the
 * finished one goes through the actions themselves (auto-allocate,
 * create-output, complete, finish: output.h), so its stock was consumed
 * and its boards made as the API would.
 */
static int
inv_demo_builds(struct ctx *ctx, long long dest)
{
	static const struct {
		const char	*ipn, *ref, *title;
		int		 qty, status;
	} builds[] = {
		{ "SB-01", "BO-0001", "Field test batch", 5, 20 },
		{ "PWR-01", "BO-0002", "Supplies for the next boards", 10, 10 },
		{ "UNIT-01", "BO-0003", "Pilot customer units", 2, 25 },
		{ "SB-01", "BO-0004", "Prototype rework", 3, 30 },
		{ "SB-01", "BO-0005", "First production run", 2, 20 },
	};
	static const char sql_state[] =
	    "UPDATE build SET status = ?2, start_date = CASE WHEN ?2 = 10 "
	    "THEN NULL ELSE ?3 END, completion_date = CASE WHEN ?2 = 30 THEN "
	    "?3 END WHERE id = ?1";
	/* The first build's lines and, for each, an item in stock of its
	 * part with what no build holds yet. */
	static const char sql_lines[] =
	    "SELECT l.id, l.quantity, (SELECT s.id FROM stock_item s WHERE "
	    "s.part = q.sub_part AND s.status = 10 AND s.quantity >= "
	    "l.quantity AND NOT EXISTS (SELECT 1 FROM build_item i WHERE "
	    "i.stock_item = s.id) ORDER BY s.id LIMIT 1) FROM build_line l "
	    "JOIN bom_item q ON q.id = l.bom_item WHERE l.build = ?";
	char json[512], qty[32];
	long long first = 0, done = 0;

	for (size_t k = 0; k < sizeof(builds) / sizeof(builds[0]); k++) {
		snprintf(json, sizeof(json), "{\"part\": %lld, \"reference\": "
		    "\"%s\", \"title\": \"%s\", \"quantity\": %d, "
		    "\"destination\": %lld}", inv_ipn(ctx, builds[k].ipn),
		    builds[k].ref, builds[k].title, builds[k].qty, dest);
		long long id = inv_create(ctx, &build_resource, json);
		db_stmt *st = db_prepare(ctx, sql_state);
		if (id < 0 || st == NULL)
			return -1;
		st_bind_int64(st, 1, id);
		st_bind_int(st, 2, builds[k].status);
		st_bind_text(st, 3, gen_today(), -1, SQLITE_TRANSIENT);
		if (st_step(st) != SQLITE_DONE)
			return -1;
		st_reset(st);
		if (k == 0)
			first = id;
		done = id;
	}
	/* The first run: built before the batch took its stock. */
	cJSON *two = cJSON_Parse("{\"quantity\": 2}");
	long long output = two != NULL ? build_output_new(ctx, done, two) : -1;
	cJSON_Delete(two);
	if (output < 0)
		return -1;
	snprintf(json, sizeof(json), "{\"outputs\": [{\"output\": %lld}]}",
	    output);
	if (inv_build_act(ctx, done, "auto-allocate", "{\"interchangeable\": "
	    "true, \"optional_items\": true}") != 0 ||
	    inv_build_act(ctx, done, "complete", json) != 0 ||
	    inv_build_act(ctx, done, "finish", "{}") != 0)
		return -1;
	db_stmt *st = db_prepare(ctx, sql_lines);
	long long lines[64][3];
	size_t n = 0;
	if (st == NULL)
		return -1;
	st_bind_int64(st, 1, first);
	while (n < 64 && st_step(st) == SQLITE_ROW) {
		for (int c = 0; c < 3; c++)
			lines[n][c] = st_column_int64(st, c);
		n++;
	}
	st_reset(st);
	for (size_t k = 0; k < n; k++) {
		if (lines[k][2] == 0)
			continue;	/* nothing in stock for it: left open */
		dec_format(lines[k][1], qty);
		snprintf(json, sizeof(json), "{\"build_line\": %lld, "
		    "\"stock_item\": %lld, \"quantity\": \"%s\"}", lines[k][0],
		    lines[k][2], qty);
		if (inv_create(ctx, &build_item_resource, json) < 0)
			return -1;
	}
	return 0;
}

static int
cmd_demo(struct ctx *ctx)
{
	static const char sql_count[] = "SELECT count(*) FROM part";
	long long items[1024];
	size_t nitems = 0;
	char name[128], ipn[32], desc[160];

	db_stmt *st = db_prepare(ctx, sql_count);
	if (st == NULL || st_step(st) != SQLITE_ROW)
		return inv_fail(ctx, "count parts");
	if (st_column_int64(st, 0) > 0) {
		fprintf(stderr, "inventory: %s already has parts; the demo "
		    "loads into an empty inventory only\n",
		    ctx->cfg.database);
		return 1;
	}
	if (db_begin(ctx) != NULL)
		return inv_fail(ctx, "begin");

	/* Locations: a workshop with shelves, bins and drawers. */
	long long ws = inv_node(ctx, &location_resource, "Workshop",
	    "The main workshop", 0, 0, 0);
	long long sa = inv_node(ctx, &location_resource, "Shelf A",
	    "Electronics shelf", ws, 0, 0);
	long long sb = inv_node(ctx, &location_resource, "Shelf B",
	    "Mechanical shelf", ws, 0, 0);
	long long dc = inv_node(ctx, &location_resource, "Drawer cabinet",
	    "SMD component drawers", ws, 1, 0);
	long long bench = inv_node(ctx, &location_resource, "Electronics bench",
	    "Parts in use on the bench", ws, 0, 0);
	long long store = inv_node(ctx, &location_resource, "Store room",
	    "Bulk stock", 0, 0, 0);
	long long rack = inv_node(ctx, &location_resource, "Rack 1",
	    "Heavy shelving", store, 1, 0);
	long long abins[6], bbins[6], drawers[8], levels[2];
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "Bin A%d", i + 1);
		abins[i] = inv_node(ctx, &location_resource, name, "", sa, 0, 0);
		snprintf(name, sizeof(name), "Bin B%d", i + 1);
		bbins[i] = inv_node(ctx, &location_resource, name, "", sb, 0, 0);
	}
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "Drawer %d", i + 1);
		drawers[i] = inv_node(ctx, &location_resource, name, "", dc, 0, 0);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "Level %d", i + 1);
		levels[i] = inv_node(ctx, &location_resource, name, "", rack, 0, 0);
	}
	if (ws < 0 || sa < 0 || sb < 0 || dc < 0 || bench < 0 || store < 0 ||
	    rack < 0 || abins[5] < 0 || bbins[5] < 0 || drawers[7] < 0 ||
	    levels[1] < 0)
		return inv_fail(ctx, "locations");

	/* Categories. */
	long long el = inv_node(ctx, &category_resource, "Electronics",
	    "Electronic components", 0, 0, 0);
	long long pas = inv_node(ctx, &category_resource, "Passives",
	    "Resistors, capacitors, inductors", el, 1, 0);
	long long res = inv_node(ctx, &category_resource, "Resistors",
	    "Thick film chip resistors", pas, 0, drawers[0]);
	long long cap = inv_node(ctx, &category_resource, "Capacitors",
	    "MLCC chip capacitors", pas, 0, drawers[2]);
	long long semi = inv_node(ctx, &category_resource, "Semiconductors", "",
	    el, 1, 0);
	long long dio = inv_node(ctx, &category_resource, "Diodes", "", semi, 0,
	    abins[0]);
	long long tra = inv_node(ctx, &category_resource, "Transistors", "", semi,
	    0, abins[1]);
	long long ics = inv_node(ctx, &category_resource, "ICs", "Integrated "
	    "circuits", semi, 1, 0);
	long long mcu = inv_node(ctx, &category_resource, "Microcontrollers", "",
	    ics, 0, abins[2]);
	long long reg = inv_node(ctx, &category_resource, "Voltage regulators", "",
	    ics, 0, abins[3]);
	long long opa = inv_node(ctx, &category_resource, "Op-amps", "", ics, 0,
	    abins[3]);
	long long con = inv_node(ctx, &category_resource, "Connectors", "", el, 0,
	    abins[4]);
	long long led = inv_node(ctx, &category_resource, "LEDs", "Indicator "
	    "LEDs", el, 0, abins[5]);
	long long mech = inv_node(ctx, &category_resource, "Mechanical",
	    "Mechanical parts", 0, 0, 0);
	long long fas = inv_node(ctx, &category_resource, "Fasteners", "", mech, 0,
	    0);
	long long scr = inv_node(ctx, &category_resource, "Screws", "ISO 7380 and "
	    "DIN 912", fas, 0, bbins[0]);
	long long nut = inv_node(ctx, &category_resource, "Nuts", "", fas, 0,
	    bbins[1]);
	long long was = inv_node(ctx, &category_resource, "Washers", "", fas, 0,
	    bbins[1]);
	long long bea = inv_node(ctx, &category_resource, "Bearings", "", mech, 0,
	    bbins[2]);
	long long spr = inv_node(ctx, &category_resource, "Springs", "", mech, 0,
	    bbins[3]);
	long long enc = inv_node(ctx, &category_resource, "Enclosures", "", mech, 0,
	    levels[0]);
	long long tc = inv_node(ctx, &category_resource, "Tools & consumables", "",
	    0, 0, bench);
	if (el < 0 || res < 0 || cap < 0 || dio < 0 || tra < 0 || mcu < 0 ||
	    reg < 0 || opa < 0 || con < 0 || led < 0 || scr < 0 || nut < 0 ||
	    was < 0 || bea < 0 || spr < 0 || enc < 0 || tc < 0)
		return inv_fail(ctx, "categories");

	/* Parameters with units (docs/parameters.md), and the templates
	 * the resistors' and capacitors' categories give new parts. */
	long long t_res = inv_create(ctx, &parameter_template_resource,
	    "{\"name\":\"Resistance\",\"units\":\"ohm\","
	    "\"description\":\"Nominal resistance\"}");
	long long t_cap = inv_create(ctx, &parameter_template_resource,
	    "{\"name\":\"Capacitance\",\"units\":\"F\","
	    "\"description\":\"Nominal capacitance\"}");
	long long t_volt = inv_create(ctx, &parameter_template_resource,
	    "{\"name\":\"Voltage\",\"units\":\"V\","
	    "\"description\":\"Rated voltage\"}");
	long long t_tol = inv_create(ctx, &parameter_template_resource,
	    "{\"name\":\"Tolerance\",\"units\":\"%\"}");
	long long t_pkg = inv_create(ctx, &parameter_template_resource,
	    "{\"name\":\"Package\",\"description\":\"Case code\","
	    "\"choices\":\"0402,0603,0805,1206,SOT-23,SOIC-8,TO-220\"}");
	long long t_rohs = inv_create(ctx, &parameter_template_resource,
	    "{\"name\":\"RoHS\",\"checkbox\":true}");
	if (t_res < 0 || t_cap < 0 || t_volt < 0 || t_tol < 0 || t_pkg < 0 ||
	    t_rohs < 0 || inv_category_template(ctx, res, t_res, "") < 0 ||
	    inv_category_template(ctx, res, t_tol, "1") < 0 ||
	    inv_category_template(ctx, res, t_pkg, "0603") < 0 ||
	    inv_category_template(ctx, cap, t_cap, "") < 0 ||
	    inv_category_template(ctx, cap, t_volt, "50") < 0 ||
	    inv_category_template(ctx, cap, t_pkg, "0603") < 0)
		return inv_fail(ctx, "parameter templates");

	/* Resistors: E12 values, 0603 and 0805. */
	static const char *const pkgs[] = { "0603", "0805" };
	int n = 0;
	for (size_t m = 0; m < 6; m++)
		for (size_t v = 0; v < 12; v++)
			for (size_t k = 0; k < 2; k++) {
				char val[16];
				const char *mul = rmult[m];
				if (mul[0] == '0' && mul[1] == 'k')
					snprintf(val, sizeof(val), "%s0k",
					    e12[v]);
				else
					snprintf(val, sizeof(val), "%s%s",
					    e12[v], mul);
				snprintf(name, sizeof(name), "Resistor %s %s",
				    val, pkgs[k]);
				snprintf(ipn, sizeof(ipn), "RES-%s-%04d",
				    pkgs[k], ++n);
				snprintf(desc, sizeof(desc), "%s ohm 1%% "
				    "thick film chip resistor, %s", val,
				    pkgs[k]);
				long long p = inv_part(ctx, name, ipn, desc,
				    "resistor smd", "", res, n % 9 == 0 ? 200 :
				    0, 0);
				long long it = p < 0 ? -1 : inv_stock(ctx, p,
				    drawers[k], inv_between(1, 50) * 100,
				    n % 5 == 0 ? "REEL-2026-03" : NULL);
				/* Values written as people write them. */
				char rv[24];
				snprintf(rv, sizeof(rv), n % 3 == 0 ? "%s" :
				    n % 3 == 1 ? "%s ohm" : "%sR", val);
				if (n % 3 != 0 && strchr(val, 'k') != NULL)
					snprintf(rv, sizeof(rv), "%s", val);
				if (it < 0 || inv_param(ctx, p, t_res, rv) < 0 ||
				    inv_param(ctx, p, t_tol, "1%") < 0 ||
				    inv_param(ctx, p, t_pkg, pkgs[k]) < 0 ||
				    inv_param(ctx, p, t_rohs, "yes") < 0)
					return inv_fail(ctx, "resistors");
				if (nitems < 1000)
					items[nitems++] = it;
			}
	for (size_t v = 0; v < 20; v++)
		for (size_t k = 0; k < 2; k++) {
			snprintf(name, sizeof(name), "Capacitor %s %s", cvals[v],
			    pkgs[k]);
			snprintf(ipn, sizeof(ipn), "CAP-%s-%04d", pkgs[k], ++n);
			snprintf(desc, sizeof(desc), "%s X7R 50 V MLCC, %s",
			    cvals[v], pkgs[k]);
			long long p = inv_part(ctx, name, ipn, desc,
			    "capacitor mlcc smd", "", cap, 100, 0);
			long long it = p < 0 ? -1 : inv_stock(ctx, p,
			    drawers[2 + k], inv_between(1, 40) * 50, NULL);
			if (it < 0 || inv_param(ctx, p, t_cap, cvals[v]) < 0 ||
			    inv_param(ctx, p, t_volt, v < 15 ? "50 V" : "25V") < 0 ||
			    inv_param(ctx, p, t_tol, "10") < 0 ||
			    inv_param(ctx, p, t_pkg, pkgs[k]) < 0 ||
			    inv_param(ctx, p, t_rohs, "yes") < 0)
				return inv_fail(ctx, "capacitors");
			items[nitems++] = it;
		}
	static const char *const colours[] = { "red", "green", "blue",
	    "yellow", "white" };
	for (size_t c = 0; c < 5; c++)
		for (size_t k = 0; k < 2; k++) {
			snprintf(name, sizeof(name), "LED %s %s", k ? "5mm" :
			    "3mm", colours[c]);
			snprintf(ipn, sizeof(ipn), "LED-%04d", ++n);
			snprintf(desc, sizeof(desc), "%s through-hole LED, %s "
			    "diffused", k ? "5 mm" : "3 mm", colours[c]);
			long long p = inv_part(ctx, name, ipn, desc,
			    "led indicator", "", led, 20, 0);
			long long it = p < 0 ? -1 : inv_stock(ctx, p, abins[5],
			    inv_between(10, 200), NULL);
			if (it < 0)
				return inv_fail(ctx, "leds");
			items[nitems++] = it;
		}
	/* Screws: M2..M5, six lengths, two head styles. */
	static const int sizes[] = { 2, 3, 4, 5 };
	static const int lengths[] = { 6, 8, 10, 12, 16, 20 };
	for (size_t s = 0; s < 4; s++)
		for (size_t l = 0; l < 6; l++)
			for (size_t h = 0; h < 2; h++) {
				snprintf(name, sizeof(name), "Screw M%dx%d %s",
				    sizes[s], lengths[l], h ? "button head" :
				    "socket head");
				snprintf(ipn, sizeof(ipn), "SCR-M%d-%02d-%c",
				    sizes[s], lengths[l], h ? 'B' : 'S');
				snprintf(desc, sizeof(desc), "%s, stainless "
				    "A2, hex socket", h ? "ISO 7380" :
				    "DIN 912");
				long long p = inv_part(ctx, name, ipn, desc,
				    "fastener metric", "pcs", scr, 50, 0);
				long long it = p < 0 ? -1 : inv_stock(ctx, p,
				    bbins[s], inv_between(1, 20) * 25, NULL);
				if (it < 0)
					return inv_fail(ctx, "screws");
				items[nitems++] = it;
			}
	for (size_t s = 0; s < 4; s++) {
		snprintf(name, sizeof(name), "Hex nut M%d", sizes[s]);
		snprintf(ipn, sizeof(ipn), "NUT-M%d", sizes[s]);
		long long p = inv_part(ctx, name, ipn, "DIN 934, stainless A2",
		    "fastener metric", "pcs", nut, 100, 0);
		long long it = p < 0 ? -1 : inv_stock(ctx, p, bbins[4],
		    inv_between(2, 20) * 50, NULL);
		snprintf(name, sizeof(name), "Washer M%d", sizes[s]);
		snprintf(ipn, sizeof(ipn), "WSH-M%d", sizes[s]);
		long long w = inv_part(ctx, name, ipn, "DIN 125, stainless A2",
		    "fastener metric", "pcs", was, 100, 0);
		long long iw = w < 0 ? -1 : inv_stock(ctx, w, bbins[5],
		    inv_between(2, 20) * 50, NULL);
		if (it < 0 || iw < 0)
			return inv_fail(ctx, "nuts");
		items[nitems++] = it;
		items[nitems++] = iw;
	}
	if (inv_simple_parts(ctx, diodes, 8, "DIO", dio, abins[0], 20, 200,
	    "", items, &nitems) != 0 ||
	    inv_simple_parts(ctx, transistors, 10, "TRN", tra, abins[1], 10,
	    100, "", items, &nitems) != 0 ||
	    inv_simple_parts(ctx, mcus, 8, "MCU", mcu, abins[2], 2, 20, "",
	    items, &nitems) != 0 ||
	    inv_simple_parts(ctx, regulators, 6, "REG", reg, abins[3], 5, 30,
	    "", items, &nitems) != 0 ||
	    inv_simple_parts(ctx, opamps, 6, "OPA", opa, abins[3], 5, 30, "",
	    items, &nitems) != 0 ||
	    inv_simple_parts(ctx, connectors, 15, "CON", con, abins[4], 5, 60,
	    "", items, &nitems) != 0 ||
	    inv_simple_parts(ctx, bearings, 6, "BRG", bea, bbins[2], 4, 40,
	    "pcs", items, &nitems) != 0 ||
	    inv_simple_parts(ctx, misc_mech, 5, "SPR", spr, bbins[3], 5, 50,
	    "pcs", items, &nitems) != 0 ||
	    inv_simple_parts(ctx, enclosures, 5, "ENC", enc, levels[0], 2, 12,
	    "pcs", items, &nitems) != 0 ||
	    inv_simple_parts(ctx, consumables, 6, "CNS", tc, bench, 1, 6, "",
	    items, &nitems) != 0)
		return inv_fail(ctx, "parts");

	/* Where the parts come from. */
	db_stmt *np = db_prepare(ctx, sql_count);
	if (np == NULL || st_step(np) != SQLITE_ROW ||
	    inv_demo_companies(ctx, st_column_int64(np, 0)) != 0)
		return inv_fail(ctx, "companies");
	if (inv_demo_orders(ctx, bench) != 0)
		return inv_fail(ctx, "purchase orders");
	st_reset(np);

	/* What the workshop builds. */
	long long asmcat = inv_node(ctx, &category_resource, "Assemblies",
	    "Boards and units built here", 0, 0, 0);
	if (asmcat < 0 || inv_demo_boms(ctx, asmcat, bench) != 0)
		return inv_fail(ctx, "assemblies");
	if (inv_demo_variants(ctx, enc, bench) != 0)
		return inv_fail(ctx, "variants");

	/* A few weeks of work: stocktakes, use, deliveries, moves. */
	for (int k = 0; k < 160; k++) {
		long long it = items[inv_between(0, (long long)nitems - 1)];
		struct err *e = NULL;
		switch (k % 4) {
		case 0:
			e = inv_adjust(ctx, STOCK_REMOVE, it, "1", 0,
			    "Used in prototype build");
			break;
		case 1:
			e = inv_adjust(ctx, STOCK_ADD, it, "25", 0,
			    "Delivery received");
			break;
		case 2:
			e = inv_adjust(ctx, STOCK_COUNT, it, k % 3 ? "40" :
			    "12.5", 0, "Quarterly stocktake");
			break;
		case 3:
			e = inv_adjust(ctx, STOCK_TRANSFER, it, "1", bench,
			    "Taken to the bench");
			break;
		}
		/* A refused adjustment (more removed than there is) is
		 * part of a real history too; it changes nothing. */
		if (e != NULL && e->status != 400)
			return inv_failed(ctx, "history", e);
	}
	/* After the weeks of work: what it allocates stays in stock. */
	if (inv_demo_builds(ctx, bench) != 0)
		return inv_fail(ctx, "build orders");
	if (db_end(ctx, NULL) != NULL)
		return inv_fail(ctx, "commit");
	printf("demo inventory loaded into %s: %d categories, %d locations, "
	    "%zu+ stock items with history, 7 companies with their parts, 3 "
	    "assemblies with their BOMs, 5 build orders, a template part "
	    "with 3 variants\n", ctx->cfg.database,
	    24, 29, nitems);
	return 0;
}

/* ---- generate ------------------------------------------------------ */

static const char *const gen_words[] = { "Resistor", "Capacitor", "Inductor",
	"Diode", "Transistor", "Regulator", "Connector", "Header", "Relay",
	"Fuse", "Crystal", "Oscillator", "Sensor", "Switch", "Button", "Cable",
	"Screw", "Nut", "Washer", "Bearing", "Spring", "Bracket", "Spacer",
	"Standoff", "Gear", "Pulley", "Belt", "Shaft", "Coupler", "Magnet",
	"Motor", "Driver", "Display", "Module", "Antenna", "Battery" };
static const char *const gen_adjs[] = { "miniature", "precision", "heavy",
	"low-noise", "high-voltage", "stainless", "shielded", "sealed",
	"automotive", "industrial", "surface-mount", "through-hole", "nylon",
	"brass", "aluminium", "ceramic" };

static const char gen_sql_cat[] =
    "INSERT INTO part_category (id, name, description, parent, path, "
    "pathstring, level) VALUES (?, ?, '', ?, ?, ?, ?)";
static const char gen_sql_loc[] =
    "INSERT INTO stock_location (id, name, description, parent, path, "
    "pathstring, level) VALUES (?, ?, '', ?, ?, ?, ?)";
static const char gen_sql_part[] =
    "INSERT INTO part (id, name, IPN, description, keywords, category, "
    "minimum_stock) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char gen_sql_part_fts[] =
    "INSERT INTO part_fts (rowid, name, IPN, description, keywords) "
    "VALUES (?, ?, ?, ?, ?)";
static const char gen_sql_item[] =
    "INSERT INTO stock_item (id, part, location, quantity, batch, status) "
    "VALUES (?, ?, ?, ?, ?, ?)";
static const char gen_sql_item_fts[] =
    "INSERT INTO stock_item_fts (rowid, batch, serial, notes) "
    "VALUES (?, ?, '', '')";
static const char gen_sql_track[] =
    "INSERT INTO stock_tracking (item, tracking_type, notes, deltas) "
    "VALUES (?, ?, ?, ?)";

struct gen_node {
	char	*path;
	char	*pathstring;
	int	 level;
};

/* Inserts n tree nodes: the first `top` at the top, the rest under a
 * random earlier node no deeper than 3. */
static int
gen_tree(struct ctx *ctx, const char *sql, const char *stem, long long n,
    long long top, struct gen_node *nodes)
{
	db_stmt *st = db_prepare(ctx, sql);
	char name[64];

	if (st == NULL)
		return -1;
	for (long long i = 0; i < n; i++) {
		long long parent = -1;
		if (i >= top)
			do {
				parent = inv_between(0, i - 1);
			} while (nodes[parent].level >= 3);
		snprintf(name, sizeof(name), "%s %lld", stem, i + 1);
		nodes[i].level = parent < 0 ? 0 : nodes[parent].level + 1;
		nodes[i].path = mem_printf(&ctx->mem, "%s%lld/", parent < 0 ?
		    "/" : nodes[parent].path, i + 1);
		nodes[i].pathstring = parent < 0 ? mem_strdup(&ctx->mem, name) :
		    mem_printf(&ctx->mem, "%s/%s", nodes[parent].pathstring,
		    name);
		st_reset(st);
		st_bind_int64(st, 1, i + 1);
		st_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
		if (parent < 0)
			st_bind_null(st, 3);
		else
			st_bind_int64(st, 3, parent + 1);
		st_bind_text(st, 4, nodes[i].path, -1, SQLITE_STATIC);
		st_bind_text(st, 5, nodes[i].pathstring, -1,
		    SQLITE_STATIC);
		st_bind_int(st, 6, nodes[i].level);
		if (st_step(st) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/* A command's option: its flag ("-p") and where its number goes. */
struct inv_option {
	const char	*flag;
	long long	*value;
};

/*
 * Reads argv[2] on as pairs "flag number" (a whole number from 0 to
 * 100000000) into the values opts names.  Returns 0, or 2 after saying
 * which number is bad or which flag unknown.
 */
static int
inv_options(int argc, char **argv, const struct inv_option *opts, size_t n)
{
	for (int i = 2; i + 1 < argc; i += 2) {
		long long v;
		size_t o = 0;
		if (!txt_parse_int64(argv[i + 1], 0, 100000000, &v)) {
			fprintf(stderr, "inventory: bad number %s\n",
			    argv[i + 1]);
			return 2;
		}
		while (o < n && strcmp(argv[i], opts[o].flag) != 0)
			o++;
		if (o == n) {
			fprintf(stderr, "inventory: unknown option %s\n",
			    argv[i]);
			return 2;
		}
		*opts[o].value = v;
	}
	return 0;
}

/*
 * Bills of materials for the benchmark (issue 16): the last asms parts
 * become assemblies (and no components), each with 20 to 200 lines of
 * distinct other parts (none an assembly, so no cycles), quantities 1 to
 * 10, every tenth line with a substitute.
 */
static int
gen_boms(struct ctx *ctx, long long parts, long long asms)
{
	static const char sql_asm[] =
	    "UPDATE part SET assembly = 1, component = 0 WHERE id > ?";
	static const char sql_line[] =
	    "INSERT INTO bom_item (part, sub_part, quantity, reference) "
	    "VALUES (?, ?, ?, ?)";
	static const char sql_sub[] =
	    "INSERT INTO bom_item_substitute (bom_item, part) VALUES (?, ?)";
	long long first = parts - asms + 1, nlines = 0;
	char ref[24];

	db_stmt *a = db_prepare(ctx, sql_asm);
	db_stmt *l = db_prepare(ctx, sql_line);
	db_stmt *sb = db_prepare(ctx, sql_sub);
	if (a == NULL || l == NULL || sb == NULL)
		return -1;
	st_bind_int64(a, 1, first - 1);
	if (st_step(a) != SQLITE_DONE)
		return -1;
	for (long long p = first; p <= parts; p++) {
		long long n = inv_between(20, 200);
		/* distinct components: a random start and stride */
		long long span = first - 1, at = inv_between(1, span);
		long long stride = 1 + inv_between(0, 96) * 2;
		for (long long k = 0; k < n; k++) {
			long long sub = (at + k * stride) % span + 1;
			snprintf(ref, sizeof(ref), "X%lld", k + 1);
			st_reset(l);
			st_bind_int64(l, 1, p);
			st_bind_int64(l, 2, sub);
			st_bind_int64(l, 3, inv_between(1, 10) * DEC_SCALE);
			st_bind_text(l, 4, ref, -1, SQLITE_TRANSIENT);
			if (st_step(l) != SQLITE_DONE)
				return -1;
			nlines++;
			if (k % 10 != 9)
				continue;
			st_reset(sb);
			st_bind_int64(sb, 1, db_last_id(ctx));
			st_bind_int64(sb, 2, (sub + span / 2) % span + 1);
			if (st_step(sb) != SQLITE_DONE)
				return -1;
		}
	}
	fprintf(stderr, "inventory: %lld assemblies, %lld BOM lines\n", asms,
	    nlines);
	return 0;
}

static int
cmd_generate(struct ctx *ctx, int argc, char **argv)
{
	long long parts = 100000, cats = 500, locs = 200, items = 1000000,
	    tracks = 2000000, asms = -1;
	char name[128], ipn[32], desc[200], kw[64], batch[32], notes[64];
	time_t t0 = time(NULL);

	long long seed = -1;
	const struct inv_option opts[] = {
		{ "-p", &parts }, { "-c", &cats }, { "-l", &locs },
		{ "-i", &items }, { "-t", &tracks }, { "-a", &asms },
		{ "-s", &seed },
	};

	if (inv_options(argc, argv, opts, sizeof(opts) / sizeof(opts[0])) != 0)
		return 2;
	if (seed >= 0)
		inv_rng_state = (unsigned long long)seed * 2654435761ULL + 1;
	if (asms < 0)
		asms = parts / 50;
	if (asms > parts / 2)
		asms = parts / 2;
	if (cats < 1 || locs < 1 || parts < 1 || tracks < items) {
		fprintf(stderr, "inventory: need at least one category, "
		    "location and part, and no fewer tracking entries than "
		    "items (each item has its 'created' entry)\n");
		return 2;
	}
	db_stmt *cnt = db_prepare(ctx, "SELECT (SELECT count(*) FROM "
	    "part) + (SELECT count(*) FROM part_category) + (SELECT count(*) "
	    "FROM stock_location)");
	if (cnt == NULL || st_step(cnt) != SQLITE_ROW)
		return inv_fail(ctx, "count");
	if (st_column_int64(cnt, 0) > 0) {
		fprintf(stderr, "inventory: %s is not empty; generate fills "
		    "an empty inventory only\n", ctx->cfg.database);
		return 1;
	}
	if (inv_exec(ctx, "PRAGMA synchronous = OFF") != 0 ||
	    inv_exec(ctx, "PRAGMA cache_size = -262144") != 0 ||
	    db_begin(ctx) != NULL)
		return inv_fail(ctx, "begin");
	/*
	 * No triggers while loading: the counts they keep row by row
	 * (migrations 0003 and 0010) are made once at the end, which halves
	 * the time of a large inventory.
	 */
	sqlite3_db_config(ctx->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);

	struct gen_node *cn = mem_zalloc(&ctx->mem, sizeof(*cn) * cats);
	struct gen_node *ln = mem_zalloc(&ctx->mem, sizeof(*ln) * locs);
	if (gen_tree(ctx, gen_sql_cat, "Category", cats, cats < 12 ? 1 : 12,
	    cn) != 0 ||
	    gen_tree(ctx, gen_sql_loc, "Location", locs, locs < 6 ? 1 : 6,
	    ln) != 0)
		return inv_fail(ctx, "trees");

	db_stmt *ps = db_prepare(ctx, gen_sql_part);
	db_stmt *pf = db_prepare(ctx, gen_sql_part_fts);
	if (ps == NULL || pf == NULL)
		return inv_fail(ctx, "prepare");
	for (long long i = 1; i <= parts; i++) {
		const char *w = gen_words[inv_rand() % (sizeof(gen_words) /
		    sizeof(gen_words[0]))];
		const char *a = gen_adjs[inv_rand() % (sizeof(gen_adjs) /
		    sizeof(gen_adjs[0]))];
		snprintf(name, sizeof(name), "%s %s %05llx", a, w,
		    (unsigned long long)inv_between(0, 0xfffff));
		snprintf(ipn, sizeof(ipn), "P%06lld", i);
		snprintf(desc, sizeof(desc), "%s %s, series %lld, grade %c",
		    w, a, inv_between(100, 999), (char)('A' +
		    inv_between(0, 5)));
		snprintf(kw, sizeof(kw), "%s %s", w, a);
		long long cat = inv_between(1, cats);
		st_reset(ps);
		st_bind_int64(ps, 1, i);
		st_bind_text(ps, 2, name, -1, SQLITE_STATIC);
		st_bind_text(ps, 3, ipn, -1, SQLITE_STATIC);
		st_bind_text(ps, 4, desc, -1, SQLITE_STATIC);
		st_bind_text(ps, 5, kw, -1, SQLITE_STATIC);
		st_bind_int64(ps, 6, cat);
		st_bind_int64(ps, 7, inv_between(0, 3) == 0 ?
		    inv_between(1, 100) * DEC_SCALE : 0);
		if (st_step(ps) != SQLITE_DONE)
			return inv_fail(ctx, "part");
		st_reset(pf);
		st_bind_int64(pf, 1, i);
		st_bind_text(pf, 2, name, -1, SQLITE_STATIC);
		st_bind_text(pf, 3, ipn, -1, SQLITE_STATIC);
		st_bind_text(pf, 4, desc, -1, SQLITE_STATIC);
		st_bind_text(pf, 5, kw, -1, SQLITE_STATIC);
		if (st_step(pf) != SQLITE_DONE)
			return inv_fail(ctx, "part index");
	}
	fprintf(stderr, "inventory: %lld parts (%llds)\n", parts,
	    (long long)(time(NULL) - t0));

	db_stmt *is = db_prepare(ctx, gen_sql_item);
	db_stmt *ifs = db_prepare(ctx, gen_sql_item_fts);
	db_stmt *ts = db_prepare(ctx, gen_sql_track);
	if (is == NULL || ifs == NULL || ts == NULL)
		return inv_fail(ctx, "prepare");
	static const int statuses[] = { 10, 10, 10, 10, 10, 10, 10, 50, 55,
	    60, 70, 85 };
	long long extra = tracks - items;
	for (long long i = 1; i <= items; i++) {
		long long q = inv_between(1, 10000) * DEC_SCALE;
		snprintf(batch, sizeof(batch), "B%04lld-%05lld",
		    inv_between(2020, 2026), inv_between(0, 99999));
		st_reset(is);
		st_bind_int64(is, 1, i);
		/* Spread items over parts so every part has ~items/parts. */
		st_bind_int64(is, 2, (i - 1) % parts + 1);
		st_bind_int64(is, 3, inv_between(1, locs));
		st_bind_int64(is, 4, q);
		st_bind_text(is, 5, batch, -1, SQLITE_STATIC);
		st_bind_int(is, 6, statuses[inv_rand() % 12]);
		if (st_step(is) != SQLITE_DONE)
			return inv_fail(ctx, "item");
		st_reset(ifs);
		st_bind_int64(ifs, 1, i);
		st_bind_text(ifs, 2, batch, -1, SQLITE_STATIC);
		if (st_step(ifs) != SQLITE_DONE)
			return inv_fail(ctx, "item index");
		/* Its history: created, then its share of the rest. */
		long long mine = 1 + extra / items + (i <= extra % items);
		for (long long k = 0; k < mine; k++) {
			static const int codes[] = { 10, 11, 12, 20 };
			int code = k == 0 ? TRACK_CREATED :
			    codes[inv_rand() % 4];
			char deltas[96];
			if (code == TRACK_MOVED)
				snprintf(deltas, sizeof(deltas),
				    "{\"location\":%lld}", inv_between(1,
				    locs));
			else
				snprintf(deltas, sizeof(deltas),
				    "{\"quantity\":%lld.0}", inv_between(1,
				    10000));
			snprintf(notes, sizeof(notes), k == 0 ? "Generated" :
			    "Generated history %lld", k);
			st_reset(ts);
			st_bind_int64(ts, 1, i);
			st_bind_int(ts, 2, code);
			st_bind_text(ts, 3, notes, -1, SQLITE_STATIC);
			st_bind_text(ts, 4, deltas, -1, SQLITE_STATIC);
			if (st_step(ts) != SQLITE_DONE)
				return inv_fail(ctx, "tracking");
		}
		if (i % 200000 == 0)
			fprintf(stderr, "inventory: %lld stock items (%llds)\n",
			    i, (long long)(time(NULL) - t0));
	}
	if (asms > 0 && gen_boms(ctx, parts, asms) != 0)
		return inv_fail(ctx, "BOMs");
	sqlite3_db_config(ctx->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, NULL);
	if (tally_rebuild(ctx->db) != SQLITE_OK)
		return inv_fail(ctx, "counts");
	if (db_end(ctx, NULL) != NULL)
		return inv_fail(ctx, "commit");
	/*
	 * One segment per search index, as the daily fts_merge task keeps a
	 * running site (a bulk load leaves a dozen).
	 */
	if (inv_exec(ctx, "INSERT INTO part_fts (part_fts) VALUES "
	    "('optimize')") != 0 ||
	    inv_exec(ctx, "INSERT INTO stock_item_fts (stock_item_fts) VALUES "
	    "('optimize')") != 0 ||
	    inv_exec(ctx, "PRAGMA optimize") != 0 ||
	    inv_exec(ctx, "ANALYZE") != 0)
		return 1;
	printf("generated into %s: %lld categories, %lld locations, %lld "
	    "parts, %lld stock items, %lld tracking entries in %llds\n",
	    ctx->cfg.database, cats, locs, parts, items, tracks,
	    (long long)(time(NULL) - t0));
	return 0;
}

/* ---- companies ----------------------------------------------------- */

static const char gen_sql_company[] =
    "INSERT INTO company (id, name, description, website, email, currency, "
    "is_supplier, is_manufacturer, is_customer) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char gen_sql_mpart[] =
    "INSERT INTO manufacturer_part (id, part, manufacturer, MPN, "
    "description) VALUES (?, ?, ?, ?, ?)";
static const char gen_sql_spart[] =
    "INSERT INTO supplier_part (id, part, supplier, SKU, manufacturer_part, "
    "description, packaging, pack_quantity, pack_quantity_native, "
    "available, availability_updated, updated) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char gen_sql_pbreak[] =
    "INSERT INTO supplier_price_break (part, quantity, price, "
    "price_currency, updated) VALUES (?, ?, ?, ?, ?)";

/*
 * inventory companies [-n companies] [-s supplier parts]: companies (one
 * in four also a manufacturer, one in ten a customer), a manufacturer part
 * for every third supplier part, supplier parts of random parts with two
 * price breaks each, into an inventory made by generate (its part ids
 * 1..N without gaps) that has no companies yet.
 */
static int
cmd_companies(struct ctx *ctx, long long ncomp, long long nsp)
{
	static const char *const currencies[] = { "USD", "EUR", "GBP", "USD" };
	static const char *const packs[] = { "", "10", "100", "1000" };
	static const char *const packaging[] = { "Reel", "Cut tape", "Tray",
	    "Bag", "Tube" };
	static const char now[] = "2026-12-01T09:00:00Z";
	char name[96], desc[160], web[96], mail[96], sku[32], mpn[32];
	long long nparts = 0;
	time_t t0 = time(NULL);
	bool gaps = true, any = true;

	db_stmt *q = db_prepare(ctx, "SELECT count(*), "
	    "count(*) = coalesce(max(id), 0), (SELECT count(*) FROM company) > 0 "
	    "FROM part");
	if (q == NULL || st_step(q) != SQLITE_ROW)
		return inv_fail(ctx, "count");
	nparts = st_column_int64(q, 0);
	gaps = st_column_int(q, 1) == 0;
	any = st_column_int(q, 2) != 0;
	st_reset(q);
	if (nparts == 0 || gaps || any || ncomp < 1) {
		fprintf(stderr, "inventory: companies needs the parts of "
		    "generate (ids 1..N) and no companies yet\n");
		return 1;
	}
	if (inv_exec(ctx, "PRAGMA synchronous = OFF") != 0 ||
	    db_begin(ctx) != NULL)
		return inv_fail(ctx, "begin");
	db_stmt *cs = db_prepare(ctx, gen_sql_company);
	db_stmt *ms = db_prepare(ctx, gen_sql_mpart);
	db_stmt *ss = db_prepare(ctx, gen_sql_spart);
	db_stmt *bs = db_prepare(ctx, gen_sql_pbreak);
	if (cs == NULL || ms == NULL || ss == NULL || bs == NULL)
		return inv_fail(ctx, "prepare");
	for (long long i = 1; i <= ncomp; i++) {
		const char *w = gen_words[inv_rand() % (sizeof(gen_words) /
		    sizeof(gen_words[0]))];
		snprintf(name, sizeof(name), "%s Supply %lld", w, i);
		snprintf(desc, sizeof(desc), "%s parts, distributor %lld", w, i);
		snprintf(web, sizeof(web), "https://supplier%lld.example", i);
		snprintf(mail, sizeof(mail), "sales@supplier%lld.example", i);
		st_reset(cs);
		st_bind_int64(cs, 1, i);
		st_bind_text(cs, 2, name, -1, SQLITE_STATIC);
		st_bind_text(cs, 3, desc, -1, SQLITE_STATIC);
		st_bind_text(cs, 4, web, -1, SQLITE_STATIC);
		st_bind_text(cs, 5, mail, -1, SQLITE_STATIC);
		st_bind_text(cs, 6, currencies[i % 4], -1, SQLITE_STATIC);
		st_bind_int(cs, 7, 1);
		st_bind_int(cs, 8, i % 4 == 1);
		st_bind_int(cs, 9, i % 10 == 0);
		if (st_step(cs) != SQLITE_DONE)
			return inv_fail(ctx, "company");
	}
	/* Manufacturers are the companies 1, 5, 9, ... */
	long long nman = (ncomp + 3) / 4;
	for (long long i = 1; i <= nsp; i++) {
		long long part = inv_between(1, nparts), mp = 0;
		if (i % 3 == 0) {
			mp = i / 3;
			snprintf(mpn, sizeof(mpn), "MPN-%07lld", mp);
			snprintf(desc, sizeof(desc), "Manufacturer part %lld", mp);
			st_reset(ms);
			st_bind_int64(ms, 1, mp);
			st_bind_int64(ms, 2, part);
			st_bind_int64(ms, 3, 4 * inv_between(0, nman - 1) + 1);
			st_bind_text(ms, 4, mpn, -1, SQLITE_STATIC);
			st_bind_text(ms, 5, desc, -1, SQLITE_STATIC);
			if (st_step(ms) != SQLITE_DONE)
				return inv_fail(ctx, "manufacturer part");
		}
		const char *pack = packs[inv_rand() % 4];
		snprintf(sku, sizeof(sku), "SKU-%07lld", i);
		snprintf(desc, sizeof(desc), "Supplier part %lld", i);
		st_reset(ss);
		st_bind_int64(ss, 1, i);
		st_bind_int64(ss, 2, part);
		st_bind_int64(ss, 3, inv_between(1, ncomp));
		st_bind_text(ss, 4, sku, -1, SQLITE_STATIC);
		if (mp > 0)
			st_bind_int64(ss, 5, mp);
		else
			st_bind_null(ss, 5);
		st_bind_text(ss, 6, desc, -1, SQLITE_STATIC);
		st_bind_text(ss, 7, packaging[inv_rand() % 5], -1,
		    SQLITE_STATIC);
		st_bind_text(ss, 8, pack[0] != '\0' ? pack : "1", -1,
		    SQLITE_STATIC);
		st_bind_int64(ss, 9, (pack[0] != '\0' ?
		    strtoll(pack, NULL, 10) : 1) * DEC_SCALE);
		st_bind_int64(ss, 10, inv_between(0, 100000) * DEC_SCALE);
		st_bind_text(ss, 11, now, -1, SQLITE_STATIC);
		st_bind_text(ss, 12, now, -1, SQLITE_STATIC);
		if (st_step(ss) != SQLITE_DONE)
			return inv_fail(ctx, "supplier part");
		long long price = inv_between(1, 100000);	/* 10^-5 */
		for (int k = 0; k < 2; k++) {
			st_reset(bs);
			st_bind_int64(bs, 1, i);
			st_bind_int64(bs, 2, (k == 0 ? 1 : 100) * DEC_SCALE);
			st_bind_int64(bs, 3, k == 0 ? price : price * 8 / 10);
			st_bind_text(bs, 4, "USD", -1, SQLITE_STATIC);
			st_bind_text(bs, 5, now, -1, SQLITE_STATIC);
			if (st_step(bs) != SQLITE_DONE)
				return inv_fail(ctx, "price break");
		}
	}
	if (db_end(ctx, NULL) != NULL)
		return inv_fail(ctx, "commit");
	/* The parts' search index took a row again for each supplier and
	 * manufacturer part (their numbers, migration 0018): one segment. */
	if (inv_exec(ctx, "INSERT INTO part_fts (part_fts) VALUES "
	    "('optimize')") != 0 || inv_exec(ctx, "ANALYZE") != 0)
		return 1;
	printf("generated into %s: %lld companies, %lld manufacturer parts, "
	    "%lld supplier parts, %lld price breaks in %llds\n",
	    ctx->cfg.database, ncomp, nsp / 3, nsp, 2 * nsp,
	    (long long)(time(NULL) - t0));
	return 0;
}

/*
 * inventory boms [-a assemblies]: BOMs (gen_boms()) added to data that
 * generate made before it made them (ids 1..N, no BOM yet): the last
 * parts / 50 parts become assemblies unless -a says how many.
 */
static int
cmd_boms(struct ctx *ctx, int argc, char **argv)
{
	long long asms = -1, nparts;
	bool gaps, any;

	for (int i = 2; i < argc; i += 2) {
		long long v;
		if (i + 1 >= argc || strcmp(argv[i], "-a") != 0 ||
		    !txt_parse_int64(argv[i + 1], 0, 100000000, &v)) {
			fprintf(stderr, "usage: inventory boms [-a "
			    "assemblies]\n");
			return 2;
		}
		asms = v;
	}
	db_stmt *q = db_prepare(ctx, "SELECT count(*), count(*) = "
	    "coalesce(max(id), 0), (SELECT count(*) FROM bom_item) > 0 FROM "
	    "part");
	if (q == NULL || st_step(q) != SQLITE_ROW)
		return inv_fail(ctx, "count");
	nparts = st_column_int64(q, 0);
	gaps = st_column_int(q, 1) == 0;
	any = st_column_int(q, 2) != 0;
	st_reset(q);
	if (nparts < 2 || gaps || any) {
		fprintf(stderr, "inventory: boms needs the parts of generate "
		    "(ids 1..N) and no BOM yet\n");
		return 1;
	}
	if (asms < 0)
		asms = nparts / 50;
	if (asms > nparts / 2)
		asms = nparts / 2;
	if (db_begin(ctx) != NULL || gen_boms(ctx, nparts, asms) != 0 ||
	    db_end(ctx, NULL) != NULL)
		return inv_fail(ctx, "BOMs");
	return 0;
}

/* ---- parameters --------------------------------------------------- */

/*
 * inventory parameters [-n per part]: parameter templates with units and,
 * for every part of generate's (ids 1..N), n of them (10 at most) with a
 * value written as people write it ("4.7k", "100n") and its number in
 * the template's units (issue 17's benchmark data: a range filter over
 * 100,000 parts with 10 parameters each), into data that has none yet.
 * The values are spread over six decades, so that a range of one decade
 * matches a sixth of the parts.
 */
static int
cmd_parameters(struct ctx *ctx, int argc, char **argv)
{
	static const char *const tpl[][2] = {
		{ "Resistance", "ohm" }, { "Capacitance", "F" },
		{ "Voltage", "V" }, { "Current", "A" }, { "Power", "W" },
		{ "Frequency", "Hz" }, { "Inductance", "H" },
		{ "Length", "m" }, { "Mass", "g" }, { "Tolerance", "%" },
	};
	/* The decade each template's values start at (10^lo). */
	static const int lo[] = { 0, -12, -1, -3, -3, 3, -9, -3, -3, -1 };
	static const struct { int exp; const char *p; } prefix[] = {
		{ -12, "p" }, { -9, "n" }, { -6, "u" }, { -3, "m" }, { 0, "" },
		{ 3, "k" }, { 6, "M" }, { 9, "G" },
	};
	static const char sql_tpl[] =
	    "INSERT INTO parameter_template (name, units, description) "
	    "VALUES (?, ?, 'benchmark data')";
	static const char sql_param[] =
	    "INSERT INTO part_parameter (part, template, data, data_numeric) "
	    "VALUES (?, ?, ?, ?)";
	long long per = 10, nparts, tid[10];
	const struct inv_option opts[] = { { "-n", &per } };
	char data[32];

	if (inv_options(argc, argv, opts, 1) != 0 || per < 1 || per > 10) {
		fprintf(stderr, "usage: inventory parameters [-n 1..10]\n");
		return 2;
	}
	db_stmt *q = db_prepare(ctx, "SELECT count(*), count(*) = "
	    "coalesce(max(id), 0), (SELECT count(*) FROM part_parameter) > 0 "
	    "FROM part");
	if (q == NULL || st_step(q) != SQLITE_ROW)
		return inv_fail(ctx, "count");
	nparts = st_column_int64(q, 0);
	bool gaps = st_column_int(q, 1) == 0, any = st_column_int(q, 2) != 0;
	st_reset(q);
	if (nparts < 1 || gaps || any) {
		fprintf(stderr, "inventory: parameters needs the parts of "
		    "generate (ids 1..N) and no parameters yet\n");
		return 1;
	}
	if (db_begin(ctx) != NULL)
		return inv_fail(ctx, "begin");
	db_stmt *ts = db_prepare(ctx, sql_tpl);
	db_stmt *ps = db_prepare(ctx, sql_param);
	if (ts == NULL || ps == NULL)
		return inv_fail(ctx, "prepare");
	for (int t = 0; t < per; t++) {
		st_reset(ts);
		st_bind_text(ts, 1, tpl[t][0], -1, SQLITE_STATIC);
		st_bind_text(ts, 2, tpl[t][1], -1, SQLITE_STATIC);
		if (st_step(ts) != SQLITE_DONE)
			return inv_fail(ctx, "template");
		tid[t] = db_last_id(ctx);
	}
	for (long long p = 1; p <= nparts; p++)
		for (int t = 0; t < per; t++) {
			/* 1.0 to 9.9 times 10^(lo .. lo + 5) */
			int mant = (int)inv_between(10, 99);
			int exp = lo[t] + (int)inv_between(0, 5);
			size_t k = 0;
			while (k + 1 < sizeof(prefix) / sizeof(prefix[0]) &&
			    prefix[k + 1].exp <= exp)
				k++;
			double v = mant / 10.0;
			for (int e = 0; e < exp; e++)
				v *= 10;
			for (int e = 0; e > exp; e--)
				v /= 10;
			double shown = mant / 10.0;
			for (int e = prefix[k].exp; e < exp; e++)
				shown *= 10;
			snprintf(data, sizeof(data), "%g%s", shown, prefix[k].p);
			/* 12 significant digits, as the API stores a value */
			char num[32];
			snprintf(num, sizeof(num), "%.12g", v);
			v = strtod(num, NULL);
			st_reset(ps);
			st_bind_int64(ps, 1, p);
			st_bind_int64(ps, 2, tid[t]);
			st_bind_text(ps, 3, data, -1, SQLITE_STATIC);
			st_bind_double(ps, 4, v);
			if (st_step(ps) != SQLITE_DONE)
				return inv_fail(ctx, "parameter");
		}
	if (db_end(ctx, NULL) != NULL)
		return inv_fail(ctx, "commit");
	printf("generated into %s: %lld parameter templates, %lld parameters\n",
	    ctx->cfg.database, per, per * nparts);
	return 0;
}

static int
cmd_companies_args(struct ctx *ctx, int argc, char **argv)
{
	long long ncomp = 2000, nsp = 150000;
	const struct inv_option opts[] = {
		{ "-n", &ncomp }, { "-s", &nsp },
	};

	if (inv_options(argc, argv, opts, sizeof(opts) / sizeof(opts[0])) != 0)
		return 2;
	return cmd_companies(ctx, ncomp, nsp);
}

static const char gen_sql_po[] =
    "INSERT INTO purchase_order (id, reference, reference_int, supplier, "
    "supplier_reference, description, status, creation_date, issue_date, "
    "target_date, complete_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char gen_sql_po_line[] =
    "INSERT INTO purchase_order_line (order_id, part, quantity, received, "
    "purchase_price, purchase_price_currency) VALUES (?, ?, ?, ?, ?, 'USD')";
static const char gen_sql_po_count[] =
    "SELECT (SELECT count(*) FROM company), (SELECT count(*) FROM "
    "supplier_part), (SELECT count(*) FROM purchase_order)";
/* the supplier parts of one supplier, from a given one on */
static const char gen_sql_po_parts[] =
    "SELECT id, (SELECT price FROM supplier_price_break WHERE part = "
    "supplier_part.id ORDER BY quantity LIMIT 1) FROM supplier_part "
    "WHERE supplier = ?1 AND id >= ?2 ORDER BY id LIMIT ?3";
static const char gen_sql_po_supplier[] =
    "SELECT supplier FROM supplier_part WHERE id = ?";

#define GEN_LINES_MAX	256

/*
 * inventory orders [-n orders] [-l lines per order]: purchase orders of
 * random suppliers in every state (most complete, some open), each with
 * lines of that supplier's parts (complete ones fully received, placed
 * ones half), into an inventory with the supplier parts of companies and
 * no orders yet.  No stock items are made for the receipts.
 */
static int
cmd_orders(struct ctx *ctx, long long norders, long long nlines)
{
	static const long long states[] = { 30, 30, 30, 30, 30, 30, 40, 10,
	    20, 25, 50, 60 };
	char ref[32], sref[32], desc[96], day[16], target[16], issued[16];
	time_t t0 = time(NULL);
	long long lines = 0;

	db_stmt *q = db_prepare(ctx, gen_sql_po_count);
	if (q == NULL || st_step(q) != SQLITE_ROW)
		return inv_fail(ctx, "count");
	long long ncomp = st_column_int64(q, 0);
	long long nsp = st_column_int64(q, 1);
	long long any = st_column_int64(q, 2);
	st_reset(q);
	if (nsp == 0 || any > 0 || norders < 1) {
		fprintf(stderr, "inventory: orders needs the supplier parts of "
		    "companies and no orders yet\n");
		return 1;
	}
	if (inv_exec(ctx, "PRAGMA synchronous = OFF") != 0 ||
	    db_begin(ctx) != NULL)
		return inv_fail(ctx, "begin");
	db_stmt *os = db_prepare(ctx, gen_sql_po);
	db_stmt *ls = db_prepare(ctx, gen_sql_po_line);
	db_stmt *sps = db_prepare(ctx, gen_sql_po_parts);
	db_stmt *sup = db_prepare(ctx, gen_sql_po_supplier);
	if (os == NULL || ls == NULL || sps == NULL || sup == NULL)
		return inv_fail(ctx, "prepare");
	for (long long i = 1; i <= norders; i++) {
		long long status = states[inv_rand() % (sizeof(states) /
		    sizeof(states[0]))];
		time_t created = t0 - inv_between(1, 700) * 86400;
		gen_day(created, day);
		gen_day(created + 86400, issued);
		gen_day(created + 21 * 86400, target);
		long long first = inv_between(1, nsp);
		st_reset(sup);
		st_bind_int64(sup, 1, first);
		if (st_step(sup) != SQLITE_ROW)
			return inv_fail(ctx, "supplier");
		long long supplier = st_column_int64(sup, 0);
		st_reset(sup);
		snprintf(ref, sizeof(ref), "PO-%04lld", i);
		snprintf(sref, sizeof(sref), "SO-%07lld", i * 7 + 1000);
		snprintf(desc, sizeof(desc), "Order %lld of %s parts", i,
		    gen_words[inv_rand() % (sizeof(gen_words) /
		    sizeof(gen_words[0]))]);
		st_reset(os);
		st_bind_int64(os, 1, i);
		st_bind_text(os, 2, ref, -1, SQLITE_STATIC);
		st_bind_int64(os, 3, i);
		st_bind_int64(os, 4, supplier);
		st_bind_text(os, 5, sref, -1, SQLITE_STATIC);
		st_bind_text(os, 6, desc, -1, SQLITE_STATIC);
		st_bind_int64(os, 7, status);
		st_bind_text(os, 8, day, -1, SQLITE_STATIC);
		if (status == 10)
			st_bind_null(os, 9);
		else
			st_bind_text(os, 9, issued, -1, SQLITE_STATIC);
		st_bind_text(os, 10, target, -1, SQLITE_STATIC);
		if (status == 30)
			st_bind_text(os, 11, target, -1, SQLITE_STATIC);
		else
			st_bind_null(os, 11);
		if (st_step(os) != SQLITE_DONE)
			return inv_fail(ctx, "order");
		/* this supplier's parts from the chosen one on (a supplier
		 * with few parts left gives fewer lines) */
		long long sp[GEN_LINES_MAX], price[GEN_LINES_MAX];
		bool priced[GEN_LINES_MAX];
		int n = 0;
		st_reset(sps);
		st_bind_int64(sps, 1, supplier);
		st_bind_int64(sps, 2, first);
		st_bind_int64(sps, 3, nlines);
		while (n < GEN_LINES_MAX && n < nlines &&
		    st_step(sps) == SQLITE_ROW) {
			sp[n] = st_column_int64(sps, 0);
			priced[n] = st_column_type(sps, 1) != SQLITE_NULL;
			price[n] = st_column_int64(sps, 1);
			n++;
		}
		st_reset(sps);
		for (int k = 0; k < n; k++) {
			long long qty = inv_between(1, 50) * DEC_SCALE;
			long long got = status == 30 ? qty : status == 20 ?
			    qty / DEC_SCALE / 2 * DEC_SCALE : 0;
			st_reset(ls);
			st_bind_int64(ls, 1, i);
			st_bind_int64(ls, 2, sp[k]);
			st_bind_int64(ls, 3, qty);
			st_bind_int64(ls, 4, got);
			if (priced[k])
				st_bind_int64(ls, 5, price[k]);
			else
				st_bind_null(ls, 5);
			if (st_step(ls) != SQLITE_DONE)
				return inv_fail(ctx, "order line");
			lines++;
		}
	}
	if (db_end(ctx, NULL) != NULL)
		return inv_fail(ctx, "commit");
	if (inv_exec(ctx, "ANALYZE") != 0)
		return 1;
	printf("generated into %s: %lld purchase orders, %lld lines of %lld "
	    "companies' parts in %llds\n", ctx->cfg.database, norders, lines,
	    ncomp, (long long)(time(NULL) - t0));
	return 0;
}

static int
cmd_orders_args(struct ctx *ctx, int argc, char **argv)
{
	long long norders = 20000, nlines = 10;
	const struct inv_option opts[] = {
		{ "-n", &norders }, { "-l", &nlines },
	};

	if (inv_options(argc, argv, opts, sizeof(opts) / sizeof(opts[0])) != 0)
		return 2;
	if (nlines > GEN_LINES_MAX) {
		fprintf(stderr, "inventory: at most %d lines an order\n",
		    GEN_LINES_MAX);
		return 2;
	}
	return cmd_orders(ctx, norders, nlines);
}

static void
usage(void)
{
	fprintf(stderr, "usage: inventory demo\n"
	    "       inventory generate [-p parts] [-c categories] "
	    "[-l locations]\n"
	    "                          [-i items] [-t tracking] "
	    "[-a assemblies] [-s seed]\n"
	    "       inventory companies [-n companies] [-s supplier parts]\n"
	    "       inventory boms [-a assemblies]\n"
	    "       inventory orders [-n orders] [-l lines per order]\n"
	    "       inventory parameters [-n per part]\n");
}

int
main(int argc, char **argv, char **envp)
{
	struct ctx ctx;
	char err[512];
	int rc, applied;
	sqlite3 *db;

	if (argc < 2 || (strcmp(argv[1], "demo") != 0 &&
	    strcmp(argv[1], "generate") != 0 &&
	    strcmp(argv[1], "companies") != 0 &&
	    strcmp(argv[1], "boms") != 0 &&
	    strcmp(argv[1], "parameters") != 0 &&
	    strcmp(argv[1], "orders") != 0) ||
	    (strcmp(argv[1], "demo") == 0 && argc != 2)) {
		usage();
		return 2;
	}
	ctx_init(&ctx, envp, stdin, stdout, NULL);
	if (cfg_load(&ctx.mem, envp, NULL, &ctx.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "inventory: configuration: %s\n", err);
		ctx_end(&ctx);
		return 1;
	}
	ctx.cfg_ok = true;
	ctx.req.method = "POST";
	if (db_check_data_dir(ctx.cfg.data_dir, true, err, sizeof(err)) != 0 ||
	    db_connect(ctx.cfg.database, &db, err, sizeof(err)) != 0 ||
	    db_migrate(db, &applied, err, sizeof(err)) != 0) {
		fprintf(stderr, "inventory: %s\n", err);
		ctx_end(&ctx);
		return 1;
	}
	sqlite3_close_v2(db);
	struct err *e = db_open(&ctx, DB_CHECK_SCHEMA);
	if (e != NULL) {
		rc = inv_failed(&ctx, "open", e);
	} else if (strcmp(argv[1], "demo") == 0)
		rc = cmd_demo(&ctx);
	else if (strcmp(argv[1], "companies") == 0)
		rc = cmd_companies_args(&ctx, argc, argv);
	else if (strcmp(argv[1], "boms") == 0)
		rc = cmd_boms(&ctx, argc, argv);
	else if (strcmp(argv[1], "parameters") == 0)
		rc = cmd_parameters(&ctx, argc, argv);
	else if (strcmp(argv[1], "orders") == 0)
		rc = cmd_orders_args(&ctx, argc, argv);
	else
		rc = cmd_generate(&ctx, argc, argv);
	ctx_end(&ctx);
	return rc;
}
