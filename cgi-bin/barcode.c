/*
 * barcode.cgi: InvenTree's barcode API (/api/barcode/...), as its built-in
 * plugin "InvenTreeBarcode" answers it, for parts, stock locations, stock
 * items, supplier and manufacturer parts, purchase orders and build orders
 * -- what the mobile app scans and what inventree-python's
 * scanBarcode(), assignBarcode() and unassignBarcode() send.
 *
 * A barcode is matched, in InvenTree's order, as
 *   1. InvenTree's short form, "INV-" + a two-letter model code + the pk
 *      (INV-PA12 part, INV-SL3 location, INV-SI5 item, INV-SP7 supplier
 *      part, INV-MP2 manufacturer part, INV-PO4 purchase order, INV-BO1
 *      build order);
 *   2. InvenTree's JSON form, {"part": 12}, {"stocklocation": 3},
 *      {"stockitem": 5}, {"supplierpart": 7}, {"manufacturerpart": 2},
 *      {"purchaseorder": 4}, {"build": 1} (a pk given as a number or a
 *      numeric string);
 *   3. a third-party barcode linked to an object: the md5 of its printable
 *      characters (hash_barcode()) against the barcode_hash columns
 *      (migration 0011), case-sensitive.
 * A short or JSON form naming an object that does not exist falls through
 * to the next, as InvenTree's does.  A scan none of these match is offered
 * to the site's barcode plugins (docs/plugins.md), whose slug is then the
 * answer's "plugin".  The answers, including the quirks of
 * Django REST framework's errors (every leaf of a 400's object becomes a
 * string: "plugin": "None"), are InvenTree's; what Stockroom adds is that
 * a match needs the view permission of its model, and linking or
 * generating the change or view permission.
 *
 * md5 comes from libmd (<md5.h>), linked into this program only.
 */
#include <math.h>
#include <md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site.h"

#include "models.h"
#include "inventory/part.h"
#include "inventory/stock.h"
#include "manufacturing/build.h"
#include "purchasing/company.h"
#include "purchasing/order.h"

#define BARCODE_PLUGIN	"InvenTreeBarcode"
#define BARCODE_MAX	4095	/* characters a request may send (InvenTree) */
#define BARCODE_DATA_MAX 500	/* characters stored (barcode_data) */
#define BARCODE_PREFIX	"INV-"	/* InvenTree's SHORT_BARCODE_PREFIX */

/* A model that barcodes may name, in InvenTree's order of matching. */
struct barcode_model {
	const struct resource	*res;	/* its model name is the JSON key */
	const char		*code;	/* of the short form */
	const char		*class;	/* InvenTree's, in its messages */
};

static const struct barcode_model barcode_models[] = {
	{ &part_resource, "PA", "<class 'part.models.Part'>" },
	{ &location_resource, "SL", "<class 'stock.models.StockLocation'>" },
	{ &stock_resource, "SI", "<class 'stock.models.StockItem'>" },
	{ &supplier_part_resource, "SP",
	  "<class 'company.models.SupplierPart'>" },
	{ &manufacturer_part_resource, "MP",
	  "<class 'company.models.ManufacturerPart'>" },
	{ &po_resource, "PO", "<class 'order.models.PurchaseOrder'>" },
	{ &build_resource, "BO", "<class 'build.models.Build'>" },
};
#define BARCODE_NMODELS	(sizeof(barcode_models) / sizeof(barcode_models[0]))

/*
 * The statements of model i, made once per process from its description's
 * table (the columns are migration 0011's): find, the id of a barcode_hash;
 * set, barcode_data and barcode_hash of an id.
 */
static const char *
barcode_sql(size_t i, bool set)
{
	static const char *sql[BARCODE_NMODELS][2];
	const char *t = barcode_models[i].res->table;

	if (sql[i][set] == NULL)
		sql[i][set] = set ? res_sql_printf("UPDATE %s SET barcode_data = "
		    "?, barcode_hash = ? WHERE id = ?", t) :
		    res_sql_printf("SELECT id FROM %s WHERE barcode_hash = ?", t);
	return sql[i][set];
}

/*
 * What link/ and unlink/ take beside the barcode: one pk per model, in
 * barcode_models' order.
 */
#define BARCODE_TARGETS \
	{ "part", FT_ID, F_NULL, .ref = &part_resource }, \
	{ "stocklocation", FT_ID, F_NULL, .ref = &location_resource }, \
	{ "stockitem", FT_ID, F_NULL, .ref = &stock_resource }, \
	{ "supplierpart", FT_ID, F_NULL, .ref = &supplier_part_resource }, \
	{ "manufacturerpart", FT_ID, F_NULL, \
	  .ref = &manufacturer_part_resource }, \
	{ "purchaseorder", FT_ID, F_NULL, .ref = &po_resource }, \
	{ "build", FT_ID, F_NULL, .ref = &build_resource }
static const struct field barcode_target_fields[] = {
	BARCODE_TARGETS,
	{ NULL },
};
_Static_assert(sizeof(barcode_target_fields) /
    sizeof(barcode_target_fields[0]) == BARCODE_NMODELS + 1, "one per model");

/* For OPTIONS (unlink/ takes barcode_target_fields). */
static const struct field barcode_scan_input[] = {
	{ "barcode", FT_TEXT, F_REQUIRED, BARCODE_MAX,
	  .help = "Scanned barcode data" },
	{ NULL },
};
static const struct field barcode_link_input[] = {
	{ "barcode", FT_TEXT, F_REQUIRED, BARCODE_DATA_MAX,
	  .help = "Scanned barcode data" },
	BARCODE_TARGETS,
	{ NULL },
};
static const struct field barcode_generate_input[] = {
	{ "model", FT_TEXT, F_REQUIRED, 100,
	  .help = "Model name to generate barcode for" },
	{ "pk", FT_INT, F_REQUIRED,
	  .help = "Primary key of model object to generate barcode for" },
	{ NULL },
};

/* The code point at s (at most n bytes of valid UTF-8), its length in *len. */
static unsigned long
barcode_cp(const unsigned char *s, size_t n, size_t *len)
{
	unsigned long c = s[0];
	size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

	if (k > n)
		k = n;
	*len = k;
	if (k > 1)
		c &= 0x3f >> (k - 1);
	for (size_t i = 1; i < k; i++)
		c = c << 6 | (s[i] & 0x3f);
	return c;
}

/*
 * Is s valid UTF-8?  Control characters included: a GS1 barcode separates
 * its fields with GS (0x1d), and InvenTree takes any string.
 */
static bool
barcode_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		size_t n = *p < 0x80 ? 0 : *p >= 0xc2 && *p <= 0xdf ? 1 :
		    *p >= 0xe0 && *p <= 0xef ? 2 : *p >= 0xf0 && *p <= 0xf4 ?
		    3 : 4;
		unsigned long c = *p & (0x7f >> n);
		if (n == 4)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((p[k] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (p[k] & 0x3f);
		}
		if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

/* Whitespace as Python's str.strip() takes it. */
static bool
barcode_space(unsigned long c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) ||
	    c == 0x85 || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202f || c == 0x205f || c == 0x3000;
}

/*
 * Unicode's "other" characters that InvenTree's hash leaves out: controls
 * (Cc), formats (Cf) and private use (Co), and the noncharacters.  (It also
 * leaves out unassigned code points, which would need Unicode's tables:
 * barcodes hold none.)
 */
static bool
barcode_other(unsigned long c)
{
	static const unsigned long cf[][2] = {
		{ 0x00ad, 0x00ad }, { 0x0600, 0x0605 }, { 0x061c, 0x061c },
		{ 0x06dd, 0x06dd }, { 0x070f, 0x070f }, { 0x0890, 0x0891 },
		{ 0x08e2, 0x08e2 }, { 0x180e, 0x180e }, { 0x200b, 0x200f },
		{ 0x202a, 0x202e }, { 0x2060, 0x2064 }, { 0x2066, 0x206f },
		{ 0xfeff, 0xfeff }, { 0xfff9, 0xfffb }, { 0x110bd, 0x110bd },
		{ 0x110cd, 0x110cd }, { 0x13430, 0x1343f },
		{ 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a },
		{ 0xe0001, 0xe0001 }, { 0xe0020, 0xe007f },
	};

	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
		return true;
	if ((c >= 0xe000 && c <= 0xf8ff) || c >= 0xf0000)
		return true;
	if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe)
		return true;
	for (size_t i = 0; i < sizeof(cf) / sizeof(cf[0]); i++)
		if (c >= cf[i][0] && c <= cf[i][1])
			return true;
	return false;
}

/*
 * s (valid UTF-8) without Python's leading and trailing whitespace, into
 * the arena.
 */
static char *
barcode_strip(struct ctx *ctx, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), start = 0, end = n, k;

	while (start < end && barcode_space(barcode_cp(p + start, end - start,
	    &k)))
		start += k;
	while (end > start) {
		size_t b = end - 1;
		while (b > start && (p[b] & 0xc0) == 0x80)
			b--;
		if (!barcode_space(barcode_cp(p + b, end - b, &k)))
			break;
		end = b;
	}
	return mem_strndup(&ctx->mem, s + start, end - start);
}

/*
 * InvenTree's hash_barcode(): the md5, in hex, of the data stripped and
 * without its control, format and private-use characters.  Into the arena.
 */
static const char *
barcode_hash(struct ctx *ctx, const char *data)
{
	const char *s = barcode_strip(ctx, data);
	size_t n = strlen(s), k, m = 0;
	char *kept = mem_alloc(&ctx->mem, n + 1);
	char *hex = mem_alloc(&ctx->mem, MD5_DIGEST_STRING_LENGTH);

	for (size_t i = 0; i < n; i += k) {
		unsigned long c = barcode_cp((const unsigned char *)s + i,
		    n - i, &k);
		if (!barcode_other(c)) {
			memcpy(kept + m, s + i, k);
			m += k;
		}
	}
	MD5Data((const uint8_t *)kept, m, hex);
	return hex;
}

/* Moves old's member name (and whether it is constant) to item. */
static void
barcode_rename(cJSON *item, cJSON *old)
{
	item->string = old->string;
	item->type |= old->type & cJSON_StringIsConst;
	old->string = NULL;
	old->type &= ~cJSON_StringIsConst;
}

/*
 * Django REST framework's ValidationError with an object: every leaf
 * becomes its Python text ("None", "True", "12").  In place.
 */
static void
barcode_drf_strings(cJSON *o)
{
	for (cJSON *c = o->child; c != NULL; c = c->next) {
		char buf[64];
		const char *t = NULL;

		if (cJSON_IsRaw(c)) {
			cJSON *j = cJSON_Parse(c->valuestring);
			if (j == NULL)
				continue;
			barcode_rename(j, c);
			cJSON_ReplaceItemViaPointer(o, c, j);
			c = j;
		}
		if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			barcode_drf_strings(c);
			continue;
		}
		if (cJSON_IsNull(c))
			t = "None";
		else if (cJSON_IsBool(c))
			t = cJSON_IsTrue(c) ? "True" : "False";
		else if (cJSON_IsNumber(c)) {
			double d = c->valuedouble;
			if (d == floor(d) && fabs(d) < 9e15)
				snprintf(buf, sizeof(buf), "%lld", (long long)d);
			else
				snprintf(buf, sizeof(buf), "%.15g", d);
			t = buf;
		}
		if (t == NULL)
			continue;
		cJSON *s = cJSON_CreateString(t);
		if (s == NULL)
			mem_oom();
		barcode_rename(s, c);
		cJSON_ReplaceItemViaPointer(o, c, s);
		c = s;
	}
}

/* A 400 or 403 whose body is o, as InvenTree raises them. */
static struct err *
barcode_error(struct ctx *ctx, int status, cJSON *o)
{
	struct err *e;

	barcode_drf_strings(o);
	e = err_fields(ctx, o);
	e->status = status;
	return e;
}

/* {"error": message}, 400 or 403. */
static struct err *
barcode_fail(struct ctx *ctx, int status, const char *msg)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	json_text(o, "error", msg);
	return barcode_error(ctx, status, o);
}

/*
 * The "barcode" of the body as InvenTree's serializer takes it (a string,
 * or a number as its text; stripped; not blank; at most max characters),
 * into *out; else its message into es.
 */
static void
barcode_input(struct ctx *ctx, const cJSON *body, int max, const char **out,
    struct errs *es)
{
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(body, "barcode");
	const char *s;

	*out = NULL;
	if (b == NULL) {
		errs_add(es, "barcode", "This field is required.");
		return;
	}
	if (cJSON_IsNull(b)) {
		errs_add(es, "barcode", "This field may not be null.");
		return;
	}
	if (cJSON_IsNumber(b)) {
		double d = b->valuedouble;
		s = d == floor(d) && fabs(d) < 9e15 ? mem_printf(&ctx->mem,
		    "%lld", (long long)d) : mem_printf(&ctx->mem, "%.17g", d);
	} else if (cJSON_IsString(b))
		s = b->valuestring;
	else {
		errs_add(es, "barcode", "Not a valid string.");
		return;
	}
	if (!barcode_utf8(s)) {
		errs_add(es, "barcode", "Not a valid string.");
		return;
	}
	s = barcode_strip(ctx, s);
	if (s[0] == '\0')
		errs_add(es, "barcode", "This field may not be blank.");
	else if (val_chars(s) > (size_t)max)
		errs_addf(es, "barcode", "Ensure this field has no more than "
		    "%d characters.", max);
	else
		*out = s;
}

/*
 * Python's int() of n bytes of text: an optional sign, then ASCII digits
 * (leading zeros too).  False when it is not that or out of range.
 */
static bool
barcode_int(const char *s, size_t n, long long *out)
{
	bool neg = n > 0 && s[0] == '-';
	size_t i = n > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
	unsigned long long v = 0;

	if (i == n)
		return false;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    v > ((unsigned long long)INT64_MAX -
		    (unsigned)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = neg ? -(long long)v : (long long)v;
	return true;
}

/*
 * Python's int() of a JSON form's value, as InvenTree's plugin applies
 * it: 1 and *pk for a whole number (a number, truncated; a string of
 * digits; a boolean), 0 when int() would raise ValueError (the form is
 * passed over), -1 for TypeError (the plugin fails: no match at all).
 */
static int
barcode_form_pk(const cJSON *v, long long *pk)
{
	if (cJSON_IsBool(v)) {
		*pk = cJSON_IsTrue(v);
		return 1;
	}
	if (cJSON_IsNumber(v)) {
		if (!isfinite(v->valuedouble))
			return -1;
		if (fabs(v->valuedouble) >= 9e18)
			return 0;
		*pk = (long long)v->valuedouble;
		return 1;
	}
	if (!cJSON_IsString(v))
		return -1;
	const char *s = v->valuestring;
	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || (s[n - 1] >= '\t' &&
	    s[n - 1] <= '\r')))
		n--;
	return barcode_int(s, n, pk) ? 1 : 0;
}

/* Does object id of m exist? */
static struct err *
barcode_exists(struct ctx *ctx, const struct barcode_model *m, long long id,
    bool *found)
{
	*found = false;
	if (id < 1)
		return NULL;
	return res_exists(ctx, m->res, id, found);
}

/* The model of a short form's code, or NULL. */
static const struct barcode_model *
barcode_by_code(const char *code)
{
	for (size_t i = 0; i < BARCODE_NMODELS; i++)
		if (strncmp(barcode_models[i].code, code, 2) == 0)
			return &barcode_models[i];
	return NULL;
}

/* May c be a character of a short form's model code? ([0-9A-Z $%*+-./:]) */
static bool
barcode_code_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    strchr(" $%*+,-./:", c) != NULL;
}

/*
 * What barcode s matches, as InvenTree's plugin finds it (see the top of
 * this file): *m and *id, or *m NULL for no match.
 */
static struct err *
barcode_find(struct ctx *ctx, const char *s, const struct barcode_model **m,
    long long *id)
{
	size_t np = strlen(BARCODE_PREFIX), n = strlen(s);
	struct err *e;
	bool found;

	*m = NULL;
	/* The short form: prefix, two code characters, digits. */
	if (n > np + 2 && strncmp(s, BARCODE_PREFIX, np) == 0 &&
	    barcode_code_char(s[np]) && barcode_code_char(s[np + 1]) &&
	    strspn(s + np + 2, "0123456789") == n - np - 2) {
		const struct barcode_model *sm = barcode_by_code(s + np);
		if (sm == NULL)
			return NULL;		/* InvenTree looks no further */
		if (barcode_int(s + np + 2, n - np - 2, id)) {
			if ((e = barcode_exists(ctx, sm, *id, &found)) != NULL)
				return e;
			if (found) {
				*m = sm;
				return NULL;
			}
		}
	}
	/* The JSON form: the first model named whose object exists. */
	cJSON *j = cJSON_Parse(s);
	if (j != NULL)
		mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, j);
	for (size_t i = 0; cJSON_IsObject(j) && i < BARCODE_NMODELS; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j,
		    barcode_models[i].res->model);
		if (v == NULL)
			continue;
		int ok = barcode_form_pk(v, id);
		if (ok < 0)
			return NULL;
		if (ok == 0)
			continue;
		if ((e = barcode_exists(ctx, &barcode_models[i], *id,
		    &found)) != NULL)
			return e;
		if (found) {
			*m = &barcode_models[i];
			return NULL;
		}
	}
	/* A linked barcode: its hash. */
	const char *hash = barcode_hash(ctx, s);
	for (size_t i = 0; i < BARCODE_NMODELS; i++) {
		db_stmt *st = db_prepare(ctx, barcode_sql(i, false));
		if (st == NULL)
			return db_err(ctx, "barcode lookup");
		st_bind_text(st, 1, hash, -1, SQLITE_STATIC);
		e = db_row(ctx, st, "barcode lookup", &found);
		if (e == NULL && found) {
			*id = st_column_int64(st, 0);
			*m = &barcode_models[i];
		}
		st_reset(st);
		if (e != NULL || found)
			return e;
	}
	return NULL;
}

/*
 * A barcode no built-in form matched, offered to the site's barcode
 * plugins (docs/plugins.md): the first that claims it names a model of
 * barcode_models and an object by pk or key (an IPN or name); *m NULL
 * when none does, or the object it names does not exist.  *plugin: the
 * plugin's slug.
 */
static struct err *
barcode_plugins(struct ctx *ctx, const char *s,
    const struct barcode_model **m, long long *id, const char **plugin)
{
	struct plugin_match pm;
	struct err *e;
	bool found;

	*m = NULL;
	if ((e = plugin_barcode(ctx, s, &pm)) != NULL || pm.slug == NULL)
		return e;
	for (size_t i = 0; i < BARCODE_NMODELS; i++) {
		const struct barcode_model *bm = &barcode_models[i];
		const char *why;
		if (strcmp(bm->res->model, pm.model) != 0)
			continue;
		*id = pm.pk;
		if (pm.key != NULL && (e = res_find_key(ctx, bm->res, pm.key,
		    NULL, id, &why)) != NULL)
			return e;
		if (*id <= 0)
			return NULL;
		if ((e = barcode_exists(ctx, bm, *id, &found)) != NULL)
			return e;
		if (found) {
			*m = bm;
			*plugin = pm.slug;
		}
		return NULL;
	}
	return NULL;
}

/*
 * The matched object as InvenTree shows it: {"pk", "api_url", "instance"
 * (the object as its detail endpoint shows it), "web_url"}.
 */
static struct err *
barcode_matched(struct ctx *ctx, const struct barcode_model *m, long long id,
    cJSON **out)
{
	const char *prefix = ctx->req.prefix != NULL ? ctx->req.prefix : "";
	char page[2048];
	cJSON *o, *instance;
	struct err *e;

	if ((e = res_get(ctx, m->res, id, NULL, &instance)) != NULL)
		return e;
	if ((o = cJSON_CreateObject()) == NULL)
		mem_oom();
	json_int(o, "pk", id);
	json_text(o, "api_url", mem_printf(&ctx->mem, "%s%s%lld/", prefix,
	    m->res->path, id));
	json_item(o, "instance", instance);
	json_text(o, "web_url", model_page(page, sizeof(page), prefix, m->res,
	    id));
	*out = o;
	return NULL;
}

/*
 * POST /api/barcode/ {"barcode": "..."}: 200 with the match, or 400 "No
 * match found for barcode data".  A match the user may not view is a 403.
 */
static struct err *
barcode_scan(struct ctx *ctx)
{
	const struct barcode_model *m;
	const cJSON *body;
	const char *s;
	struct errs es;
	struct err *e;
	long long id;
	cJSON *o, *match;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	if (!cJSON_IsObject(body))
		return err_new(ctx, 400, "Expected a JSON object.");
	errs_init(&es, ctx);
	barcode_input(ctx, body, BARCODE_MAX, &s, &es);
	if ((e = errs_end(&es)) != NULL)
		return e;
	if ((e = barcode_find(ctx, s, &m, &id)) != NULL)
		return e;
	const char *plugin = BARCODE_PLUGIN;
	if (m == NULL && (e = barcode_plugins(ctx, s, &m, &id, &plugin))
	    != NULL)
		return e;
	if ((o = cJSON_CreateObject()) == NULL)
		mem_oom();
	if (m == NULL) {
		json_null(o, "plugin");
		json_text(o, "barcode_data", s);
		json_text(o, "barcode_hash", barcode_hash(ctx, s));
		json_text(o, "error", "No match found for barcode data");
		return barcode_error(ctx, 400, o);
	}
	if ((e = perm_need(ctx, m->res->area, PERM_VIEW)) != NULL) {
		cJSON_Delete(o);
		return e;
	}
	if ((e = barcode_matched(ctx, m, id, &match)) != NULL) {
		cJSON_Delete(o);
		return e;
	}
	json_item(o, m->res->model, match);
	json_text(o, "success", "Match found for barcode data");
	json_text(o, "plugin", plugin);
	json_text(o, "barcode_data", s);
	json_text(o, "barcode_hash", barcode_hash(ctx, s));
	return resp_json(ctx, 200, o);
}

/*
 * The model fields of a link/ or unlink/ body, as InvenTree's serializer
 * checks them: each given one null or the pk of an existing object, into
 * v; errors into es.
 */
static struct err *
barcode_targets(struct ctx *ctx, const cJSON *body, struct val *v,
    struct errs *es)
{
	struct err *e;
	bool found;

	val_object(ctx, body, barcode_target_fields, BARCODE_NMODELS, v, true,
	    es);
	for (size_t i = 0; i < BARCODE_NMODELS; i++) {
		const char *name = barcode_target_fields[i].name;
		v[i].present = cJSON_GetObjectItemCaseSensitive(body, name) !=
		    NULL;
		if (!v[i].present || v[i].null || errs_has(es, name))
			continue;
		if ((e = barcode_exists(ctx, &barcode_models[i], v[i].i,
		    &found)) != NULL)
			return e;
		if (!found)
			errs_addf(es, name, "Invalid pk \"%lld\" - object does "
			    "not exist.", v[i].i);
	}
	return NULL;
}

/* Sets (or with "", clears) the barcode of object id of m. */
static struct err *
barcode_store(struct ctx *ctx, const struct barcode_model *m, long long id,
    const char *data, const char *hash)
{
	db_stmt *st = db_prepare(ctx, barcode_sql((size_t)(m - barcode_models), true));
	struct err *e;

	if (st == NULL)
		return db_err(ctx, "barcode");
	st_bind_text(st, 1, data, -1, SQLITE_STATIC);
	st_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	st_bind_int64(st, 3, id);
	e = db_step(ctx, st, "barcode");
	st_reset(st);
	return e;
}

/* 403 as InvenTree words it when the user may not change m's objects. */
static struct err *
barcode_may_change(struct ctx *ctx, const struct barcode_model *m)
{
	struct err *e = perm_need(ctx, m->res->area, PERM_CHANGE);

	if (e == NULL || e->status != 403)
		return e;
	return barcode_fail(ctx, 403, mem_printf(&ctx->mem, "You do not have "
	    "the required permissions for %s", m->class));
}

/* The models' names as a Python list prints them, or joined by ", ". */
static const char *
barcode_labels(struct ctx *ctx, bool list)
{
	const char *s = "";

	for (size_t i = 0; i < BARCODE_NMODELS; i++)
		s = mem_printf(&ctx->mem, list ? "%s%s'%s'" : "%s%s%s", s,
		    i > 0 ? ", " : "", barcode_models[i].res->model);
	return list ? mem_printf(&ctx->mem, "[%s]", s) : s;
}

/* The work of link/, in its transaction. */
static struct err *
barcode_link_tx(struct ctx *ctx, const cJSON *body, cJSON **out)
{
	const struct barcode_model *m;
	struct val v[BARCODE_NMODELS];
	const char *s;
	struct errs es;
	struct err *e;
	long long id;
	cJSON *o;

	errs_init(&es, ctx);
	barcode_input(ctx, body, BARCODE_DATA_MAX, &s, &es);
	if ((e = barcode_targets(ctx, body, v, &es)) != NULL)
		return e;
	if ((e = errs_end(&es)) != NULL)
		return e;
	/* A barcode that already matches something is not linked again. */
	if ((e = barcode_find(ctx, s, &m, &id)) != NULL)
		return e;
	if (m != NULL) {
		cJSON *match;
		if ((e = barcode_matched(ctx, m, id, &match)) != NULL)
			return e;
		if ((o = cJSON_CreateObject()) == NULL)
			mem_oom();
		json_item(o, m->res->model, match);
		json_text(o, "error", "Barcode matches existing item");
		json_text(o, "plugin", BARCODE_PLUGIN);
		json_text(o, "barcode_data", s);
		return barcode_error(ctx, 400, o);
	}
	for (size_t i = 0; i < BARCODE_NMODELS; i++) {
		m = &barcode_models[i];
		if (!v[i].present || v[i].null)
			continue;
		const char *hash = barcode_hash(ctx, s);
		if ((e = barcode_may_change(ctx, m)) != NULL ||
		    (e = barcode_store(ctx, m, v[i].i, s, hash)) != NULL)
			return e;
		if ((o = cJSON_CreateObject()) == NULL)
			mem_oom();
		json_text(o, "success", mem_printf(&ctx->mem, "Assigned barcode "
		    "to %s instance", m->res->model));
		cJSON *pk = cJSON_CreateObject();
		if (pk == NULL)
			mem_oom();
		json_int(pk, "pk", v[i].i);
		json_item(o, m->res->model, pk);
		json_text(o, "barcode_data", s);
		json_text(o, "barcode_hash", hash);
		*out = o;
		return NULL;
	}
	return barcode_fail(ctx, 400, mem_printf(&ctx->mem, "Missing data: "
	    "provide one of '%s'", barcode_labels(ctx, true)));
}

/*
 * A write of link/ or unlink/: the JSON object of the body, handed to tx
 * inside one transaction, whose answer (200) is *out.
 */
static struct err *
barcode_write(struct ctx *ctx, struct err *(*tx)(struct ctx *,
    const cJSON *, cJSON **))
{
	const cJSON *body;
	cJSON *out = NULL;
	struct err *e;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	if (!cJSON_IsObject(body))
		return err_new(ctx, 400, "Expected a JSON object.");
	if ((e = db_begin(ctx)) != NULL)
		return e;
	e = tx(ctx, body, &out);
	if ((e = db_end(ctx, e)) != NULL) {
		cJSON_Delete(out);
		return e;
	}
	return resp_json(ctx, 200, out);
}

/*
 * POST /api/barcode/link/ {"barcode": "...", "<model>": pk}: links a
 * third-party barcode to the object (the first model given, in InvenTree's
 * order).  400 when the barcode already matches something; the change
 * permission of the model.
 */
static struct err *
barcode_link(struct ctx *ctx)
{
	return barcode_write(ctx, barcode_link_tx);
}

/* The work of unlink/, in its transaction. */
static struct err *
barcode_unlink_tx(struct ctx *ctx, const cJSON *body, cJSON **out)
{
	struct val v[BARCODE_NMODELS];
	struct errs es;
	struct err *e;
	size_t given = 0, which = 0;

	errs_init(&es, ctx);
	if ((e = barcode_targets(ctx, body, v, &es)) != NULL)
		return e;
	if ((e = errs_end(&es)) != NULL)
		return e;
	for (size_t i = 0; i < BARCODE_NMODELS; i++)
		if (v[i].present) {
			given++;
			which = i;
		}
	if (given == 0)
		return barcode_fail(ctx, 400, mem_printf(&ctx->mem, "Missing "
		    "data: Provide one of '%s'", barcode_labels(ctx, false)));
	if (given > 1)
		return barcode_fail(ctx, 400, mem_printf(&ctx->mem, "Multiple "
		    "conflicting fields: '%s'", barcode_labels(ctx, false)));
	if (v[which].null)
		return barcode_fail(ctx, 400, "Could not unassign barcode");
	const struct barcode_model *m = &barcode_models[which];
	if ((e = barcode_may_change(ctx, m)) != NULL ||
	    (e = barcode_store(ctx, m, v[which].i, "", "")) != NULL)
		return e;
	if ((*out = cJSON_CreateObject()) == NULL)
		mem_oom();
	json_text(*out, "success", mem_printf(&ctx->mem, "Barcode unassigned "
	    "from %s instance", m->res->model));
	return NULL;
}

/*
 * POST /api/barcode/unlink/ {"<model>": pk}: the object's third-party
 * barcode is removed.  Exactly one model; its change permission.
 */
static struct err *
barcode_unlink(struct ctx *ctx)
{
	return barcode_write(ctx, barcode_unlink_tx);
}

/*
 * POST /api/barcode/generate/ {"model": "part", "pk": 12}: the object's
 * barcode in InvenTree's default (JSON) format, {"barcode": "{\"part\":
 * 12}"}, written as Python's json.dumps() writes it.  The view permission
 * of the model.
 */
static struct err *
barcode_generate(struct ctx *ctx)
{
	const struct barcode_model *m = NULL;
	const cJSON *body, *model, *pk;
	struct errs es;
	struct err *e;
	long long id = 0;
	bool found;

	if ((e = req_data(ctx, &body)) != NULL)
		return e;
	if (!cJSON_IsObject(body))
		return err_new(ctx, 400, "Expected a JSON object.");
	errs_init(&es, ctx);
	model = cJSON_GetObjectItemCaseSensitive(body, "model");
	pk = cJSON_GetObjectItemCaseSensitive(body, "pk");
	if (model == NULL)
		errs_add(&es, "model", "This field is required.");
	else if (cJSON_IsNull(model))
		errs_add(&es, "model", "This field may not be null.");
	else if (!cJSON_IsString(model))
		errs_add(&es, "model", "Not a valid string.");
	else {
		for (size_t i = 0; i < BARCODE_NMODELS; i++)
			if (strcmp(model->valuestring,
			    barcode_models[i].res->model) == 0)
				m = &barcode_models[i];
		if (m == NULL)
			errs_add(&es, "model", "Model is not supported");
	}
	if (pk == NULL)
		errs_add(&es, "pk", "This field is required.");
	else if (cJSON_IsNull(pk))
		errs_add(&es, "pk", "This field may not be null.");
	else if (cJSON_IsNumber(pk) && pk->valuedouble ==
	    floor(pk->valuedouble) && fabs(pk->valuedouble) < 9e15)
		id = (long long)pk->valuedouble;
	else if (!cJSON_IsString(pk) || !txt_parse_int64(pk->valuestring,
	    -INT64_MAX, INT64_MAX, &id))
		errs_add(&es, "pk", "A valid integer is required.");
	if ((e = errs_end(&es)) != NULL)
		return e;
	if ((e = perm_need(ctx, m->res->area, PERM_VIEW)) != NULL)
		return e;
	if ((e = barcode_exists(ctx, m, id, &found)) != NULL)
		return e;
	if (!found)
		return barcode_fail(ctx, 400, "Model instance not found");
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_text(o, "barcode", mem_printf(&ctx->mem, "{\"%s\": %lld}",
	    m->res->model, id));
	return resp_json(ctx, 200, o);
}

static const struct route barcode_routes[] = {
	{ "POST", "/api/barcode/", AREA_USER, PERM_VIEW, barcode_scan,
	  "Scan a barcode: the object it names or is linked to", 0,
	  .input = barcode_scan_input },
	{ "POST", "/api/barcode/link/", AREA_USER, PERM_VIEW, barcode_link,
	  "Link a third-party barcode to an object (change permission of "
	  "its model)", 0, .input = barcode_link_input },
	{ "POST", "/api/barcode/unlink/", AREA_USER, PERM_VIEW,
	  barcode_unlink, "Remove an object's third-party barcode (change "
	  "permission of its model)", 0, .input = barcode_target_fields },
	{ "POST", "/api/barcode/generate/", AREA_USER, PERM_VIEW,
	  barcode_generate, "An object's barcode in InvenTree's format",
	  0, .input = barcode_generate_input },
};

PROGRAM_MAIN("barcode",
    ROUTES(barcode_routes))
