/*
 * cfg: settings, from the environment, then a config file, then defaults.
 *
 * The one table of settings is cfg_settings[] in cfg.c; the README's
 * configuration reference is checked against it by the tests.  An
 * environment variable STOCKROOM_<NAME> overrides the file's NAME = value,
 * which overrides the built-in default.  The file is $STOCKROOM_CONFIG, or
 * stockroom.conf in the install root (the parent of the directory holding
 * the running program), so it is found under suEXEC, which drops SetEnv.
 *
 * This module never writes a setting's value to a log: SECRET_KEY is among
 * them.
 */
#ifndef SR_CFG_H
#define SR_CFG_H

#include <stdbool.h>
#include <stddef.h>

struct mem;

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG__MAX };

struct cfg {
	bool		 debug;
	const char	*secret_key;
	const char	*data_dir;
	const char	*database;	/* SQLite's file */
	const char	*database_url;	/* "" or as set */
	const char	*pg_url;	/* PostgreSQL's, or NULL for SQLite */
	const char	*cors_allowed_origins;
	long long	 max_body_size;
	int		 log_level;	/* enum log_level */
	const char	*log_file;
	const char	*site_url;
	const char	*allowed_hosts;	/* "" when not set */
	bool		 auto_migrate;
	long long	 read_timeout;
	const char	*instance_name;
	const char	*sendmail;	/* program path, or "" for no e-mail */
	const char	*email_from;
	long long	 session_age;		/* seconds */
	long long	 token_age;		/* days */
	long long	 login_max_failures;
	long long	 login_failure_window;	/* seconds */
	long long	 login_max_concurrent;	/* password checks at once */
	long long	 password_min_length;
	long long	 max_upload_size;
	const char	*media_sendfile;	/* off, lighttpd or apache */
	bool		 task_after_response;
	long long	 health_quick_check_max_mb;
	long long	 fastcgi_max_requests;
	const char	*plugins_dir;	/* absolute, never in data_dir */
	/* Derived, not settings: */
	const char	*root_dir;	/* install root */
	const char	*config_file;	/* the file read, or NULL */
};

/* CFG_HOSTS: a list of host names, checked as ALLOWED_HOSTS wants. */
enum cfg_type { CFG_BOOL, CFG_INT, CFG_STR, CFG_LOGLEVEL, CFG_HOSTS };

struct cfg_setting {
	const char	*name;
	enum cfg_type	 type;
	size_t		 offset;
	const char	*def;		/* default, as text; NULL: derived */
	long long	 min, max;	/* CFG_INT bounds */
	const char	*help;
};

extern const struct cfg_setting cfg_settings[];
extern const size_t cfg_settings_count;
extern const char *const log_level_names[LOG__MAX];

int	 cfg_load(struct mem *, char *const *envp, const char *exe,
	    struct cfg *, char *err, size_t errsz);
const char *cfg_env(char *const *envp, const char *name);
bool	 cfg_email_ok(const char *, bool empty_ok);
bool	 cfg_host_allowed(const char *list, const char *host);
const char *cfg_secret_key(struct mem *, struct cfg *, char *, size_t);

#endif
