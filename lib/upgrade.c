/*
 * upgrade: laying a new release over a served install.  See upgrade.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "db.h"
#include "upgrade.h"

#define UPGRADE_FILES_MAX	4096
#define UPGRADE_PAGE_MAX	(256 * 1024)	/* largest index.html handled */

struct upgrade_list {
	char	*path[UPGRADE_FILES_MAX];	/* relative, malloc'd */
	mode_t	 mode[UPGRADE_FILES_MAX];
	int	 n;
};

/* a/b into out; -1 (with the reason in err) when it does not fit. */
static int
upgrade_join(char *out, size_t outsz, const char *a, const char *b,
    char *err, size_t errsz)
{
	int n = snprintf(out, outsz, "%s/%s", a, b);

	if (n < 0 || (size_t)n >= outsz) {
		snprintf(err, errsz, "%.200s/%.200s: path too long", a, b);
		return -1;
	}
	return 0;
}

/* Names of the release's top level that are the install's own. */
static bool
upgrade_skipped(const char *rel)
{
	return strcmp(rel, "data") == 0 || strcmp(rel, "stockroom.conf") == 0;
}

/*
 * Lists the regular files under root/rel (rel "" for root itself) into l,
 * depth first.  Symbolic links and other kinds of file are refused.
 */
static int
upgrade_walk(const char *root, const char *rel, struct upgrade_list *l,
    char *err, size_t errsz)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (upgrade_join(dir, sizeof(dir), root, rel, err, errsz) != 0)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char sub[PATH_MAX], full[PATH_MAX];
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (rel[0] == '\0')
			snprintf(sub, sizeof(sub), "%s", e->d_name);
		else if (upgrade_join(sub, sizeof(sub), rel, e->d_name, err,
		    errsz) != 0) {
			rc = -1;
			break;
		}
		if (rel[0] == '\0' && upgrade_skipped(sub))
			continue;
		if (upgrade_join(full, sizeof(full), root, sub, err, errsz) !=
		    0)
			rc = -1;
		else if (lstat(full, &st) != 0) {
			snprintf(err, errsz, "%s: %s", full, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode))
			rc = upgrade_walk(root, sub, l, err, errsz);
		else if (!S_ISREG(st.st_mode)) {
			snprintf(err, errsz, "%s: not a regular file (a link?): "
			    "the release must hold files only", full);
			rc = -1;
		} else if (l->n >= UPGRADE_FILES_MAX) {
			snprintf(err, errsz, "more than %d files in the release",
			    UPGRADE_FILES_MAX);
			rc = -1;
		} else {
			l->mode[l->n] = st.st_mode & 0755;
			if ((l->path[l->n] = strdup(sub)) == NULL) {
				snprintf(err, errsz, "out of memory");
				rc = -1;
			} else
				l->n++;
		}
	}
	closedir(d);
	return rc;
}

/* 0 files and directories first, 1 the programs, 2 what routes to them. */
static int
upgrade_phase(const char *rel)
{
	if (strcmp(rel, ".htaccess") == 0 || strcmp(rel, "index.html") == 0 ||
	    strcmp(rel, "cgi-bin/.htaccess") == 0)
		return 2;
	return strncmp(rel, "cgi-bin/", 8) == 0 ? 1 : 0;
}

/* Makes the directories of rel under root (mode 0755). */
static int
upgrade_mkdirs(const char *root, const char *rel, char *err, size_t errsz)
{
	char p[PATH_MAX];
	struct stat st;

	if (upgrade_join(p, sizeof(p), root, rel, err, errsz) != 0)
		return -1;
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')) != NULL;
	    s++) {
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errsz, "mkdir %s: %s", p, strerror(errno));
			return -1;
		}
		if (lstat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
			snprintf(err, errsz, "%s is not a directory", p);
			return -1;
		}
		*s = '/';
	}
	return 0;
}

/*
 * Writes len bytes of buf (or, buf NULL, all of the file in) into
 * root/rel with mode: whole, under a temporary name, then renamed over
 * the old file.
 */
static int
upgrade_put(const char *root, const char *rel, mode_t mode, int in,
    const char *buf, size_t len, char *err, size_t errsz)
{
	char dst[PATH_MAX], tmp[PATH_MAX + 32], chunk[65536];
	const char *slash = strrchr(rel, '/');
	ssize_t n;

	if (upgrade_join(dst, sizeof(dst), root, rel, err, errsz) != 0)
		return -1;
	int tn = snprintf(tmp, sizeof(tmp), "%s/%.*s%s.%s.upgrade-%ld", root,
	    slash ? (int)(slash - rel) : 0, rel, slash ? "/" : "",
	    slash ? slash + 1 : rel, (long)getpid());
	if (tn < 0 || (size_t)tn >= sizeof(tmp)) {
		snprintf(err, errsz, "%.300s: path too long", dst);
		return -1;
	}
	int out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	if (out < 0) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	bool ok = fchmod(out, mode) == 0;
	if (buf != NULL)
		ok = ok && write(out, buf, len) == (ssize_t)len;
	else
		while (ok && (n = read(in, chunk, sizeof(chunk))) != 0)
			ok = n > 0 && write(out, chunk, (size_t)n) == n;
	ok = fsync(out) == 0 && ok;
	ok = close(out) == 0 && ok;
	if (!ok || rename(tmp, dst) != 0) {
		snprintf(err, errsz, "%s: %s", dst, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The value of the first <base href="..."> in text, into out ("" none). */
static void
upgrade_base(const char *text, char *out, size_t outsz)
{
	const char *p = strstr(text, "<base href=\"");
	const char *q = p != NULL ? strchr(p + 12, '"') : NULL;

	out[0] = '\0';
	if (q != NULL && (size_t)(q - p - 12) < outsz)
		snprintf(out, outsz, "%.*s", (int)(q - p - 12), p + 12);
}

/* Reads a small file whole into buf (NUL-terminated); its length or -1. */
static ssize_t
upgrade_slurp(int fd, char *buf, size_t bufsz)
{
	size_t len = 0;
	ssize_t n;

	while ((n = read(fd, buf + len, bufsz - 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0 || len == bufsz - 1)
		return -1;
	buf[len] = '\0';
	return (ssize_t)len;
}

/*
 * The release's index.html as the install had it served: with the
 * install's <base href> (its URL prefix).  Into root/index.html.
 */
static int
upgrade_page(const char *release, const char *install, int in, mode_t mode,
    char *err, size_t errsz)
{
	static char page[UPGRADE_PAGE_MAX], old[UPGRADE_PAGE_MAX];
	char want[512], have[512], path[PATH_MAX];
	ssize_t len = upgrade_slurp(in, page, sizeof(page));

	if (len < 0) {
		snprintf(err, errsz, "%s/index.html: cannot read it", release);
		return -1;
	}
	if (upgrade_join(path, sizeof(path), install, "index.html", err,
	    errsz) != 0)
		return -1;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t ol = upgrade_slurp(fd, old, sizeof(old));
		close(fd);
		upgrade_base(ol >= 0 ? old : "", want, sizeof(want));
		upgrade_base(page, have, sizeof(have));
		char *at = strstr(page, "<base href=\"");
		if (want[0] != '\0' && have[0] != '\0' && at != NULL &&
		    strcmp(want, have) != 0 &&
		    strspn(want, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
		    "vwxyz0123456789/._~-") == strlen(want)) {
			static char out[UPGRADE_PAGE_MAX + 512];
			snprintf(out, sizeof(out), "%.*s<base href=\"%s%s",
			    (int)(at - page), page, want,
			    at + 12 + strlen(have));
			return upgrade_put(install, "index.html", mode, -1, out,
			    strlen(out), err, errsz);
		}
	}
	return upgrade_put(install, "index.html", mode, -1, page, (size_t)len,
	    err, errsz);
}

/* Applies the release's migrations to the install's database, if any. */
static int
upgrade_migrate(const struct cfg *c, struct upgrade_report *rep, char *err,
    size_t errsz)
{
	char msg[512];
	sqlite3 *db;

	if (access(c->database, F_OK) != 0)
		return 0;	/* the first request makes it (AUTO_MIGRATE) */
	if (db_check_data_dir(c->data_dir, false, msg, sizeof(msg)) != 0 ||
	    db_connect(c->database, &db, msg, sizeof(msg)) != 0) {
		snprintf(err, errsz, "%s: %s", c->database, msg);
		return -1;
	}
	int rc = db_migrate(db, &rep->migrated, msg, sizeof(msg));
	rep->version = db_schema_version(db);
	sqlite3_close_v2(db);
	if (rc != 0) {
		snprintf(err, errsz, "%s: %s", c->database, msg);
		return -1;
	}
	if (rep->version > db_latest_version()) {
		snprintf(err, errsz, "%s: its schema (version %d) is newer than "
		    "this release's (%d): this is not an upgrade", c->database,
		    rep->version, db_latest_version());
		return -1;
	}
	return 0;
}

/* Lays the release over the install (upgrade.h).  0, or -1 with err. */
int
upgrade_run(const char *release, const char *install,
    const struct cfg *install_cfg, struct upgrade_report *rep, char *err,
    size_t errsz)
{
	static struct upgrade_list l;
	char rr[PATH_MAX], ir[PATH_MAX], p[PATH_MAX];
	struct stat st;
	int rc = -1;

	memset(rep, 0, sizeof(*rep));
	if (realpath(release, rr) == NULL || realpath(install, ir) == NULL) {
		snprintf(err, errsz, "%s: %s", install, strerror(errno));
		return -1;
	}
	if (strcmp(rr, ir) == 0) {
		snprintf(err, errsz, "the release and the install are the same "
		    "directory: run the tool of the new release, naming the "
		    "install");
		return -1;
	}
	if (upgrade_join(p, sizeof(p), ir, "cgi-bin", err, errsz) != 0)
		return -1;
	if (lstat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "%s has no cgi-bin/: not a Stockroom "
		    "install", ir);
		return -1;
	}
	l.n = 0;
	if (upgrade_walk(rr, "", &l, err, errsz) != 0 ||
	    upgrade_migrate(install_cfg, rep, err, errsz) != 0)
		goto out;
	for (int phase = 0; phase < 3; phase++)
		for (int i = 0; i < l.n; i++) {
			if (upgrade_phase(l.path[i]) != phase)
				continue;
			if (upgrade_join(p, sizeof(p), rr, l.path[i], err,
			    errsz) != 0)
				goto out;
			int in = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (in < 0) {
				snprintf(err, errsz, "%s: %s", p,
				    strerror(errno));
				goto out;
			}
			int r = upgrade_mkdirs(ir, l.path[i], err, errsz);
			if (r == 0 && strcmp(l.path[i], "index.html") == 0)
				r = upgrade_page(rr, ir, in, l.mode[i], err,
				    errsz);
			else if (r == 0)
				r = upgrade_put(ir, l.path[i], l.mode[i], in,
				    NULL, 0, err, errsz);
			close(in);
			if (r != 0)
				goto out;
			rep->files++;
		}
	rc = 0;
out:
	for (int i = 0; i < l.n; i++)
		free(l.path[i]);
	l.n = 0;
	return rc;
}
