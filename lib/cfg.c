/*
 * cfg: settings.  See cfg.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "pg.h"
#include "mem.h"
#include "text.h"

#define CFG_FILE_MAX	(64 * 1024)
#define CFG_OFF(f)	offsetof(struct cfg, f)

const char *const log_level_names[LOG__MAX] = {
	[LOG_ERROR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

const struct cfg_setting cfg_settings[] = {
	{ "DEBUG", CFG_BOOL, CFG_OFF(debug), "false", 0, 0,
	  "Adds internal detail to 500 errors and reports debug_mode in /api/. "
	  "Never on a public site." },
	{ "SECRET_KEY", CFG_STR, CFG_OFF(secret_key), "", 0, 0,
	  "Key for hashing session ids and API tokens. When empty, one is "
	  "generated on first use into DATA_DIR/secret_key (mode 0600)." },
	{ "DATA_DIR", CFG_STR, CFG_OFF(data_dir), NULL, 0, 0,
	  "Directory for the database, uploads and generated secrets; never "
	  "served. Default: data/ in the install root." },
	{ "DATABASE", CFG_STR, CFG_OFF(database), NULL, 0, 0,
	  "SQLite database file. Default: DATA_DIR/stockroom.sqlite3." },
	{ "DATABASE_URL", CFG_STR, CFG_OFF(database_url), "", 0, 0,
	  "Where the data is: sqlite:///absolute/path for a SQLite file (as "
	  "DATABASE), or postgresql://user@host/db (postgres:// too; libpq's "
	  "URI syntax) for PostgreSQL, which several web nodes can share "
	  "(docs/scale-out.md). Empty: DATABASE." },
	{ "CORS_ALLOWED_ORIGINS", CFG_STR, CFG_OFF(cors_allowed_origins), "",
	  0, 0,
	  "Comma-separated origins (https://app.example.org) allowed to call "
	  "the API from a browser; * allows any. Empty: none." },
	{ "MAX_BODY_SIZE", CFG_INT, CFG_OFF(max_body_size), "1048576",
	  1024, 1LL << 32,
	  "Largest request body accepted, in bytes; larger gets 413." },
	{ "LOG_LEVEL", CFG_LOGLEVEL, CFG_OFF(log_level), "info", 0, 0,
	  "error, warn, info (one line per request) or debug." },
	{ "LOG_FILE", CFG_STR, CFG_OFF(log_file), "", 0, 0,
	  "File to append log lines to. Empty: standard error, which the web "
	  "server keeps in its error log." },
	{ "SITE_URL", CFG_STR, CFG_OFF(site_url), "", 0, 0,
	  "Public URL of the install, e.g. https://example.org/stockroom. "
	  "Empty: taken from each request (Host and the path the programs are "
	  "reached under)." },
	{ "ALLOWED_HOSTS", CFG_HOSTS, CFG_OFF(allowed_hosts), "", 0, 0,
	  "Host names this install answers to, separated by commas or spaces "
	  "(as Django's): example.org; .example.org for it and every "
	  "subdomain; * for any. A request naming another Host gets 400. "
	  "Empty: every Host is served, but only a loopback name (localhost, "
	  "127.0.0.1, [::1]) goes into the URLs the API writes (next, "
	  "previous); under another, they are paths without the host. With "
	  "SITE_URL set the URLs come from it." },
	{ "AUTO_MIGRATE", CFG_BOOL, CFG_OFF(auto_migrate), "false", 0, 0,
	  "Apply pending database migrations on the first request that finds "
	  "them (for hosts without a shell). Otherwise such requests get 503." },
	{ "READ_TIMEOUT", CFG_INT, CFG_OFF(read_timeout), "30", 1, 3600,
	  "Seconds to wait for a request body before answering 408." },
	{ "INSTANCE_NAME", CFG_STR, CFG_OFF(instance_name), "Stockroom", 0, 0,
	  "Name of this server, shown in /api/ and the page title." },
	{ "SESSION_AGE", CFG_INT, CFG_OFF(session_age), "1209600", 300,
	  31536000,
	  "Seconds a browser session lasts after sign-in (default 14 days); "
	  "the server forgets it then, whatever the cookie says." },
	{ "TOKEN_AGE", CFG_INT, CFG_OFF(token_age), "365", 1, 3650,
	  "Days an API token from /api/user/token/ stays valid." },
	{ "LOGIN_MAX_FAILURES", CFG_INT, CFG_OFF(login_max_failures), "5", 1,
	  1000,
	  "Failed sign-ins allowed per username and per client address within "
	  "LOGIN_FAILURE_WINDOW; further attempts get 429 until it passes." },
	{ "LOGIN_FAILURE_WINDOW", CFG_INT, CFG_OFF(login_failure_window), "900",
	  10, 86400,
	  "Seconds over which failed sign-ins are counted (default 15 "
	  "minutes)." },
	{ "LOGIN_MAX_CONCURRENT", CFG_INT, CFG_OFF(login_max_concurrent), "4",
	  1, 1000,
	  "Password checks (scrypt: 16 MB and about 50 ms each) that may run "
	  "at once, over all processes; a sign-in beyond them gets 429 with "
	  "Retry-After: 1." },
	{ "PASSWORD_MIN_LENGTH", CFG_INT, CFG_OFF(password_min_length), "10",
	  8, 128,
	  "Fewest characters a new password may have." },
	{ "MAX_UPLOAD_SIZE", CFG_INT, CFG_OFF(max_upload_size), "26214400",
	  1024, 1LL << 40,
	  "Largest multipart/form-data (file upload) request accepted, in "
	  "bytes; larger gets 413." },
	{ "SENDMAIL", CFG_STR, CFG_OFF(sendmail), "", 0, 0,
	  "Absolute path of a sendmail program (e.g. /usr/sbin/sendmail) "
	  "through which notifications are also sent by e-mail to users who "
	  "have an address. Empty: no e-mail." },
	{ "EMAIL_FROM", CFG_STR, CFG_OFF(email_from), "", 0, 0,
	  "From address of notification e-mails. Empty: sendmail's default "
	  "(the account the worker runs as)." },
	{ "MEDIA_SENDFILE", CFG_STR, CFG_OFF(media_sendfile), "off", 0, 0,
	  "How /media/ files are sent: off (the program streams them), "
	  "lighttpd or apache (an X-Sendfile header for the server; needs "
	  "cgi.x-sendfile or mod_xsendfile)." },
	{ "FASTCGI_MAX_REQUESTS", CFG_INT, CFG_OFF(fastcgi_max_requests),
	  "0", 0, 1000000000,
	  "Under FastCGI, requests one program process serves before it "
	  "starts afresh (the same process and socket: the requests queued "
	  "for it are served); 0: no limit." },
	{ "TASK_AFTER_RESPONSE", CFG_BOOL, CFG_OFF(task_after_response),
	  "false", 0, 0,
	  "Let the programs run due background tasks in a detached process "
	  "after a request (at most once a minute), for hosts without cron. "
	  "With cron, run bin/worker --once every minute instead." },
	{ "PLUGINS_DIR", CFG_STR, CFG_OFF(plugins_dir), NULL, 0, 0,
	  "Directory of the installed plugins, one folder each "
	  "(docs/plugins.md); never inside DATA_DIR. Default: plugins/ in "
	  "the install root." },
	{ "HEALTH_QUICK_CHECK_MAX_MB", CFG_INT,
	  CFG_OFF(health_quick_check_max_mb), "4", 0, 1000000,
	  "/api/health/ reads every page of the database (PRAGMA quick_check, "
	  "about 8 ms per MB) while it is at most this many MB; 0: never. "
	  "Larger databases rely on requests and the integrity check of the "
	  "daily backup task to find damage." },
};
const size_t cfg_settings_count = sizeof(cfg_settings) / sizeof(cfg_settings[0]);

/* Looks NAME up in an environment array; NULL if absent. */
const char *
cfg_env(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* The characters of a host name or address in ALLOWED_HOSTS. */
#define CFG_HOST_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"0123456789.-:[]"

/* Is every entry of an ALLOWED_HOSTS list a host name, ".name" or "*"? */
static bool
cfg_hosts_ok(const char *list)
{
	while (*list != '\0') {
		list += strspn(list, ", ");
		size_t n = strcspn(list, ", ");
		if (n > 255 || (n > 0 && !(n == 1 && list[0] == '*') &&
		    strspn(list, CFG_HOST_CHARS) < n))
			return false;
		list += n;
	}
	return true;
}

static int
cfg_set(struct mem *m, struct cfg *c, const struct cfg_setting *s,
    const char *val, char *err, size_t errsz)
{
	void *field = (char *)c + s->offset;
	bool b;
	long long v;

	switch (s->type) {
	case CFG_BOOL:
		if (!txt_parse_bool(val, &b)) {
			snprintf(err, errsz, "%s: expected true or false", s->name);
			return -1;
		}
		*(bool *)field = b;
		break;
	case CFG_INT:
		if (!txt_parse_int64(val, s->min, s->max, &v)) {
			snprintf(err, errsz, "%s: expected a whole number from "
			    "%lld to %lld", s->name, s->min, s->max);
			return -1;
		}
		*(long long *)field = v;
		break;
	case CFG_LOGLEVEL:
		for (int i = 0; i < LOG__MAX; i++)
			if (strcasecmp(val, log_level_names[i]) == 0) {
				*(int *)field = i;
				return 0;
			}
		snprintf(err, errsz, "%s: expected error, warn, info or debug",
		    s->name);
		return -1;
	case CFG_HOSTS:
		if (!cfg_hosts_ok(val)) {
			snprintf(err, errsz, "%s: expected host names, .domain "
			    "or *, separated by commas or spaces", s->name);
			return -1;
		}
		/* FALLTHROUGH */
	case CFG_STR:
		*(const char **)field = mem_strdup(m, val);
		break;
	}
	return 0;
}

static const struct cfg_setting *
cfg_find(const char *name, size_t n)
{
	for (size_t i = 0; i < cfg_settings_count; i++)
		if (strlen(cfg_settings[i].name) == n &&
		    strncmp(cfg_settings[i].name, name, n) == 0)
			return &cfg_settings[i];
	return NULL;
}

/*
 * Reads the config file: lines of NAME = value; '#' starts a comment line;
 * a value may be wrapped in double quotes.  An unknown name or a bad value
 * is an error naming the line, so a typo never silently falls back.
 */
static int
cfg_read_file(struct mem *m, struct cfg *c, const char *path, char *err,
    size_t errsz)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	int lineno = 0;
	long total = 0;

	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errsz, "cannot read config file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	c->config_file = mem_strdup(m, path);
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);
		lineno++;
		total += (long)n;
		if (total > CFG_FILE_MAX || (n == sizeof(line) - 1 &&
		    line[n - 1] != '\n')) {
			snprintf(err, errsz, "%s:%d: file or line too long",
			    path, lineno);
			goto fail;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
		    line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		char *p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		if (!txt_utf8_valid(p, strlen(p), false)) {
			snprintf(err, errsz, "%s:%d: not valid text", path,
			    lineno);
			goto fail;
		}
		char *eq = strchr(p, '=');
		if (eq == NULL) {
			snprintf(err, errsz, "%s:%d: expected NAME = value",
			    path, lineno);
			goto fail;
		}
		char *ne = eq;
		while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
			ne--;
		const struct cfg_setting *s = cfg_find(p, (size_t)(ne - p));
		if (s == NULL) {
			snprintf(err, errsz, "%s:%d: unknown setting '%.*s'",
			    path, lineno, (int)(ne - p > 64 ? 64 : ne - p), p);
			goto fail;
		}
		char *v = eq + 1 + strspn(eq + 1, " \t");
		size_t vl = strlen(v);
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
			v[vl - 1] = '\0';
			v++;
		}
		char sub[512];
		if (cfg_set(m, c, s, v, sub, sizeof(sub)) != 0) {
			snprintf(err, errsz, "%s:%d: %s", path, lineno, sub);
			goto fail;
		}
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

/*
 * Is path dir or below it?  Compares the resolved paths when both exist
 * (a symbolic link into the data directory counts), else the texts.
 */
static bool
cfg_inside(const char *path, const char *dir)
{
	char rp[PATH_MAX], rd[PATH_MAX];

	if (realpath(path, rp) != NULL && realpath(dir, rd) != NULL) {
		path = rp;
		dir = rd;
	}
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' ||
	    path[n] == '/');
}

/*
 * Is s an e-mail address that is safe on a sendmail command line and in
 * a header: local@domain, at most 254 bytes, printable ASCII without
 * spaces, quotes, angle brackets, commas, semicolons, colons, brackets or
 * backslashes, not starting with '-'?  (Stricter than RFC 5322.)  Empty
 * is allowed when empty_ok.
 */
bool
cfg_email_ok(const char *s, bool empty_ok)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');

	if (n == 0)
		return empty_ok;
	if (n > 254 || s[0] == '-' || at == NULL || at == s ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 127 || strchr("\"<>(),;:\\[]", *p))
			return false;
	return true;
}

/*
 * Does host (a Host header's value: a name or an address, with an optional
 * :port; an IPv6 address in brackets) match an ALLOWED_HOSTS list?  An
 * entry matches the same name (case aside, a trailing dot ignored); one
 * starting with a dot, that name and every name under it; "*", any.  The
 * port, when there is one, must be digits, and is never compared.
 */
bool
cfg_host_allowed(const char *list, const char *host)
{
	size_t hn = host[0] == '[' ? strcspn(host, "]") + 1 :
	    strcspn(host, ":");

	const char *port = host + hn;

	if (hn > strlen(host) || (port[0] != '\0' && (port[0] != ':' ||
	    strlen(port) < 2 || strlen(port) > 6 ||
	    strspn(port + 1, "0123456789") != strlen(port + 1))))
		return false;
	if (hn > 1 && host[hn - 1] == '.')
		hn--;
	while (list != NULL && *list != '\0') {
		list += strspn(list, ", ");
		size_t n = strcspn(list, ", ");
		if (n == 1 && list[0] == '*')
			return true;
		if (n > 1 && list[0] == '.' && ((hn == n - 1 &&
		    strncasecmp(host, list + 1, hn) == 0) || (hn > n &&
		    strncasecmp(host + hn - n, list, n) == 0)))
			return true;
		if (n > 0 && n == hn && strncasecmp(host, list, n) == 0)
			return true;
		list += n;
	}
	return false;
}

/* Makes a relative path absolute against base. */
static const char *
cfg_abs(struct mem *m, const char *base, const char *p)
{
	if (p[0] == '/')
		return p;
	return mem_printf(m, "%s/%s", base, p);
}

/*
 * Fills c from defaults, the config file and the environment, in that order
 * of increasing precedence.  exe is the running program's path (used to find
 * the install root); when NULL, /proc/self/exe is read.  On error returns -1
 * with a message in err that names the setting, never its value.
 */
int
cfg_load(struct mem *m, char *const *envp, const char *exe, struct cfg *c,
    char *err, size_t errsz)
{
	char buf[PATH_MAX];
	const char *v;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < cfg_settings_count; i++) {
		const struct cfg_setting *s = &cfg_settings[i];
		if (s->def != NULL && cfg_set(m, c, s, s->def, err, errsz) != 0)
			return -1;
	}

	/* The install root: the parent of the program's directory. */
	if (exe == NULL) {
		ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
		if (n < 0) {
			snprintf(err, errsz, "cannot find the program's path");
			return -1;
		}
		buf[n] = '\0';
	} else if (realpath(exe, buf) == NULL) {
		snprintf(err, errsz, "cannot resolve program path");
		return -1;
	}
	char *slash = strrchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	slash = strrchr(buf, '/');
	if (slash != NULL && slash != buf)
		*slash = '\0';
	c->root_dir = mem_strdup(m, buf);

	v = cfg_env(envp, "STOCKROOM_CONFIG");
	const char *file = v != NULL && *v != '\0' ? v :
	    mem_printf(m, "%s/stockroom.conf", c->root_dir);
	if (cfg_read_file(m, c, file, err, errsz) != 0)
		return -1;

	/* The environment's STOCKROOM_<setting>s, in one pass over it (the
	 * first of a name counts, as getenv()'s): a FastCGI request brings
	 * its own environment, and a name made and looked for per setting
	 * was a fifth of a part's detail. */
	static const char prefix[] = "STOCKROOM_";
	unsigned char seen[(sizeof(cfg_settings) / sizeof(cfg_settings[0]) +
	    7) / 8] = { 0 };
	for (char *const *e = envp; e != NULL && *e != NULL; e++) {
		if (strncmp(*e, prefix, sizeof(prefix) - 1) != 0)
			continue;
		const char *name = *e + sizeof(prefix) - 1;
		size_t n = strcspn(name, "=");
		if (name[n] != '=')
			continue;
		const struct cfg_setting *s = cfg_find(name, n);
		if (s == NULL)
			continue;
		size_t i = (size_t)(s - cfg_settings);
		if (seen[i / 8] & (1U << (i % 8)))
			continue;
		seen[i / 8] |= (unsigned char)(1U << (i % 8));
		char sub[512];
		if (cfg_set(m, c, s, name + n + 1, sub, sizeof(sub)) != 0) {
			snprintf(err, errsz, "environment %s", sub);
			return -1;
		}
	}

	if (c->data_dir == NULL || c->data_dir[0] == '\0')
		c->data_dir = mem_printf(m, "%s/data", c->root_dir);
	c->data_dir = cfg_abs(m, c->root_dir, c->data_dir);
	c->pg_url = NULL;
	if (c->database_url[0] != '\0') {
		if (strncmp(c->database_url, "sqlite:///", 10) == 0)
			c->database = c->database_url + 9;
		else if (pg_url(c->database_url))
			c->pg_url = c->database_url;
		else {
			/* never echoed: it may hold a password */
			snprintf(err, errsz, "DATABASE_URL: must start with "
			    "sqlite:///, postgresql:// or postgres://");
			return -1;
		}
	}
	if (c->database == NULL || c->database[0] == '\0')
		c->database = mem_printf(m, "%s/stockroom.sqlite3", c->data_dir);
	c->database = cfg_abs(m, c->data_dir, c->database);
	if (c->log_file[0] != '\0')
		c->log_file = cfg_abs(m, c->data_dir, c->log_file);
	if (c->plugins_dir == NULL || c->plugins_dir[0] == '\0')
		c->plugins_dir = mem_printf(m, "%s/plugins", c->root_dir);
	c->plugins_dir = cfg_abs(m, c->root_dir, c->plugins_dir);
	if (cfg_inside(c->plugins_dir, c->data_dir)) {
		snprintf(err, errsz, "PLUGINS_DIR: must not be inside "
		    "DATA_DIR (nothing is run from the data directory)");
		return -1;
	}
	if (c->sendmail[0] != '\0' && c->sendmail[0] != '/') {
		snprintf(err, errsz, "SENDMAIL: must be an absolute path");
		return -1;
	}
	if (!cfg_email_ok(c->email_from, true)) {
		snprintf(err, errsz, "EMAIL_FROM: not an e-mail address");
		return -1;
	}
	return 0;
}

/*
 * Returns SECRET_KEY, or the key kept in DATA_DIR/secret_key, creating that
 * file (mode 0600, 256 random bits as hex) the first time.  Returns NULL with
 * a message in err when neither works.
 */
const char *
cfg_secret_key(struct mem *m, struct cfg *c, char *err, size_t errsz)
{
	char key[65];
	const char *path;
	int fd;

	if (c->secret_key != NULL && c->secret_key[0] != '\0')
		return c->secret_key;
	path = mem_printf(m, "%s/secret_key", c->data_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		if (rnd_hex(key, 32) != 0) {
			snprintf(err, errsz, "no random numbers available");
			return NULL;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (fd >= 0) {
			ssize_t w = write(fd, key, 64);
			if (w != 64 || fsync(fd) != 0) {
				close(fd);
				unlink(path);
				snprintf(err, errsz, "cannot write %s", path);
				return NULL;
			}
			close(fd);
			c->secret_key = mem_strdup(m, key);
			return c->secret_key;
		}
		if (errno != EEXIST) {
			snprintf(err, errsz, "cannot create %s: %s", path,
			    strerror(errno));
			return NULL;
		}
		/* Another process created it first: read theirs. */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0) {
		snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	ssize_t n = read(fd, key, 64);
	close(fd);
	if (n != 64) {
		snprintf(err, errsz, "%s is not a 64-digit key", path);
		return NULL;
	}
	key[64] = '\0';
	c->secret_key = mem_strdup(m, key);
	return c->secret_key;
}
