/*
 * plugin: discovery, control and the runs of plugins.  See plugin.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "models.h"
#include "perm.h"
#include "plugins/plugin.h"
#include "res.h"
#include "route.h"
#include "run.h"
#include "stmt.h"
#include "tasks/task.h"
#include "text.h"

enum plugin_kind { PK_VALIDATION, PK_URL, PK_EVENT, PK_BARCODE, PK_SCHEDULE,
	PK__MAX };

/* The manifest's names, and InvenTree's mixin for each. */
static const struct {
	const char	*name;
	const char	*mixin;
	const char	*human;
} plugin_kinds[PK__MAX] = {
	[PK_VALIDATION] = { "validation", "validation", "Validation" },
	[PK_URL] = { "url", "urls", "URLs" },
	[PK_EVENT] = { "event", "events", "Events" },
	[PK_BARCODE] = { "barcode", "barcode", "Barcode" },
	[PK_SCHEDULE] = { "schedule", "schedule", "Schedule" },
};

struct plugin {
	const char	*slug;
	const char	*dir;		/* resolved */
	const cJSON	*m;		/* the manifest */
	const char	*program;	/* resolved, or NULL */
	unsigned	 kinds;		/* 1 << enum plugin_kind */
	const char	*area;		/* a URL's permission */
	enum perm	 perm;
	long		 timeout_ms;
	long long	 every;		/* a scheduled plugin's, seconds */
	const char	*problem;	/* why it may not run, or NULL */
	long long	 id;		/* its row, or 0 */
	bool		 active;
};

static const char *
plugin_str(const cJSON *m, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Letters, digits and _, 1 to PLUGIN_SLUG_MAX: a folder and a route word. */
static bool
plugin_slug_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PLUGIN_SLUG_MAX)
		return false;
	for (; *s != '\0'; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s)
		    || *s == '_'))
			return false;
	return true;
}

/* Is path dir or below it (both resolved)? */
static bool
plugin_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' ||
	    path[n] == '\0');
}

/* "part.view", "user", "superuser": a URL's permission. */
static const char *
plugin_parse_perm(struct plugin *p, const char *s)
{
	static const char *const verbs[] = { "view", "add", "change",
	    "delete" };
	const char *dot = strchr(s, '.');

	if (strcmp(s, "user") == 0 || strcmp(s, "superuser") == 0 ||
	    strcmp(s, "staff") == 0) {
		p->area = s;
		p->perm = PERM_VIEW;
		return NULL;
	}
	if (dot == NULL)
		return "permission: \"user\", \"staff\", \"superuser\" or "
		    "\"<rule set>.<view|add|change|delete>\"";
	for (int i = 0; i < 4; i++)
		if (strcmp(dot + 1, verbs[i]) == 0) {
			char area[64];
			snprintf(area, sizeof(area), "%.*s", (int)(dot - s), s);
			int a = perm_area_index(area);
			if (a < 0)
				return "permission: unknown rule set";
			p->area = perm_areas[a];
			p->perm = (enum perm)(PERM_VIEW + i);
			return NULL;
		}
	return "permission: the verb must be view, add, change or delete";
}

/* Reads the manifest of p->dir into p; p->problem when it is wrong. */
static const char *
plugin_read_manifest(struct ctx *ctx, struct plugin *p)
{
	const char *path = mem_printf(&ctx->mem, "%s/" PLUGIN_MANIFEST,
	    p->dir);
	char *text = NULL, rp[PATH_MAX];
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return "no " PLUGIN_MANIFEST;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > PLUGIN_MANIFEST_MAX) {
		close(fd);
		return PLUGIN_MANIFEST " is not a file of at most 64 KiB";
	}
	text = mem_alloc(&ctx->mem, (size_t)st.st_size + 1);
	ssize_t n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size)
		return "cannot read " PLUGIN_MANIFEST;
	text[n] = '\0';
	cJSON *m = cJSON_Parse(text);
	if (m == NULL || !cJSON_IsObject(m)) {
		cJSON_Delete(m);
		return PLUGIN_MANIFEST " is not a JSON object";
	}
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, m);
	p->m = m;
	if (strcmp(plugin_str(m, "slug"), p->slug) != 0)
		return "slug: must be the folder's name";
	if (plugin_str(m, "name")[0] == '\0')
		return "name: required";
	const cJSON *kinds = cJSON_GetObjectItemCaseSensitive(m, "kinds"), *k;
	if (!cJSON_IsArray(kinds) || cJSON_GetArraySize(kinds) == 0)
		return "kinds: a list of validation, url, event, barcode, "
		    "schedule";
	cJSON_ArrayForEach(k, kinds) {
		int i;
		for (i = 0; i < PK__MAX; i++)
			if (cJSON_IsString(k) && strcmp(k->valuestring,
			    plugin_kinds[i].name) == 0)
				break;
		if (i == PK__MAX)
			return "kinds: unknown kind (validation, url, event, "
			    "barcode, schedule)";
		p->kinds |= 1u << i;
	}
	const char *perm = plugin_str(m, "permission"), *why;
	if ((why = plugin_parse_perm(p, perm[0] != '\0' ? perm :
	    "superuser")) != NULL)
		return why;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(m, "timeout_ms");
	p->timeout_ms = PLUGIN_TIMEOUT_MS;
	if (t != NULL) {
		if (!cJSON_IsNumber(t) || t->valuedouble < 100 ||
		    t->valuedouble > PLUGIN_TIMEOUT_MAX)
			return "timeout_ms: from 100 to 30000";
		p->timeout_ms = (long)t->valuedouble;
	}
	const cJSON *every = cJSON_GetObjectItemCaseSensitive(m, "every");
	if (p->kinds & (1u << PK_SCHEDULE)) {
		if (!cJSON_IsNumber(every) || every->valuedouble < 60 ||
		    every->valuedouble > PLUGIN_EVERY_MAX)
			return "every: seconds between the runs of a scheduled "
			    "plugin, from 60 to 2678400 (31 days)";
		p->every = (long long)every->valuedouble;
	}
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(m,
	    "settings"), *s;
	if (settings != NULL && !cJSON_IsArray(settings))
		return "settings: a list of {key, name, description, type, "
		    "default}";
	cJSON_ArrayForEach(s, settings) {
		const char *key = plugin_str(s, "key");
		if (!cJSON_IsObject(s) || key[0] == '\0' || strlen(key) > 50)
			return "settings: each needs a key (at most 50 "
			    "characters)";
		for (const char *c = key; *c != '\0'; c++)
			if (!isupper((unsigned char)*c) &&
			    !isdigit((unsigned char)*c) && *c != '_')
				return "settings: a key is A-Z, 0-9 and _";
	}
	/* The program: a file of the folder itself, executable. */
	const char *prog = plugin_str(m, "program");
	if (prog[0] == '\0' || prog[0] == '.' || strchr(prog, '/') != NULL)
		return "program: a file name in the plugin's folder";
	path = mem_printf(&ctx->mem, "%s/%s", p->dir, prog);
	if (realpath(path, rp) == NULL || !plugin_inside(rp, p->dir))
		return "program: not found in the plugin's folder";
	if (stat(rp, &st) != 0 || !S_ISREG(st.st_mode) ||
	    access(rp, X_OK) != 0)
		return "program: not an executable file";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "program: writable by group or others";
	p->program = mem_strdup(&ctx->mem, rp);
	return NULL;
}

static const char plugin_sql_state[] =
    "SELECT id, active FROM plugin WHERE slug = ?";

/*
 * Finds plugin slug in PLUGINS_DIR and its state in the database.  Returns
 * NULL with *found false when there is no such folder.
 */
static struct err *
plugin_find(struct ctx *ctx, const char *slug, struct plugin *p, bool *found)
{
	char rp[PATH_MAX], root[PATH_MAX];
	struct stat st;
	struct err *e;

	memset(p, 0, sizeof(*p));
	*found = false;
	if (!plugin_slug_ok(slug) ||
	    realpath(ctx->cfg.plugins_dir, root) == NULL)
		return NULL;
	const char *dir = mem_printf(&ctx->mem, "%s/%s", root, slug);
	if (realpath(dir, rp) == NULL || stat(rp, &st) != 0 ||
	    !S_ISDIR(st.st_mode) || !plugin_inside(rp, root))
		return NULL;
	*found = true;
	p->slug = mem_strdup(&ctx->mem, slug);
	p->dir = mem_strdup(&ctx->mem, rp);
	p->problem = plugin_read_manifest(ctx, p);
	if (p->problem != NULL)
		p->program = NULL;

	db_stmt *q = db_prepare(ctx, plugin_sql_state);
	bool row;
	if (q == NULL)
		return db_err(ctx, "plugin");
	st_bind_text(q, 1, slug, -1, SQLITE_TRANSIENT);
	if ((e = db_row(ctx, q, "plugin", &row)) != NULL)
		return e;
	if (row) {
		p->id = st_column_int64(q, 0);
		p->active = st_column_int64(q, 1) == 1 && p->problem == NULL;
	}
	st_reset(q);
	return NULL;
}

static int
plugin_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The plugins of PLUGINS_DIR, by slug (folders with a bad name skipped). */
static struct err *
plugin_all(struct ctx *ctx, struct plugin **out, size_t *n)
{
	DIR *d = opendir(ctx->cfg.plugins_dir);
	const char *names[PLUGIN_MAX];
	struct dirent *de;
	struct err *e;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (d == NULL)
		return NULL;		/* no plugins installed */
	while ((de = readdir(d)) != NULL && k < PLUGIN_MAX)
		if (plugin_slug_ok(de->d_name))
			names[k++] = mem_strdup(&ctx->mem, de->d_name);
	closedir(d);
	qsort(names, k, sizeof(names[0]), plugin_cmp);
	*out = mem_zalloc(&ctx->mem, (k + 1) * sizeof(**out));
	for (size_t i = 0; i < k; i++) {
		bool found;
		if ((e = plugin_find(ctx, names[i], &(*out)[*n], &found))
		    != NULL)
			return e;
		if (found)
			(*n)++;
	}
	return NULL;
}

static const char plugin_sql_active[] =
    "SELECT slug FROM plugin WHERE active = 1 ORDER BY slug";

/*
 * The active plugins of kind (PK__MAX: of any kind) whose manifest is
 * sound, into *out (*n of them).  One small query when none is active:
 * what every write pays.
 */
static struct err *
plugin_active(struct ctx *ctx, enum plugin_kind kind, struct plugin **out,
    size_t *n)
{
	db_stmt *q = db_prepare(ctx, plugin_sql_active);
	const char *slugs[PLUGIN_MAX];
	size_t k = 0;
	struct err *e;
	int rc;

	*out = NULL;
	*n = 0;
	if (q == NULL)
		return db_err(ctx, "plugin");
	while ((rc = st_step(q)) == SQLITE_ROW && k < PLUGIN_MAX)
		slugs[k++] = mem_strdup(&ctx->mem,
		    (const char *)st_column_text(q, 0));
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(ctx, "plugin");
	st_reset(q);
	if (k == 0)
		return NULL;
	*out = mem_zalloc(&ctx->mem, k * sizeof(**out));
	for (size_t i = 0; i < k; i++) {
		struct plugin *p = &(*out)[*n];
		bool found;
		if ((e = plugin_find(ctx, slugs[i], p, &found)) != NULL)
			return e;
		if (found && p->active
		    && (kind == PK__MAX || (p->kinds & (1u << kind))))
			(*n)++;
	}
	return NULL;
}

/*
 * The API root's "active_plugins", as InvenTree lists them: name, slug and
 * version of each active plugin that may run.  Empty when the database is
 * not open (a site not set up yet).
 */
cJSON *
plugin_active_info(struct ctx *ctx)
{
	cJSON *a = cJSON_CreateArray();
	struct plugin *ps;
	size_t n;

	if (a == NULL)
		mem_oom();
	if (!db_is_open(ctx) || plugin_active(ctx, PK__MAX, &ps, &n) != NULL)
		return a;		/* an error is logged */
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		if (o == NULL)
			mem_oom();
		json_text(o, "name", plugin_str(ps[i].m, "name"));
		json_text(o, "slug", ps[i].slug);
		json_text(o, "version", plugin_str(ps[i].m, "version"));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* ---- failures ------------------------------------------------------- */

static const char *
plugin_failure_path(struct ctx *ctx, const char *slug)
{
	return mem_printf(&ctx->mem, "%s/plugin-failed.%s", ctx->cfg.data_dir,
	    slug);
}

/* Logs a failed run and records it for health (one line, replaced). */
static void
plugin_failed(struct ctx *ctx, const struct plugin *p, const char *kind,
    const char *why)
{
	const char *path = plugin_failure_path(ctx, p->slug);
	char line[600];
	int fd;

	log_msg(ctx, LOG_ERROR, "plugin %s (%s): %s", p->slug, kind, why);
	snprintf(line, sizeof(line), "%lld %s: %s\n", (long long)time(NULL),
	    kind, why);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) < 0)
		return;
	if (write(fd, line, strlen(line)) < 0)
		log_msg(ctx, LOG_WARN, "plugin %s: cannot record the failure",
		    p->slug);
	close(fd);
}

/* The recorded failure of slug as {time, error}, or NULL. */
static cJSON *
plugin_failure(struct ctx *ctx, const char *slug)
{
	char line[600];
	FILE *f = fopen(plugin_failure_path(ctx, slug), "re");

	if (f == NULL)
		return NULL;
	char *got = fgets(line, sizeof(line), f);
	fclose(f);
	if (got == NULL)
		return NULL;
	line[strcspn(line, "\n")] = '\0';
	char *sp = strchr(line, ' ');
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	time_t t = (time_t)strtoll(line, NULL, 10);
	struct tm tm;
	char stamp[32];
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(o, "time", stamp);
	cJSON_AddStringToObject(o, "error", sp != NULL ? sp + 1 : "");
	return o;
}

/* Every recorded failure, [{plugin, time, error}], for /api/health/. */
cJSON *
plugin_failures(struct ctx *ctx)
{
	cJSON *a = cJSON_CreateArray();
	DIR *d = opendir(ctx->cfg.data_dir);
	struct dirent *de;

	if (a == NULL)
		mem_oom();
	if (d == NULL)
		return a;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "plugin-failed.", 14) != 0 ||
		    !plugin_slug_ok(de->d_name + 14))
			continue;
		cJSON *o = plugin_failure(ctx, de->d_name + 14);
		if (o == NULL)
			continue;
		cJSON_AddStringToObject(o, "plugin", de->d_name + 14);
		cJSON_AddItemToArray(a, o);
	}
	closedir(d);
	return a;
}

/* ---- settings ------------------------------------------------------- */

static const char plugin_sql_values[] =
    "SELECT key, value, id FROM plugin_setting WHERE plugin = ?";

/*
 * The settings of p as {KEY: value}: the stored value, else the
 * manifest's default, else "".  Only the manifest's keys.
 */
static struct err *
plugin_values(struct ctx *ctx, const struct plugin *p, cJSON **out)
{
	const cJSON *defs = cJSON_GetObjectItemCaseSensitive(p->m, "settings"),
	    *s;
	cJSON *o = cJSON_CreateObject();
	int rc;

	if (o == NULL)
		mem_oom();
	*out = o;
	cJSON_ArrayForEach(s, defs) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(s, "default");
		cJSON_AddStringToObject(o, plugin_str(s, "key"),
		    cJSON_IsString(d) ? d->valuestring : cJSON_IsTrue(d) ?
		    "True" : cJSON_IsFalse(d) ? "False" : cJSON_IsNumber(d) ?
		    mem_printf(&ctx->mem, "%lld", (long long)d->valuedouble) :
		    "");
	}
	if (p->id == 0)
		return NULL;
	db_stmt *q = db_prepare(ctx, plugin_sql_values);
	if (q == NULL)
		return db_err(ctx, "plugin setting");
	st_bind_int64(q, 1, p->id);
	while ((rc = st_step(q)) == SQLITE_ROW) {
		const char *k = (const char *)st_column_text(q, 0);
		if (cJSON_GetObjectItemCaseSensitive(o, k) != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(o, k,
			    cJSON_CreateString((const char *)
			    st_column_text(q, 1)));
	}
	if (rc != SQLITE_DONE)
		return db_err(ctx, "plugin setting");
	st_reset(q);
	return NULL;
}

/* ---- runs ----------------------------------------------------------- */

#define PLUGIN_ENV_MAX	64

struct plugin_env {
	char	*v[PLUGIN_ENV_MAX + 1];
	size_t	 n;
};

static void
plugin_setenv(struct ctx *ctx, struct plugin_env *env, const char *name,
    const char *value)
{
	if (env->n < PLUGIN_ENV_MAX && value != NULL &&
	    strchr(value, '\n') == NULL)
		env->v[env->n++] = mem_printf(&ctx->mem, "%s=%s", name, value);
}

/*
 * The environment every run starts from: a fixed PATH and locale, which
 * plugin runs, and its settings.  Nothing of Stockroom's own environment.
 */
static void
plugin_env_base(struct ctx *ctx, struct plugin_env *env,
    const struct plugin *p, const char *kind, const cJSON *values)
{
	const cJSON *v;

	memset(env, 0, sizeof(*env));
	plugin_setenv(ctx, env, "PATH", "/usr/local/bin:/usr/bin:/bin");
	plugin_setenv(ctx, env, "LANG", "C.UTF-8");
	plugin_setenv(ctx, env, "STOCKROOM_PLUGIN", p->slug);
	plugin_setenv(ctx, env, "STOCKROOM_PLUGIN_KIND", kind);
	plugin_setenv(ctx, env, "STOCKROOM_PLUGIN_DIR", p->dir);
	cJSON_ArrayForEach(v, values)
		plugin_setenv(ctx, env, mem_printf(&ctx->mem,
		    "PLUGIN_SETTING_%s", v->string), v->valuestring);
}

/*
 * Runs p with input on stdin and env.  Returns NULL and *res, or, when it
 * failed (could not start, timed out, killed, exit code other than 0 or
 * 1), the reason in *why (logged and recorded).
 */
static void
plugin_run(struct ctx *ctx, const struct plugin *p, const char *kind,
    struct plugin_env *env, const char *input, size_t out_max,
    struct run_result *res, const char **why)
{
	struct run_spec spec = { .path = p->program, .envp = env->v,
	    .in = input, .in_len = input != NULL ? strlen(input) : 0,
	    .timeout_ms = p->timeout_ms, .out_max = out_max };
	char msg[256];

	*why = NULL;
	if (run_program(&ctx->mem, &spec, res, msg, sizeof(msg)) != 0)
		*why = mem_strdup(&ctx->mem, msg);
	else
		*why = run_failure(&ctx->mem, res);
	if (*why != NULL)
		plugin_failed(ctx, p, kind, *why);
	else
		log_msg(ctx, LOG_DEBUG, "plugin %s (%s): exit %d in %ld ms",
		    p->slug, kind, res->exit_code, res->ms);
}

/* ---- the API: /api/plugins/ ------------------------------------------ */

/* A plugin in InvenTree's shape (PluginConfig), and Stockroom's members. */
static cJSON *
plugin_json(struct ctx *ctx, const struct plugin *p)
{
	cJSON *o = cJSON_CreateObject(), *meta, *mixins, *kinds;

	if (o == NULL || (meta = cJSON_CreateObject()) == NULL ||
	    (mixins = cJSON_CreateObject()) == NULL ||
	    (kinds = cJSON_CreateArray()) == NULL)
		mem_oom();
	if (p->id != 0)
		json_int(o, "pk", p->id);
	else
		json_null(o, "pk");
	json_text(o, "key", p->slug);
	json_text(o, "name", p->m != NULL ? plugin_str(p->m, "name") :
	    p->slug);
	json_null(o, "package_name");
	json_bool(o, "active", p->active);
	json_text(meta, "slug", p->slug);
	json_text(meta, "human_name", plugin_str(p->m, "name"));
	json_text(meta, "author", plugin_str(p->m, "author"));
	json_text(meta, "description", plugin_str(p->m, "description"));
	json_text(meta, "version", plugin_str(p->m, "version"));
	json_text(meta, "website", plugin_str(p->m, "website"));
	json_text(meta, "license", plugin_str(p->m, "license"));
	json_null(meta, "pub_date");
	json_null(meta, "package_path");
	json_null(meta, "settings_url");
	json_item(o, "meta", meta);
	for (int i = 0; i < PK__MAX; i++) {
		if (!(p->kinds & (1u << i)))
			continue;
		cJSON *x = cJSON_CreateObject();
		if (x == NULL)
			mem_oom();
		json_text(x, "key", plugin_kinds[i].mixin);
		json_text(x, "human_name", plugin_kinds[i].human);
		cJSON_AddItemToObject(mixins, plugin_kinds[i].mixin, x);
		cJSON_AddItemToArray(kinds,
		    cJSON_CreateString(plugin_kinds[i].name));
	}
	json_item(o, "mixins", mixins);
	json_bool(o, "is_builtin", false);
	json_bool(o, "is_sample", false);
	json_bool(o, "is_installed", true);
	json_bool(o, "is_package", false);
	json_null(o, "admin_js_file");
	/* Stockroom's own: */
	json_item(o, "kinds", kinds);
	if (p->problem != NULL)
		json_text(o, "problem", p->problem);
	else
		json_null(o, "problem");
	cJSON *f = plugin_failure(ctx, p->slug);
	if (f != NULL)
		json_item(o, "last_failure", f);
	else
		json_null(o, "last_failure");
	return o;
}

/* ?active=true|false, as InvenTree's filter reads it. */
static int
plugin_active_filter(struct ctx *ctx)
{
	const char *a = req_query(ctx, "active");

	if (a == NULL || a[0] == '\0')
		return -1;
	return strcmp(a, "true") == 0 || strcmp(a, "True") == 0 ||
	    strcmp(a, "1") == 0;
}

/*
 * GET /api/plugins/: every plugin in PLUGINS_DIR, by key; ?active=;
 * paginated when ?limit= is given (InvenTree's shape either way).
 */
struct err *
plugin_list(struct ctx *ctx)
{
	struct plugin *all;
	size_t n;
	struct err *e;
	int want = plugin_active_filter(ctx);
	const char *lim = req_query(ctx, "limit"),
	    *off = req_query(ctx, "offset");
	long long limit = lim != NULL ? strtoll(lim, NULL, 10) : 0,
	    offset = off != NULL ? strtoll(off, NULL, 10) : 0;

	if ((e = plugin_all(ctx, &all, &n)) != NULL)
		return e;
	cJSON *rows = cJSON_CreateArray();
	if (rows == NULL)
		mem_oom();
	long long count = 0;
	for (size_t i = 0; i < n; i++) {
		if (want >= 0 && all[i].active != (want == 1))
			continue;
		if (lim == NULL || (count >= offset && (limit <= 0 ||
		    count < offset + limit)))
			cJSON_AddItemToArray(rows, plugin_json(ctx, &all[i]));
		count++;
	}
	if (lim == NULL)
		return resp_json(ctx, 200, rows);
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		mem_oom();
	json_int(o, "count", count);
	json_null(o, "next");
	json_null(o, "previous");
	json_item(o, "results", rows);
	return resp_json(ctx, 200, o);
}

/* The plugin the route's <key> names, or 404. */
static struct err *
plugin_of_route(struct ctx *ctx, struct plugin *p)
{
	struct err *e;
	bool found;

	if ((e = plugin_find(ctx, route_param(ctx, "key"), p, &found)) != NULL)
		return e;
	if (!found)
		return err_not_found(ctx, "PluginConfig");
	return NULL;
}

/* GET /api/plugins/<key>/ */
struct err *
plugin_detail(struct ctx *ctx)
{
	struct plugin p;
	struct err *e;

	if ((e = plugin_of_route(ctx, &p)) != NULL)
		return e;
	return resp_json(ctx, 200, plugin_json(ctx, &p));
}

static const char plugin_sql_set_active[] =
    "INSERT INTO plugin (slug, active) VALUES (?1, ?2) "
    "ON CONFLICT (slug) DO UPDATE SET active = excluded.active";

/* The row of p (made inactive when it has none), in a transaction. */
static struct err *
plugin_row(struct ctx *ctx, struct plugin *p, int active)
{
	struct err *e;
	db_stmt *q;
	bool found;

	if (active < 0 && p->id != 0)
		return NULL;
	if (active < 0)
		q = db_prepare(ctx, "INSERT INTO plugin (slug, active) "
		    "VALUES (?1, 0) ON CONFLICT (slug) DO NOTHING");
	else
		q = db_prepare(ctx, plugin_sql_set_active);
	if (q == NULL)
		return db_err(ctx, "plugin");
	st_bind_text(q, 1, p->slug, -1, SQLITE_TRANSIENT);
	if (active >= 0)
		st_bind_int64(q, 2, active);
	if ((e = db_step(ctx, q, "plugin")) != NULL)
		return e;
	if ((q = db_prepare(ctx, plugin_sql_state)) == NULL)
		return db_err(ctx, "plugin");
	st_bind_text(q, 1, p->slug, -1, SQLITE_TRANSIENT);
	if ((e = db_row(ctx, q, "plugin", &found)) != NULL)
		return e;
	p->id = found ? st_column_int64(q, 0) : 0;
	p->active = found && st_column_int64(q, 1) == 1;
	st_reset(q);
	return NULL;
}

/* The periodic task that queues scheduled plugins' runs (once a minute). */
static const char plugin_sql_schedule[] =
    "INSERT INTO task_schedule (name, every) VALUES ('plugin_schedule', 60) "
    "ON CONFLICT (name) DO NOTHING";

/*
 * POST, PUT or PATCH /api/plugins/<key>/activate/ {"active": true|false}
 * (true when not given, as InvenTree's PluginActivateSerializer): a
 * plugin whose manifest is wrong cannot be activated.  The first scheduled
 * plugin activated adds the plugin_schedule task to task_schedule.  Clears
 * the recorded failure.  Answers the plugin.
 */
struct err *
plugin_activate(struct ctx *ctx)
{
	const cJSON *body, *a;
	struct plugin p;
	struct err *e;

	if ((e = plugin_of_route(ctx, &p)) != NULL ||
	    (e = req_data(ctx, &body)) != NULL)
		return e;
	a = cJSON_GetObjectItemCaseSensitive(body, "active");
	if (a != NULL && !cJSON_IsBool(a))
		return err_field(ctx, "active", "Must be a valid boolean.");
	bool on = a == NULL || cJSON_IsTrue(a);
	if (on && p.problem != NULL)
		return err_field(ctx, "active", "Plugin %s cannot be "
		    "activated: %s", p.slug, p.problem);
	if ((e = db_begin(ctx)) != NULL)
		return e;
	e = plugin_row(ctx, &p, on);
	if (e == NULL && on && (p.kinds & (1u << PK_SCHEDULE))) {
		db_stmt *q = db_prepare(ctx, plugin_sql_schedule);
		e = q == NULL ? db_err(ctx, "task schedule") :
		    db_step(ctx, q, "task schedule");
	}
	if ((e = db_end(ctx, e)) != NULL)
		return e;
	(void)unlink(plugin_failure_path(ctx, p.slug));
	log_msg(ctx, LOG_INFO, "plugin %s %s by %s", p.slug, on ?
	    "activated" : "deactivated", ctx->username != NULL ?
	    ctx->username : "?");
	return resp_json(ctx, 200, plugin_json(ctx, &p));
}

/* The manifest's setting key of p, or NULL. */
static const cJSON *
plugin_setting_def(const struct plugin *p, const char *key)
{
	const cJSON *defs = cJSON_GetObjectItemCaseSensitive(p->m, "settings"),
	    *s;

	cJSON_ArrayForEach(s, defs)
		if (strcmp(plugin_str(s, "key"), key) == 0)
			return s;
	return NULL;
}

/* A setting in InvenTree's shape (PluginSettingSerializer). */
static cJSON *
plugin_setting_json(const struct plugin *p, const cJSON *def,
    const cJSON *values)
{
	const char *key = plugin_str(def, "key"), *type = plugin_str(def,
	    "type");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(values, key);
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	json_text(o, "key", key);
	json_text(o, "value", cJSON_IsString(v) ? v->valuestring : "");
	json_text(o, "name", plugin_str(def, "name")[0] != '\0' ?
	    plugin_str(def, "name") : key);
	json_text(o, "description", plugin_str(def, "description"));
	json_text(o, "type", type[0] != '\0' ? type : "string");
	json_item(o, "choices", cJSON_CreateArray());
	json_null(o, "model_name");
	json_null(o, "api_url");
	json_text(o, "typ", "plugin");
	json_text(o, "plugin", p->slug);
	json_bool(o, "required", cJSON_IsTrue(
	    cJSON_GetObjectItemCaseSensitive(def, "required")));
	return o;
}

/* GET /api/plugins/<key>/settings/ */
struct err *
plugin_settings(struct ctx *ctx)
{
	const cJSON *defs, *s;
	struct plugin p;
	cJSON *values;
	struct err *e;

	if ((e = plugin_of_route(ctx, &p)) != NULL ||
	    (e = plugin_values(ctx, &p, &values)) != NULL)
		return e;
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, values);
	cJSON *a = cJSON_CreateArray();
	if (a == NULL)
		mem_oom();
	defs = cJSON_GetObjectItemCaseSensitive(p.m, "settings");
	cJSON_ArrayForEach(s, defs)
		cJSON_AddItemToArray(a, plugin_setting_json(&p, s, values));
	return resp_json(ctx, 200, a);
}

static const char plugin_sql_put_value[] =
    "INSERT INTO plugin_setting (plugin, key, value) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (plugin, key) DO UPDATE SET value = excluded.value";

/* The value given for a setting of type, as stored; NULL: invalid. */
static const char *
plugin_setting_value(struct ctx *ctx, const char *type, const cJSON *v)
{
	if (strcmp(type, "boolean") == 0) {
		if (cJSON_IsBool(v))
			return cJSON_IsTrue(v) ? "True" : "False";
		if (cJSON_IsString(v) && (strcasecmp(v->valuestring, "true")
		    == 0 || strcmp(v->valuestring, "1") == 0))
			return "True";
		if (cJSON_IsString(v) && (strcasecmp(v->valuestring, "false")
		    == 0 || strcmp(v->valuestring, "0") == 0))
			return "False";
		return NULL;
	}
	if (strcmp(type, "integer") == 0) {
		long long i;
		char *end;
		if (cJSON_IsNumber(v) && v->valuedouble ==
		    (double)(long long)v->valuedouble)
			return mem_printf(&ctx->mem, "%lld",
			    (long long)v->valuedouble);
		if (!cJSON_IsString(v))
			return NULL;
		errno = 0;
		i = strtoll(v->valuestring, &end, 10);
		if (errno != 0 || end == v->valuestring || *end != '\0')
			return NULL;
		return mem_printf(&ctx->mem, "%lld", i);
	}
	if (cJSON_IsString(v))
		return val_text(ctx, v->valuestring, 2000, false) == NULL ?
		    v->valuestring : NULL;
	if (cJSON_IsNumber(v))
		return mem_printf(&ctx->mem, "%.17g", v->valuedouble);
	return NULL;
}

/*
 * GET, PUT or PATCH /api/plugins/<key>/settings/<setting>/ {"value": ...}:
 * one setting the manifest declares, with its value.
 */
struct err *
plugin_setting(struct ctx *ctx)
{
	const char *key = route_param(ctx, "setting");
	const cJSON *def, *body;
	struct plugin p;
	cJSON *values;
	struct err *e;

	if ((e = plugin_of_route(ctx, &p)) != NULL)
		return e;
	if ((def = plugin_setting_def(&p, key)) == NULL)
		return err_new(ctx, 404, "Plugin '%s' has no setting matching "
		    "'%s'", p.slug, key);
	if (strcmp(ctx->req.method, "GET") != 0) {
		if ((e = req_data(ctx, &body)) != NULL)
			return e;
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(body,
		    "value");
		if (v == NULL)
			return err_field(ctx, "value", "This field is "
			    "required.");
		const char *type = plugin_str(def, "type");
		const char *text = plugin_setting_value(ctx, type, v);
		if (text == NULL)
			return err_field(ctx, "value", "Not a valid %s.",
			    type[0] != '\0' ? type : "string");
		if ((e = db_begin(ctx)) != NULL)
			return e;
		e = plugin_row(ctx, &p, -1);
		if (e == NULL) {
			db_stmt *q = db_prepare(ctx, plugin_sql_put_value);
			if (q == NULL)
				e = db_err(ctx, "plugin setting");
			else {
				st_bind_int64(q, 1, p.id);
				st_bind_text(q, 2, key, -1, SQLITE_TRANSIENT);
				st_bind_text(q, 3, text, -1, SQLITE_TRANSIENT);
				e = db_step(ctx, q, "plugin setting");
			}
		}
		if ((e = db_end(ctx, e)) != NULL)
			return e;
	}
	if ((e = plugin_values(ctx, &p, &values)) != NULL)
		return e;
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, values);
	return resp_json(ctx, 200, plugin_setting_json(&p, def, values));
}

/* ---- validation ----------------------------------------------------- */

/* The proposed object of a write, field by field, as JSON. */
static cJSON *
plugin_proposed(const struct res_write *w)
{
	const struct resource *r = w->res;
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		mem_oom();
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		const struct val *v = &w->v[i];
		if ((f->flags & F_READ_ONLY) && !(f->flags & F_STORED))
			continue;
		if (v->null) {
			json_null(o, f->name);
			continue;
		}
		switch (f->type) {
		case FT_TEXT: case FT_NOTES: case FT_DATE: case FT_DATETIME:
		case FT_EMAIL: case FT_URL:
			json_text(o, f->name, v->s != NULL ? v->s : "");
			break;
		case FT_BOOL:
			json_bool(o, f->name, v->i != 0);
			break;
		case FT_INT: case FT_ID: case FT_CHOICE:
			json_int(o, f->name, v->i);
			break;
		case FT_DEC:
			json_item(o, f->name, dec_json_string(v->i));
			break;
		case FT_FLOAT:
			cJSON_AddNumberToObject(o, f->name, v->d);
			break;
		case FT_IDS: {
			cJSON *a = cJSON_CreateArray();
			if (a == NULL)
				mem_oom();
			for (size_t k = 0; k < v->n; k++)
				cJSON_AddItemToArray(a, cJSON_CreateNumber(
				    (double)v->ids[k]));
			json_item(o, f->name, a);
			break;
		}
		default:
			break;
		}
	}
	return o;
}

/*
 * Does the manifest list key of p name what (no list: it takes every one)?
 * "models" for a validator, "events" for an event plugin.
 */
static bool
plugin_takes(const struct plugin *p, const char *key, const char *what)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(p->m, key), *x;

	if (!cJSON_IsArray(list))
		return true;
	cJSON_ArrayForEach(x, list)
		if (cJSON_IsString(x) && strcmp(x->valuestring, what) == 0)
			return true;
	return false;
}

/* A veto's stdout as field errors: {"IPN": "msg"} or {"IPN": ["msg"]}. */
static void
plugin_veto_errors(struct ctx *ctx, const struct plugin *p,
    const struct run_result *res, struct errs *es)
{
	cJSON *o = cJSON_Parse(res->out);
	const cJSON *f, *m;
	bool any = false;

	if (cJSON_IsObject(o))
		cJSON_ArrayForEach(f, o) {
			if (cJSON_IsString(f) && f->valuestring[0] != '\0') {
				errs_add(es, mem_strdup(&ctx->mem, f->string),
				    mem_strdup(&ctx->mem, f->valuestring));
				any = true;
			} else if (cJSON_IsArray(f))
				cJSON_ArrayForEach(m, f)
					if (cJSON_IsString(m)) {
						errs_add(es, mem_strdup(
						    &ctx->mem, f->string),
						    mem_strdup(&ctx->mem,
						    m->valuestring));
						any = true;
					}
		}
	cJSON_Delete(o);
	if (!any) {
		char *msg = mem_strndup(&ctx->mem, res->out,
		    strcspn(res->out, "\n"));
		errs_add(es, "non_field_errors", msg[0] != '\0' &&
		    txt_utf8_valid(msg, strlen(msg), false) ? msg :
		    mem_printf(&ctx->mem, "Rejected by plugin %s.", p->slug));
	}
}

/*
 * The veto hook (route.h's struct program, run by res_save()): every
 * active validation plugin of w's model gets the proposed object; exit 0
 * accepts, exit 1 with a message on stdout vetoes (its messages into es,
 * so the write answers 400); anything else -- a timeout, a crash, exit 1
 * with nothing to say -- is a 503 and the write rolls back.  Runs inside the write's transaction.
 */
struct err *
plugin_veto(struct ctx *ctx, struct res_write *w, struct errs *es)
{
	struct plugin *ps;
	size_t n;
	struct err *e;

	if ((e = plugin_active(ctx, PK_VALIDATION, &ps, &n)) != NULL)
		return e;
	for (size_t i = 0; i < n; i++) {
		struct plugin *p = &ps[i];
		cJSON *values;
		if (!plugin_takes(p, "models", w->res->model))
			continue;
		if ((e = plugin_values(ctx, p, &values)) != NULL)
			return e;
		cJSON *in = cJSON_CreateObject();
		if (in == NULL)
			mem_oom();
		json_text(in, "model", w->res->model);
		json_text(in, "action", w->create ? "create" : "update");
		if (w->create)
			json_null(in, "pk");
		else
			json_int(in, "pk", w->id);
		json_item(in, "data", plugin_proposed(w));
		cJSON *user = cJSON_CreateObject();
		if (user == NULL)
			mem_oom();
		json_int(user, "id", ctx->user_id);
		json_text(user, "username", ctx->username != NULL ?
		    ctx->username : "");
		json_item(in, "user", user);
		struct plugin_env env;
		plugin_env_base(ctx, &env, p, "validation", values);
		json_item(in, "settings", values);
		char *text = cJSON_PrintUnformatted(in);
		cJSON_Delete(in);
		if (text == NULL)
			mem_oom();
		mem_defer(&ctx->mem, free, text);
		struct run_result res;
		const char *why;
		plugin_run(ctx, p, "validation", &env, text, 64 * 1024, &res,
		    &why);
		/* A veto says why: exit 1 and nothing on stdout is a crash
		 * (an uncaught exception of many languages). */
		if (why == NULL && res.exit_code == 1 &&
		    res.out[strspn(res.out, " \t\r\n")] == '\0') {
			why = "exit code 1 with no message on stdout";
			plugin_failed(ctx, p, "validation", why);
		}
		if (why != NULL)
			return err_new(ctx, 503, "Validation plugin %s failed "
			    "(%s): nothing was saved.", p->slug, why);
		if (res.exit_code == 1)
			plugin_veto_errors(ctx, p, &res, es);
	}
	return NULL;
}

/* ---- URL plugins ---------------------------------------------------- */

/* A header line of a CGI answer that is passed on, or NULL to drop it. */
static const char *const plugin_url_headers[] = {
	"Content-Disposition", "Cache-Control", "Location", NULL };

/* Parses the CGI answer of res into the response. */
static struct err *
plugin_url_answer(struct ctx *ctx, const struct plugin *p,
    struct run_result *res)
{
	char *s = res->out, *end = res->out + res->out_len;
	int status = 200;

	ctx->resp.content_type = "text/plain; charset=utf-8";
	for (;;) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			return err_new(ctx, 502, "Plugin %s answered no "
			    "headers.", p->slug);
		*nl = '\0';
		if (nl > s && nl[-1] == '\r')
			nl[-1] = '\0';
		if (*s == '\0') {
			s = nl + 1;
			break;
		}
		char *colon = strchr(s, ':');
		if (colon == NULL)
			return err_new(ctx, 502, "Plugin %s answered a bad "
			    "header.", p->slug);
		*colon = '\0';
		const char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		for (const char *c = v; *c != '\0'; c++)
			if ((unsigned char)*c < ' ' || *c == 127)
				return err_new(ctx, 502, "Plugin %s answered a "
				    "bad header.", p->slug);
		if (strcasecmp(s, "Status") == 0) {
			status = atoi(v);
			if (status < 200 || status > 599)
				return err_new(ctx, 502, "Plugin %s answered "
				    "a bad status.", p->slug);
		} else if (strcasecmp(s, "Content-Type") == 0)
			ctx->resp.content_type = mem_strdup(&ctx->mem, v);
		else
			for (int i = 0; plugin_url_headers[i] != NULL; i++)
				if (strcasecmp(s, plugin_url_headers[i]) == 0)
					resp_header(ctx, plugin_url_headers[i],
					    mem_strdup(&ctx->mem, v));
		s = nl + 1;
	}
	resp_header(ctx, "Content-Length", mem_printf(&ctx->mem, "%zu",
	    (size_t)(end - s)));
	resp_stream_begin(ctx, status);	/* with the security headers */
	resp_write(ctx, s, (size_t)(end - s));
	return NULL;
}

/*
 * Any method of /api/plugin/<slug>/<path>: runs an active URL plugin as a
 * CGI program once the caller is signed in and holds the manifest's
 * permission.  Its environment is made here: who the caller is
 * (REMOTE_USER, STOCKROOM_USER_ID, STOCKROOM_USERNAME) and the request
 * (method, PATH_INFO, QUERY_STRING, a JSON body) -- never a header of the
 * client (so none can pose as a user) and never the password, token,
 * cookie or Authorization.  A failure is 502.
 */
struct err *
plugin_url(struct ctx *ctx)
{
	/* The path as requested (the route's parameter has no final
	 * slash): /api/plugin/<slug>[/<PATH_INFO>]. */
	const char *rest = ctx->req.path + strlen("/api/plugin/"), *slash;
	struct plugin p;
	struct err *e;
	bool found;

	slash = strchr(rest, '/');
	const char *slug = slash != NULL ? mem_strndup(&ctx->mem, rest,
	    (size_t)(slash - rest)) : rest;
	if ((e = plugin_find(ctx, slug, &p, &found)) != NULL)
		return e;
	if (!found || !p.active || !(p.kinds & (1u << PK_URL)))
		return err_new(ctx, 404, "Not found.");
	if ((e = perm_need(ctx, p.area, p.perm)) != NULL)
		return e;

	const cJSON *body = NULL;
	char *input = NULL;
	if (strcmp(ctx->req.method, "GET") != 0 &&
	    strcmp(ctx->req.method, "HEAD") != 0 &&
	    strcmp(ctx->req.method, "DELETE") != 0) {
		if ((e = req_data(ctx, &body)) != NULL)
			return e;
		if ((input = cJSON_PrintUnformatted(body)) == NULL)
			mem_oom();
		mem_defer(&ctx->mem, free, input);
	}
	cJSON *values;
	if ((e = plugin_values(ctx, &p, &values)) != NULL)
		return e;
	mem_defer(&ctx->mem, (void (*)(void *))cJSON_Delete, values);
	struct plugin_env env;
	plugin_env_base(ctx, &env, &p, "url", values);
	plugin_setenv(ctx, &env, "GATEWAY_INTERFACE", "CGI/1.1");
	plugin_setenv(ctx, &env, "SERVER_PROTOCOL", "HTTP/1.1");
	plugin_setenv(ctx, &env, "REQUEST_METHOD", ctx->req.method);
	plugin_setenv(ctx, &env, "SCRIPT_NAME", mem_printf(&ctx->mem,
	    "%s/api/plugin/%s", ctx->req.prefix != NULL ? ctx->req.prefix :
	    "", p.slug));
	plugin_setenv(ctx, &env, "PATH_INFO", slash != NULL ? slash : "/");
	plugin_setenv(ctx, &env, "QUERY_STRING", ctx->req.query_raw != NULL ?
	    ctx->req.query_raw : "");
	if (input != NULL) {
		plugin_setenv(ctx, &env, "CONTENT_TYPE", "application/json");
		plugin_setenv(ctx, &env, "CONTENT_LENGTH", mem_printf(
		    &ctx->mem, "%zu", strlen(input)));
	}
	plugin_setenv(ctx, &env, "REMOTE_USER", ctx->username);
	plugin_setenv(ctx, &env, "STOCKROOM_USERNAME", ctx->username);
	plugin_setenv(ctx, &env, "STOCKROOM_USER_ID", mem_printf(&ctx->mem,
	    "%lld", ctx->user_id));
	plugin_setenv(ctx, &env, "STOCKROOM_USER_SUPERUSER",
	    ctx->is_superuser ? "1" : "0");
	plugin_setenv(ctx, &env, "STOCKROOM_BASE_URL", req_base_url(ctx));

	struct run_result res;
	const char *why;
	plugin_run(ctx, &p, "url", &env, input, PLUGIN_URL_BODY_MAX, &res,
	    &why);
	if (why == NULL && res.exit_code != 0)
		why = "failed with exit code 1";
	if (why == NULL && res.out_cut)
		why = "its answer is larger than 1 MiB";
	if (why != NULL)
		return err_new(ctx, 502, "Plugin %s failed: %s.", p.slug, why);
	return plugin_url_answer(ctx, &p, &res);
}

/* ---- events --------------------------------------------------------- */

/*
 * Queues event (about id) for every active event plugin that wants it:
 * one plugin_event task each, inside the emitter's transaction, with the
 * idempotency key its every attempt carries.
 */
struct err *
plugin_queue_event(struct ctx *ctx, const char *event, long long id)
{
	struct plugin *ps;
	size_t n;
	struct err *e;

	if ((e = plugin_active(ctx, PK_EVENT, &ps, &n)) != NULL)
		return e;
	for (size_t i = 0; i < n; i++) {
		char key[33], stamp[32];
		time_t t = time(NULL);
		struct tm tm;
		if (!plugin_takes(&ps[i], "events", event))
			continue;
		if (rnd_hex(key, 16) != 0)
			return err_internal(ctx, "plugin event key");
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		cJSON *a = cJSON_CreateObject();
		if (a == NULL)
			mem_oom();
		json_text(a, "plugin", ps[i].slug);
		json_text(a, "event", event);
		if (id != 0)
			json_int(a, "id", id);
		else
			json_null(a, "id");
		json_text(a, "key", key);
		json_text(a, "timestamp", stamp);
		char *text = cJSON_PrintUnformatted(a);
		cJSON_Delete(a);
		if (text == NULL)
			mem_oom();
		mem_defer(&ctx->mem, free, text);
		if ((e = task_enqueue(ctx, "plugin_event", text, 0)) != NULL)
			return e;
	}
	return NULL;
}

/* The model an event's id names, as webhooks say it ("stock.*": part). */
static const char *
plugin_event_model(const char *event)
{
	static const struct { const char *prefix, *model; } m[] = {
		{ "stock.", "part" }, { "part.", "part" },
		{ "attachment.", "attachment" },
		{ "purchaseorder.", "purchaseorder" }, { "build.", "build" },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strncmp(event, m[i].prefix, strlen(m[i].prefix)) == 0)
			return m[i].model;
	return "";
}

/*
 * Adds to an event's input its model and the object as its detail shows
 * it now ("object": null when it is gone, or not a model of the
 * registry), so that a plugin needs no access to the API to act on it.
 */
static void
plugin_event_object(struct ctx *ctx, cJSON *in)
{
	const char *model = plugin_event_model(plugin_str(in, "event"));
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(in, "id");
	const struct resource *r = model_find(model);
	cJSON *obj = NULL;

	cJSON_AddStringToObject(in, "model", model);
	if (r != NULL && cJSON_IsNumber(id) &&
	    res_get(ctx, r, (long long)id->valuedouble, NULL, &obj) != NULL)
		obj = NULL;
	if (obj != NULL)
		cJSON_AddItemToObject(in, "object", obj);
	else
		cJSON_AddNullToObject(in, "object");
}

/*
 * The plugin_event task: delivers one event to its plugin (on stdin:
 * event, id, model, object, key, timestamp, settings), or with "kind": "schedule" runs a
 * scheduled plugin (schedule, key, timestamp, settings).  Exit 0 is delivered; anything
 * else fails the task, which the queue retries with backoff and at last
 * marks failed (the dead letters of /api/admin/task/).  A plugin no longer
 * active, or gone, drops the event (logged).
 */
int
plugin_task_event(struct ctx *ctx, const cJSON *args, char *err,
    size_t errsz)
{
	const char *slug = plugin_str(args, "plugin");
	bool scheduled = strcmp(plugin_str(args, "kind"), "schedule") == 0;
	enum plugin_kind kind = scheduled ? PK_SCHEDULE : PK_EVENT;
	struct plugin p;
	struct err *e;
	bool found;
	cJSON *values;

	if ((e = plugin_find(ctx, slug, &p, &found)) != NULL)
		return task_failed(err, errsz, "plugin", e);
	if (!found || !p.active || !(p.kinds & (1u << kind))) {
		log_msg(ctx, LOG_WARN, "plugin %s is not active: %s %s "
		    "dropped", slug, scheduled ? "scheduled run" : "event",
		    plugin_str(args, "event"));
		return 0;
	}
	if ((e = plugin_values(ctx, &p, &values)) != NULL)
		return task_failed(err, errsz, "plugin", e);
	cJSON *in = cJSON_Duplicate(args, true);
	if (in == NULL)
		mem_oom();
	cJSON_DeleteItemFromObjectCaseSensitive(in, "plugin");
	cJSON_DeleteItemFromObjectCaseSensitive(in, "kind");
	if (!scheduled)
		plugin_event_object(ctx, in);
	struct plugin_env env;
	plugin_env_base(ctx, &env, &p, plugin_kinds[kind].name, values);
	plugin_setenv(ctx, &env, "STOCKROOM_IDEMPOTENCY_KEY",
	    plugin_str(args, "key"));
	json_item(in, "settings", values);
	char *text = cJSON_PrintUnformatted(in);
	cJSON_Delete(in);
	if (text == NULL)
		mem_oom();
	mem_defer(&ctx->mem, free, text);
	struct run_result res;
	const char *why;
	plugin_run(ctx, &p, plugin_kinds[kind].name, &env, text, 64 * 1024,
	    &res, &why);
	if (why == NULL && res.exit_code != 0)
		why = "exit code 1";
	if (why != NULL) {
		snprintf(err, errsz, "plugin %s: %s", slug, why);
		return -1;
	}
	return 0;
}

/* ---- barcode plugins ------------------------------------------------ */

/*
 * Offers barcode s, which no built-in form matched, to the active barcode
 * plugins in slug order (on stdin: {"barcode": s, "settings": {...}}).
 * The first to exit 0 with {"model": "part", "pk": 12} or {"model":
 * "part", "key": "R-0001"} (an IPN or name, as the importer finds a row)
 * answers: into *m. Exit 1 is "not mine"; a failed run is logged and
 * recorded, and the next plugin is asked.  m->slug NULL: no plugin
 * matched.
 */
struct err *
plugin_barcode(struct ctx *ctx, const char *s, struct plugin_match *m)
{
	struct plugin *ps;
	size_t n;
	struct err *e;

	memset(m, 0, sizeof(*m));
	if ((e = plugin_active(ctx, PK_BARCODE, &ps, &n)) != NULL)
		return e;
	for (size_t i = 0; i < n; i++) {
		struct plugin *p = &ps[i];
		cJSON *values, *in, *out;
		if ((e = plugin_values(ctx, p, &values)) != NULL)
			return e;
		struct plugin_env env;
		plugin_env_base(ctx, &env, p, "barcode", values);
		if ((in = cJSON_CreateObject()) == NULL)
			mem_oom();
		cJSON_AddStringToObject(in, "barcode", s);
		json_item(in, "settings", values);
		char *text = cJSON_PrintUnformatted(in);
		cJSON_Delete(in);
		if (text == NULL)
			mem_oom();
		mem_defer(&ctx->mem, free, text);
		struct run_result res;
		const char *why;
		plugin_run(ctx, p, "barcode", &env, text, 64 * 1024, &res,
		    &why);
		if (why != NULL || res.exit_code != 0)
			continue;
		if ((out = cJSON_Parse(res.out)) == NULL)
			continue;
		const cJSON *model = cJSON_GetObjectItemCaseSensitive(out,
		    "model"), *pk = cJSON_GetObjectItemCaseSensitive(out, "pk"),
		    *key = cJSON_GetObjectItemCaseSensitive(out, "key");
		if (cJSON_IsString(model) && (cJSON_IsNumber(pk) ||
		    cJSON_IsString(key))) {
			m->slug = p->slug;
			m->model = mem_strdup(&ctx->mem, model->valuestring);
			if (cJSON_IsNumber(pk) && pk->valuedouble >= 1 &&
			    pk->valuedouble <= 9e15)
				m->pk = (long long)pk->valuedouble;
			if (cJSON_IsString(key))
				m->key = mem_strdup(&ctx->mem,
				    key->valuestring);
		} else
			plugin_failed(ctx, p, "barcode", "exit 0 without "
			    "{\"model\", \"pk\" or \"key\"}");
		cJSON_Delete(out);
		if (m->slug != NULL)
			return NULL;
	}
	return NULL;
}

/* ---- scheduled plugins ---------------------------------------------- */

static const char plugin_sql_due[] =
    "UPDATE plugin SET next_run = ?1 + ?2 WHERE id = ?3 AND next_run <= ?1";

/*
 * The plugin_schedule task (in task_schedule once a scheduled plugin was
 * activated, every minute): queues a run, as a plugin_event task of kind
 * schedule, for each active scheduled plugin whose time has come, and
 * sets its next time -- in one transaction, so a run is queued once
 * however many runners race.
 */
int
plugin_task_schedule(struct ctx *ctx, const cJSON *args, char *err,
    size_t errsz)
{
	long long now = (long long)time(NULL);
	struct plugin *ps;
	size_t n;
	struct err *e;

	(void)args;
	if ((e = db_begin(ctx)) != NULL)
		return task_failed(err, errsz, "plugin schedule", e);
	if ((e = plugin_active(ctx, PK_SCHEDULE, &ps, &n)) != NULL)
		goto out;
	for (size_t i = 0; i < n && e == NULL; i++) {
		db_stmt *q = db_prepare(ctx, plugin_sql_due);
		char key[33], stamp[32];
		time_t t = (time_t)now;
		struct tm tm;
		if (q == NULL) {
			e = db_err(ctx, "plugin");
			break;
		}
		st_bind_int64(q, 1, now);
		st_bind_int64(q, 2, ps[i].every);
		st_bind_int64(q, 3, ps[i].id);
		if ((e = db_step(ctx, q, "plugin")) != NULL ||
		    db_changes(ctx) != 1)
			continue;
		if (rnd_hex(key, 16) != 0) {
			e = err_internal(ctx, "plugin run key");
			break;
		}
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		cJSON *a = cJSON_CreateObject();
		if (a == NULL)
			mem_oom();
		json_text(a, "plugin", ps[i].slug);
		json_text(a, "kind", "schedule");
		json_int(a, "schedule", ps[i].every);
		json_text(a, "key", key);
		json_text(a, "timestamp", stamp);
		char *text = cJSON_PrintUnformatted(a);
		cJSON_Delete(a);
		if (text == NULL)
			mem_oom();
		mem_defer(&ctx->mem, free, text);
		e = task_enqueue(ctx, "plugin_event", text, 0);
	}
out:
	if ((e = db_end(ctx, e)) != NULL)
		return task_failed(err, errsz, "plugin schedule", e);
	return 0;
}
