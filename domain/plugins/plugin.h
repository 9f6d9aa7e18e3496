/*
 * plugin: programs a site adds without forking Stockroom (docs/plugins.md).
 *
 * A plugin is a folder of PLUGINS_DIR (cfg.h; never inside the data
 * directory) holding plugin.json, its manifest -- slug (the folder's
 * name), name, version, author, description, the kinds it implements
 * (validation, url, event, barcode, schedule), the settings it takes, the permission its URLs
 * need, its program -- and the program, in any language.  The database
 * holds only what a superuser decided (migration 0029): whether it is
 * active, and its settings' values.  A plugin that was never activated, or
 * whose manifest is wrong, never runs.
 *
 * Every run goes through run_program() (lib/run.h): a fork and exec with a
 * time limit, setrlimit() limits, an environment made here from nothing
 * (no secret key, no database, no data directory, no client header), a
 * working directory of its own and bounded output.  A run that fails
 * (times out, is killed, exits with a code other than 0 or 1) is logged
 * and recorded in the data directory (plugin-failed.<slug>), shown by
 * /api/health/ and the plugin's detail until it is activated or
 * deactivated again.
 *
 * The kinds:
 *   - barcode: plugin_barcode(), asked by barcode.cgi when a scan matches
 *     no built-in form: the first plugin that claims it answers;
 *   - validation: plugin_veto(), the program's veto hook (struct program,
 *     route.h), run by the resource layer before any row is written
 *     (res_save()): the proposed object on stdin; exit 1 vetoes (400 on
 *     the fields it names), a failure is 503 and nothing is saved;
 *   - url: plugin_url(), /api/plugin/<slug>/..., a CGI run after the
 *     caller is authenticated and holds the manifest's permission;
 *   - event: plugin_queue_event() from event_emit(), one plugin_event
 *     task per subscribed active plugin, in the emitter's transaction;
 *     the task (plugin_task_event()) delivers it on stdin, retried with
 *     the queue's backoff, its idempotency key the same on every try;
 *   - schedule: plugin_task_schedule(), the plugin_schedule periodic
 *     task, queues a run (a plugin_event task of kind schedule) of each
 *     active scheduled plugin whose manifest's "every" seconds passed.
 */
#ifndef SR_PLUGIN_H
#define SR_PLUGIN_H

#include <stddef.h>

struct cJSON;
struct ctx;
struct err;
struct errs;
struct res_write;

#define PLUGIN_MANIFEST		"plugin.json"
#define PLUGIN_MANIFEST_MAX	(64 * 1024)
#define PLUGIN_SLUG_MAX		50
#define PLUGIN_MAX		100	/* folders read from PLUGINS_DIR */
#define PLUGIN_TIMEOUT_MS	5000	/* default; the manifest may say */
#define PLUGIN_TIMEOUT_MAX	30000
#define PLUGIN_URL_BODY_MAX	(1024 * 1024)	/* a URL plugin's answer */
#define PLUGIN_EVERY_MAX	2678400		/* a schedule: 31 days */

/* The handlers of cgi-bin/plugin.c. */
struct err	*plugin_list(struct ctx *);
struct err	*plugin_detail(struct ctx *);
struct err	*plugin_activate(struct ctx *);
struct err	*plugin_settings(struct ctx *);
struct err	*plugin_setting(struct ctx *);
struct err	*plugin_url(struct ctx *);

struct err	*plugin_veto(struct ctx *, struct res_write *, struct errs *);
struct err	*plugin_queue_event(struct ctx *, const char *event,
		    long long id);
int		 plugin_task_event(struct ctx *, const struct cJSON *args,
		    char *err, size_t errsz);
int		 plugin_task_schedule(struct ctx *, const struct cJSON *args,
		    char *err, size_t errsz);
struct cJSON	*plugin_failures(struct ctx *);
struct cJSON	*plugin_active_info(struct ctx *);

/* What a barcode plugin matched: a model's object by pk or by key. */
struct plugin_match {
	const char	*slug;		/* the plugin; NULL: no match */
	const char	*model;		/* "part", "stocklocation", ... */
	long long	 pk;		/* or 0 */
	const char	*key;		/* an IPN or name, or NULL */
};

struct err	*plugin_barcode(struct ctx *, const char *barcode,
		    struct plugin_match *);

#endif
