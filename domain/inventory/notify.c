/*
 * notify: notifications and the low-stock rule.  See notify.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "accounts/account.h"
#include "ctx.h"
#include "db.h"
#include "dec.h"
#include "err.h"
#include "json.h"
#include "inventory/notify.h"
#include "log.h"
#include "models.h"
#include "res.h"
#include "route.h"
#include "tasks/task.h"
#include "text.h"
#include "val.h"

#define NOTIFY_MAIL_MAX	8192	/* the message, headers included */

/* Has the part crossed its minimum since its subscribers were told? */
static const char notify_sql_crossed[] =
    "SELECT 1 FROM part WHERE id = ? AND "
    "CASE WHEN minimum_stock > 0 AND in_stock < minimum_stock THEN 1 "
    "ELSE 0 END <> low_stock_notified";
static const char notify_sql_part[] =
    "SELECT name, in_stock, minimum_stock, low_stock_notified "
    "FROM part WHERE id = ?";
static const char notify_sql_mark[] =
    "UPDATE part SET low_stock_notified = ?2 WHERE id = ?1";
/*
 * One notification for each active subscriber (a star on the part, or on
 * its category or any category above it) who may view parts.
 */
static const char notify_sql_low_stock[] =
    "INSERT INTO notification (user_id, category, name, message, "
    "target_model, target_id) SELECT u.id, ?2, ?3, ?4, 'part', ?1 "
    "FROM users u WHERE u.is_active = 1 AND (u.is_superuser = 1 OR EXISTS "
    "(SELECT 1 FROM user_groups g JOIN group_rules r ON r.group_id = "
    "g.group_id WHERE g.user_id = u.id AND r.area = 'part' AND "
    "r.can_view = 1)) AND (EXISTS (SELECT 1 FROM part_star s WHERE "
    "s.user_id = u.id AND s.part = ?1) OR EXISTS (SELECT 1 FROM part p "
    "JOIN part_category c ON c.id = p.category JOIN part_category_star s "
    "ON s.user_id = u.id WHERE p.id = ?1 AND "
    "instr(c.path, '/' || s.category || '/') > 0)) ORDER BY u.id "
    "RETURNING id";
static const char notify_sql_mail[] =
    "SELECT n.name, n.message, n.target_model, n.target_id, u.email, "
    "u.is_active FROM notification n JOIN users u ON u.id = n.user_id "
    "WHERE n.id = ?";
static const char notify_sql_mail_part[] =
    "SELECT name, IPN, revision, in_stock, minimum_stock FROM part "
    "WHERE id = ?";

/* ---- the low-stock rule --------------------------------------------- */

/*
 * Event handler (event.h) for EVENT_STOCK_CHANGED and EVENT_STOCK_DELETED:
 * enqueues a low_stock task for part when it has crossed its minimum
 * since its subscribers were last told (see notify.h), unless one waits
 * already.  Returns NULL or the error.
 */
struct err *
notify_on_stock_changed(struct ctx *ctx, enum event_kind kind, long long part)
{
	db_stmt *st = db_prepare(ctx, notify_sql_crossed);
	struct err *e;
	char args[64];
	bool crossed;

	(void)kind;
	if (st == NULL)
		return db_err(ctx, "low stock");
	st_bind_int64(st, 1, part);
	e = db_row(ctx, st, "low stock", &crossed);
	st_reset(st);
	if (e != NULL || !crossed)
		return e;
	snprintf(args, sizeof(args), "{\"part\":%lld}", part);
	return task_enqueue_once(ctx, "low_stock", args);
}

/* A task argument that names a row (an id), or 0. */
static long long
notify_arg_id(const cJSON *args, const char *name)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(args, name);
	long long id;

	return j != NULL && val_id_json(j, &id) == NULL ? id : 0;
}

/*
 * The low_stock task's work, in its transaction: compares the part's
 * committed stock with its minimum and, where that has crossed since the
 * last time, tells its subscribers -- one notification each, and a
 * notify_email task each when SENDMAIL is set; *low says so and *told
 * counts them -- or clears the mark.  A part that is gone needs nothing.
 */
static struct err *
notify_low_stock(struct ctx *ctx, long long part, bool *low, int *told)
{
	db_stmt *st, *mark, *ins;
	struct err *e;
	char msg[400];
	bool found;

	*low = false;
	*told = 0;
	if ((st = db_prepare(ctx, notify_sql_part)) == NULL ||
	    (mark = db_prepare(ctx, notify_sql_mark)) == NULL ||
	    (ins = db_prepare(ctx, notify_sql_low_stock)) == NULL)
		return db_err(ctx, "low_stock");
	st_bind_int64(st, 1, part);
	if ((e = db_row(ctx, st, "low_stock", &found)) != NULL || !found)
		return e;
	long long in_stock = st_column_int64(st, 1);
	long long minimum = st_column_int64(st, 2);
	bool was = st_column_int(st, 3) != 0;
	bool is = minimum > 0 && in_stock < minimum;
	snprintf(msg, sizeof(msg), "The available stock for %s has fallen "
	    "below the configured minimum level",
	    (const char *)st_column_text(st, 0));
	st_reset(st);
	if (is == was)
		return NULL;
	st_bind_int64(mark, 1, part);
	st_bind_int(mark, 2, is);
	if ((e = db_step(ctx, mark, "low_stock")) != NULL || !is)
		return e;

	long long *ids = NULL;
	size_t cap = 0;
	int rc, n = 0;
	st_bind_int64(ins, 1, part);
	st_bind_text(ins, 2, NOTIFY_LOW_STOCK, -1, SQLITE_STATIC);
	st_bind_text(ins, 3, "Low stock notification", -1, SQLITE_STATIC);
	st_bind_text(ins, 4, msg, -1, SQLITE_STATIC);
	while ((rc = st_step(ins)) == SQLITE_ROW) {
		if ((size_t)n == cap) {
			cap = cap ? cap * 2 : 16;
			long long *v = mem_alloc(&ctx->mem, cap * sizeof(*v));
			if (n > 0)
				memcpy(v, ids, (size_t)n * sizeof(*v));
			ids = v;
		}
		ids[n++] = st_column_int64(ins, 0);
	}
	if (rc != SQLITE_DONE)
		return db_err(ctx, "low_stock");
	st_reset(ins);
	for (int i = 0; i < n && ctx->cfg.sendmail[0] != '\0'; i++) {
		char a[64];
		snprintf(a, sizeof(a), "{\"notification\":%lld}", ids[i]);
		if ((e = task_enqueue(ctx, "notify_email", a, 0)) != NULL)
			return e;
	}
	*low = true;
	*told = n;
	return NULL;
}

/*
 * Task low_stock {"part": id}: notify_low_stock() in a transaction of its
 * own, on the committed state.  Returns 0, or -1 with err set (the queue
 * retries).
 */
int
notify_low_stock_task(struct ctx *ctx, const cJSON *args, char *err,
    size_t errsz)
{
	long long part = notify_arg_id(args, "part");
	struct err *e;
	bool low;
	int n;

	if (part == 0) {
		snprintf(err, errsz, "low_stock: no \"part\" id");
		return -1;
	}
	if ((e = db_begin(ctx)) != NULL ||
	    (e = db_end(ctx, notify_low_stock(ctx, part, &low, &n))) != NULL)
		return task_failed(err, errsz, "low_stock", e);
	if (low)
		log_msg(ctx, LOG_INFO, "low stock: part %lld below its "
		    "minimum, %d subscriber(s) notified", part, n);
	return 0;
}

/* ---- e-mail ---------------------------------------------------------- */

/*
 * Writes in as a header value into out (at most outsz bytes with the NUL):
 * printable ASCII is kept as it is; otherwise the whole value becomes RFC
 * 2047 "B" encoded-words of UTF-8, each under 76 characters, folded onto
 * continuation lines and never splitting a character.  Control characters
 * (CR and LF among them) become spaces first, and invalid UTF-8 '?', so
 * no value can end the header.  Returns the length written, or 0 when out
 * is too small (out is then "").
 */
size_t
notify_header_value(const char *in, char *out, size_t outsz)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)in;
	size_t n = strlen(in), o = 0;
	bool plain = n <= 900;

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && plain; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f)
			plain = false;
	if (plain) {
		if (n + 1 > outsz)
			return 0;
		memcpy(out, in, n + 1);
		return n;
	}
	size_t i = 0;
	while (i < n) {
		unsigned char chunk[45];
		size_t c = 0;
		/* Up to 45 bytes of whole characters: 60 base64 characters. */
		while (i < n) {
			size_t len = 1;
			unsigned char ch = s[i];
			if (ch >= 0xf0 && ch <= 0xf4)
				len = 4;
			else if (ch >= 0xe0)
				len = 3;
			else if (ch >= 0xc2 && ch <= 0xdf)
				len = 2;
			bool ok = i + len <= n && (len == 1 ? ch < 0x80 :
			    txt_utf8_valid((const char *)s + i, len, false));
			if (!ok)
				len = 1;
			if (c + len > sizeof(chunk))
				break;
			if (!ok)
				chunk[c++] = '?';
			else if (len == 1 && (ch < 0x20 || ch == 0x7f))
				chunk[c++] = ' ';
			else {
				memcpy(chunk + c, s + i, len);
				c += len;
			}
			i += len;
		}
		/* "=?UTF-8?B?" + 60 + "?=" and a fold "\n " */
		if (o + 12 + 4 * ((c + 2) / 3) + 3 >= outsz) {
			out[0] = '\0';
			return 0;
		}
		if (o > 0) {
			memcpy(out + o, "\n ", 2);
			o += 2;
		}
		memcpy(out + o, "=?UTF-8?B?", 10);
		o += 10;
		for (size_t k = 0; k < c; k += 3) {
			unsigned v = (unsigned)chunk[k] << 16;
			if (k + 1 < c)
				v |= (unsigned)chunk[k + 1] << 8;
			if (k + 2 < c)
				v |= chunk[k + 2];
			out[o++] = b64[(v >> 18) & 63];
			out[o++] = b64[(v >> 12) & 63];
			out[o++] = k + 1 < c ? b64[(v >> 6) & 63] : '=';
			out[o++] = k + 2 < c ? b64[v & 63] : '=';
		}
		memcpy(out + o, "?=", 2);
		o += 2;
	}
	out[o] = '\0';
	return o;
}

/* Appends text to a body, control characters (but LF) made spaces. */
static void
notify_body_text(char *buf, size_t bufsz, size_t *len, const char *text)
{
	for (const char *p = text; *p != '\0' && *len + 1 < bufsz; p++)
		buf[(*len)++] = ((unsigned char)*p < 0x20 && *p != '\n') ||
		    *p == 0x7f ? ' ' : *p;
	buf[*len] = '\0';
}

/* Appends printf output to a body, sanitized as notify_body_text(). */
static void
notify_body(char *buf, size_t bufsz, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
notify_body(char *buf, size_t bufsz, size_t *len, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	notify_body_text(buf, bufsz, len, line);
}

/*
 * Runs SENDMAIL -i [-f from] -- to with msg on its standard input (execv:
 * no shell, the address one argument), waits at most
 * NOTIFY_SENDMAIL_TIMEOUT seconds.  Returns 0 when it exits 0, else -1
 * with err set.
 */
static int
notify_sendmail(struct ctx *ctx, const char *to, const char *msg, size_t len,
    char *err, size_t errsz)
{
	const char *prog = ctx->cfg.sendmail;
	const char *from = ctx->cfg.email_from;
	char *argv[8];
	int argc = 0, p[2], status = 0;

	argv[argc++] = (char *)"sendmail";
	argv[argc++] = (char *)"-i";
	if (from[0] != '\0') {
		argv[argc++] = (char *)"-f";
		argv[argc++] = (char *)from;
	}
	argv[argc++] = (char *)"--";
	argv[argc++] = (char *)to;
	argv[argc] = NULL;
	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, errsz, "sendmail: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errsz, "sendmail: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		dup2(p[0], STDIN_FILENO);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		close_range(3, ~0U, 0);
		signal(SIGPIPE, SIG_DFL);
		execv(prog, argv);
		_exit(127);
	}
	close(p[0]);
	/* A sendmail that exits early must not kill us with SIGPIPE. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	size_t off = 0;
	bool wrote = true;
	while (off < len) {
		ssize_t w = write(p[1], msg + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			wrote = false;
			break;
		}
		off += (size_t)w;
	}
	close(p[1]);
	sigaction(SIGPIPE, &old, NULL);

	pid_t r = 0;
	for (int ms = 0; ms < NOTIFY_SENDMAIL_TIMEOUT * 1000; ms += 10) {
		r = waitpid(pid, &status, WNOHANG);
		if (r != 0)
			break;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (r == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(err, errsz, "sendmail: no answer in %d seconds",
		    NOTIFY_SENDMAIL_TIMEOUT);
		return -1;
	}
	if (r < 0) {
		snprintf(err, errsz, "sendmail: wait: %s", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errsz, "sendmail %s with %d", WIFEXITED(status) ?
		    "exited" : "was killed by signal", WIFEXITED(status) ?
		    WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	if (!wrote) {
		snprintf(err, errsz, "sendmail did not read the message");
		return -1;
	}
	return 0;
}

/*
 * Task notify_email {"notification": id}: sends that notification to its
 * user's e-mail address through SENDMAIL.  Nothing to do (done) when the
 * notification is gone, SENDMAIL is no longer set, or the user is
 * inactive or has no usable address.  Returns 0, or -1 with err set (the
 * queue retries).
 */
int
notify_email_task(struct ctx *ctx, const cJSON *args, char *err,
    size_t errsz)
{
	long long id = notify_arg_id(args, "notification");
	char subject[600], hsub[2048], body[NOTIFY_MAIL_MAX];
	char msg[NOTIFY_MAIL_MAX + 4096], dec[2][DEC_BUFSZ];
	size_t blen = 0;
	db_stmt *st, *pt;

	if (id == 0) {
		snprintf(err, errsz, "notify_email: no \"notification\" id");
		return -1;
	}
	if (ctx->cfg.sendmail[0] == '\0')
		return 0;
	if ((st = db_prepare(ctx, notify_sql_mail)) == NULL ||
	    (pt = db_prepare(ctx, notify_sql_mail_part)) == NULL)
		return task_failed(err, errsz, "notify_email",
		    db_err(ctx, "notify_email"));
	st_bind_int64(st, 1, id);
	int rc = st_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		snprintf(err, errsz, "notify_email: %s",
		    db_errmsg(ctx));
		return -1;
	}
	const char *email = (const char *)st_column_text(st, 4);
	if (st_column_int(st, 5) == 0 || email[0] == '\0')
		return 0;
	if (!cfg_email_ok(email, false)) {
		log_msg(ctx, LOG_WARN, "notify_email: notification %lld: the "
		    "user's address is not one we send to", id);
		return 0;
	}
	char *to = mem_strdup(&ctx->mem, email);
	const char *name = (const char *)st_column_text(st, 0);
	snprintf(subject, sizeof(subject), "[%.100s] %.250s",
	    ctx->cfg.instance_name, name);
	notify_body(body, sizeof(body), &blen, "%s\n",
	    (const char *)st_column_text(st, 1));
	if (st_column_type(st, 3) != SQLITE_NULL &&
	    strcmp((const char *)st_column_text(st, 2), "part") == 0) {
		long long part = st_column_int64(st, 3);
		st_bind_int64(pt, 1, part);
		if (st_step(pt) == SQLITE_ROW) {
			const char *pn = (const char *)st_column_text(pt,
			    0);
			const char *ipn = (const char *)st_column_text(pt,
			    1);
			const char *rev = (const char *)st_column_text(pt,
			    2);
			snprintf(subject, sizeof(subject), "[%.100s] %.250s: "
			    "%.100s", ctx->cfg.instance_name, name, pn);
			notify_body(body, sizeof(body), &blen, "\nPart: %s%s%s"
			    "%s%s\n", ipn, ipn[0] ? " | " : "", pn,
			    rev[0] ? " | " : "", rev);
			notify_body(body, sizeof(body), &blen, "In stock: %s\n"
			    "Minimum stock: %s\n", dec_format(
			    st_column_int64(pt, 3), dec[0]), dec_format(
			    st_column_int64(pt, 4), dec[1]));
			if (ctx->cfg.site_url[0] != '\0')
				notify_body(body, sizeof(body), &blen,
				    "%s/part/%lld\n", ctx->cfg.site_url, part);
		}
		st_reset(pt);
	}
	st_reset(st);
	notify_body(body, sizeof(body), &blen, "\nYou receive this because "
	    "you subscribed to this part or its category in %s.\n",
	    ctx->cfg.instance_name);
	if (notify_header_value(subject, hsub, sizeof(hsub)) == 0) {
		snprintf(err, errsz, "notify_email: subject too long");
		return -1;
	}
	int n = snprintf(msg, sizeof(msg), "%s%s%sTo: %s\nSubject: %s\n"
	    "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\nAuto-Submitted: "
	    "auto-generated\n\n%s", ctx->cfg.email_from[0] ? "From: " : "",
	    ctx->cfg.email_from, ctx->cfg.email_from[0] ? "\n" : "", to, hsub,
	    body);
	if (n < 0 || (size_t)n >= sizeof(msg)) {
		snprintf(err, errsz, "notify_email: message too long");
		return -1;
	}
	if (notify_sendmail(ctx, to, msg, (size_t)n, err, errsz) != 0)
		return -1;
	log_msg(ctx, LOG_INFO, "notify_email: notification %lld sent", id);
	return 0;
}

/* ---- the API's rows --------------------------------------------------- */

/*
 * Roughly how long ago, as Django's naturaltime says it ("now", "a minute
 * ago", "3 hours ago", "2 days ago", ...), into buf.  Returns buf.
 */
const char *
notify_age_human(long long s, char *buf, size_t bufsz)
{
	static const struct {
		long long	 unit;
		const char	*one, *many;
	} units[] = {
		{ 365 * 86400LL, "a year ago", "years ago" },
		{ 30 * 86400LL, "a month ago", "months ago" },
		{ 7 * 86400LL, "a week ago", "weeks ago" },
		{ 86400, "a day ago", "days ago" },
		{ 3600, "an hour ago", "hours ago" },
		{ 60, "a minute ago", "minutes ago" },
		{ 1, "a second ago", "seconds ago" },
	};

	if (s <= 0) {
		snprintf(buf, bufsz, "now");
		return buf;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		long long n = s / units[i].unit;
		if (n == 0)
			continue;
		if (n == 1)
			snprintf(buf, bufsz, "%s", units[i].one);
		else
			snprintf(buf, bufsz, "%lld %s", n, units[i].many);
		return buf;
	}
	snprintf(buf, bufsz, "now");
	return buf;
}

/* ---- /api/notifications/ -------------------------------------------- */

/*
 * The object a notification is about, as JSON text, or NULL when it is
 * gone: its model, id and name (a part's full name, "IPN | name |
 * revision" as InvenTree's Part.full_name; the schema lets notifications
 * name parts only).  notify_render() adds the rest from the registry.
 */
#define NOTIFY_TARGET \
	"(SELECT json_object('model_type', n.target_model, 'model_id', p.id, " \
	"'name', CASE WHEN p.IPN <> '' THEN p.IPN || ' | ' ELSE '' END || " \
	"p.name || CASE WHEN p.revision <> '' THEN ' | ' || p.revision " \
	"ELSE '' END) FROM part p WHERE n.target_model = 'part' AND " \
	"p.id = n.target_id)"

enum { NF_TARGET, NF_SOURCE, NF_USER, NF_CATEGORY, NF_NAME, NF_MESSAGE,
	NF_CREATION, NF_AGE, NF_AGE_HUMAN, NF_READ };

static const struct field notify_fields[] = {
	[NF_TARGET] = { "target", FT_JSON, F_READ_ONLY | F_HOOK,
	    .col = NOTIFY_TARGET },
	[NF_SOURCE] = { "source", FT_JSON, F_READ_ONLY, .col = "NULL" },
	[NF_USER] = { "user", FT_ID, F_READ_ONLY, .col = "user_id",
	    .ref = &user_resource },
	[NF_CATEGORY] = { "category", FT_TEXT,
	    F_READ_ONLY | F_FILTER | F_ORDER, 100 },
	[NF_NAME] = { "name", FT_TEXT, F_READ_ONLY | F_ORDER, 250 },
	[NF_MESSAGE] = { "message", FT_TEXT, F_READ_ONLY, 2000 },
	[NF_CREATION] = { "creation", FT_DATETIME, F_READ_ONLY,
	    .col = "strftime('%Y-%m-%dT%H:%M:%SZ', n.creation, 'unixepoch')" },
	[NF_AGE] = { "age", FT_INT, F_READ_ONLY,
	    .col = "max(unixepoch() - n.creation, 0)",
	    .help = "Seconds since it was made" },
	[NF_AGE_HUMAN] = { "age_human", FT_TEXT, F_READ_ONLY | F_HOOK },
	[NF_READ] = { "read", FT_BOOL, F_REQUIRED | F_FILTER | F_ORDER },
};

/* By the stored time, not its text. */
static const struct res_order notify_orders[] = {
	{ "creation", "n.creation, n.id", "n.creation DESC, n.id DESC" },
};

/*
 * The target as InvenTree's NotificationMessageSerializer shows it --
 * {name, model_name, model_type, model_id, link} with the model's class
 * name and its page (under the install prefix) from the registry -- or
 * null when the object is gone.  No arena allocation (list.h).
 */
static cJSON *
notify_target(struct ctx *ctx, db_stmt *st)
{
	const char *s = (const char *)st_column_text(st,
	    res_col(&notification_resource, NF_TARGET));
	cJSON *j = s != NULL ? cJSON_Parse(s) : NULL, *t;
	const cJSON *mt = cJSON_GetObjectItemCaseSensitive(j, "model_type");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "model_id");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
	const struct resource *r;
	char link[2048];

	if (!cJSON_IsString(mt) || !cJSON_IsNumber(id) ||
	    !cJSON_IsString(name)) {
		cJSON_Delete(j);
		return cJSON_CreateNull();
	}
	r = model_find(mt->valuestring);
	model_page(link, sizeof(link), ctx->req.prefix, r,
	    (long long)id->valuedouble);
	if ((t = cJSON_CreateObject()) == NULL)
		mem_oom();
	cJSON_AddStringToObject(t, "name", name->valuestring);
	cJSON_AddStringToObject(t, "model_name", r != NULL ? r->name :
	    mt->valuestring);
	cJSON_AddStringToObject(t, "model_type", mt->valuestring);
	cJSON_AddNumberToObject(t, "model_id", id->valuedouble);
	cJSON_AddStringToObject(t, "link", link);
	cJSON_Delete(j);
	return t;
}

/*
 * The members a column cannot give: the target and the age in words.
 * (The source is null: Stockroom's notifications come from the system.)
 */
static void
notify_render(struct ctx *ctx, db_stmt *st, cJSON *o, void *view)
{
	char buf[64];

	(void)view;
	json_item(o, "target", notify_target(ctx, st));
	json_text(o, "age_human", notify_age_human(st_column_int64(st,
	    res_col(&notification_resource, NF_AGE)), buf, sizeof(buf)));
}

/* Every list and row: the user's own, nobody else's. */
static struct err *
notify_scope(struct ctx *ctx, struct list_q *q)
{
	list_where(q, " AND n.user_id = ?");
	list_bind_int(q, ctx->user_id);
	return NULL;
}

static const struct res_hooks notify_hooks = {
	.render = notify_render,
	.scope = notify_scope,
};

static struct res_sql notify_sql;

/*
 * The signed-in user's notifications: newest first, ?read=, ?category=;
 * PATCH (or PUT) {"read": true} marks one read; DELETE removes it.
 * Another user's is a 404, as one that does not exist.
 */
const struct resource notification_resource = {
	.model = "notificationmessage", .name = "NotificationMessage",
	.table = "notification", .alias = "n", .path = "/api/notifications/",
	.area = AREA_USER, .noun = "notification", .plural = "notifications",
	RES_FIELDS(notify_fields), RES_ORDERS(notify_orders),
	.order = "n.id DESC", .hooks = &notify_hooks, .flags = RES_NO_CREATE,
	.sql = &notify_sql,
};
