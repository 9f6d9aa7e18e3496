/*
 * upgrade: laying a new release over an install that is being served,
 * for hosts without make ('stockroom upgrade TREE', run from the unpacked
 * new release).  What `make install` does for a source checkout.
 *
 * In this order: the install's database is migrated with the new
 * release's migrations (so the new programs never meet a database behind
 * them); then every file of the release is copied into the install, each
 * written whole under a temporary name in its directory and renamed over
 * the old one (rename(2) is atomic), so a web server always starts or
 * sends a whole file, old or new: first everything but the programs, then
 * the programs (cgi-bin/), last the files that route to them
 * (.htaccess) and the page (index.html, keeping the <base href> the
 * install had: the prefix it is served under).  A FastCGI process whose
 * program is replaced becomes the new program in place (app.c).
 *
 * Never touched: the install's data directory (data/) and its
 * stockroom.conf.  Symbolic links in the release are refused, and no file
 * of the install is followed through a link.
 */
#ifndef SR_UPGRADE_H
#define SR_UPGRADE_H

#include <stddef.h>

struct cfg;

struct upgrade_report {
	int	 files;		/* files laid over the install */
	int	 migrated;	/* migrations applied to its database */
	int	 version;	/* its schema version after */
};

int	upgrade_run(const char *release, const char *install,
	    const struct cfg *install_cfg, struct upgrade_report *,
	    char *err, size_t errsz);

#endif
