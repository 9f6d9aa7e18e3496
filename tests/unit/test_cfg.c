/* Unit tests for lib/cfg.c: defaults < config file < environment. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "mem.h"
#include "t.h"

static char dir[] = "/tmp/sr-cfg-XXXXXX";
static char file[256];

static void
write_file(const char *text)
{
	FILE *f = fopen(file, "w");
	fputs(text, f);
	fclose(f);
}

static int
load(char **env, struct cfg *c, char *err)
{
	static struct mem m;
	mem_free(&m);
	return cfg_load(&m, env, "/proc/self/exe", c, err, 256);
}

static void
defaults(void)
{
	char cf[300], err[256];
	struct cfg c;
	snprintf(cf, sizeof(cf), "STOCKROOM_CONFIG=%s/absent.conf", dir);
	char *env[] = { cf, NULL };
	CHECK(load(env, &c, err) == 0);
	CHECK(!c.debug && !c.auto_migrate);
	CHECK(c.max_body_size == 1048576);
	CHECK(c.log_level == LOG_INFO);
	CHECK(c.read_timeout == 30);
	CHECK(strcmp(c.instance_name, "Stockroom") == 0);
	CHECK(c.config_file == NULL);
	/* DATA_DIR defaults to data/ in the install root. */
	CHECK(strncmp(c.data_dir, c.root_dir, strlen(c.root_dir)) == 0);
	CHECK(strstr(c.database, "/stockroom.sqlite3") != NULL);
}

static void
file_then_environment(void)
{
	char cf[300], err[256];
	struct cfg c;
	write_file("# comment\n\nDEBUG = true\nMAX_BODY_SIZE=4096\n"
	    "INSTANCE_NAME = \"Lab stores\"\nDATA_DIR = rel/data\n"
	    "LOG_LEVEL = debug\n");
	snprintf(cf, sizeof(cf), "STOCKROOM_CONFIG=%s", file);
	char mb[] = "STOCKROOM_MAX_BODY_SIZE=2048";
	char *env[] = { cf, mb, NULL };
	CHECK(load(env, &c, err) == 0);
	CHECK(c.debug);
	CHECK(c.max_body_size == 2048);		/* environment wins */
	CHECK(strcmp(c.instance_name, "Lab stores") == 0);
	CHECK(c.log_level == LOG_DEBUG);
	CHECK(c.data_dir[0] == '/');		/* made absolute */
	CHECK(strstr(c.data_dir, "/rel/data") != NULL);
	CHECK(c.config_file != NULL);
}

/* The first of a name counts (as getenv()'s); names that only begin
 * like a setting's, other variables and entries without '=' are not
 * settings. */
static void
environment_names(void)
{
	char cf[300], err[256];
	struct cfg c;
	snprintf(cf, sizeof(cf), "STOCKROOM_CONFIG=%s/absent.conf", dir);
	char a[] = "STOCKROOM_MAX_BODY_SIZE=4096";
	char b[] = "STOCKROOM_MAX_BODY_SIZE=lots";	/* second: unread */
	char d[] = "STOCKROOM_DEBUGGING=true";
	char e[] = "STOCKROOM_DEBUG";
	char f[] = "XSTOCKROOM_DEBUG=true";
	char g[] = "STOCKROOM_INSTANCE_NAME=Back room";
	char *env[] = { cf, a, b, d, e, f, g, NULL };
	CHECK(load(env, &c, err) == 0);
	CHECK(c.max_body_size == 4096);
	CHECK(!c.debug);
	CHECK(strcmp(c.instance_name, "Back room") == 0);
	char *env2[] = { cf, b, a, NULL };
	CHECK(load(env2, &c, err) != 0);
	CHECK(strstr(err, "environment MAX_BODY_SIZE") != NULL);
}

static void
rejects_bad_files(void)
{
	static const char *const bad[] = {
		"NO_SUCH_SETTING = 1\n",
		"DEBUG = perhaps\n",
		"MAX_BODY_SIZE = 12\n",			/* below minimum */
		"MAX_BODY_SIZE = lots\n",
		"LOG_LEVEL = loud\n",
		"just words\n",
		"INSTANCE_NAME = \x01\n",
		"ALLOWED_HOSTS = example.org, https://example.org\n",
		"ALLOWED_HOSTS = exa<mple>.org\n",
	};
	char cf[300], err[256];
	struct cfg c;
	snprintf(cf, sizeof(cf), "STOCKROOM_CONFIG=%s", file);
	char *env[] = { cf, NULL };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(bad[i]);
		CHECK(load(env, &c, err) != 0);
		CHECK(strstr(err, ":1:") != NULL);	/* names the line */
	}
	write_file("SECRET_KEY = hunter2-hunter2\nDEBUG = nope\n");
	CHECK(load(env, &c, err) != 0);
	CHECK(strstr(err, "hunter2") == NULL);		/* never the value */
}

static void
rejects_bad_environment(void)
{
	char cf[300], err[256];
	struct cfg c;
	snprintf(cf, sizeof(cf), "STOCKROOM_CONFIG=%s/absent.conf", dir);
	char rt[] = "STOCKROOM_READ_TIMEOUT=0";
	char *env[] = { cf, rt, NULL };
	CHECK(load(env, &c, err) != 0);
	CHECK(strstr(err, "READ_TIMEOUT") != NULL);
}

static void
secret_key_generated_once(void)
{
	char cf[300], dd[300], err[256];
	struct cfg c;
	struct mem m = { 0 };
	struct stat st;
	snprintf(cf, sizeof(cf), "STOCKROOM_CONFIG=%s/absent.conf", dir);
	snprintf(dd, sizeof(dd), "STOCKROOM_DATA_DIR=%s", dir);
	char *env[] = { cf, dd, NULL };
	CHECK(load(env, &c, err) == 0);
	const char *k1 = cfg_secret_key(&m, &c, err, sizeof(err));
	CHECK(k1 != NULL && strlen(k1) == 64);
	char path[300];
	snprintf(path, sizeof(path), "%s/secret_key", dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(load(env, &c, err) == 0);
	const char *k2 = cfg_secret_key(&m, &c, err, sizeof(err));
	CHECK(k2 != NULL && strcmp(k1, k2) == 0);
	mem_free(&m);
}

static void
allowed_hosts(void)
{
	const char *list = "example.org, .shop.example.net [::1]";

	CHECK(cfg_host_allowed(list, "example.org"));
	CHECK(cfg_host_allowed(list, "EXAMPLE.org:8080"));
	CHECK(cfg_host_allowed(list, "example.org."));	/* trailing dot */
	CHECK(!cfg_host_allowed(list, "www.example.org"));
	CHECK(!cfg_host_allowed(list, "example.org.evil.test"));
	CHECK(!cfg_host_allowed(list, "evilexample.org"));
	CHECK(cfg_host_allowed(list, "shop.example.net"));
	CHECK(cfg_host_allowed(list, "a.b.shop.example.net:443"));
	CHECK(!cfg_host_allowed(list, "evilshop.example.net"));
	CHECK(!cfg_host_allowed(list, "example.net"));
	CHECK(cfg_host_allowed(list, "[::1]:8080"));
	CHECK(!cfg_host_allowed(list, "[::1"));
	/* A port must be digits. */
	CHECK(!cfg_host_allowed(list, "example.org:80:90"));
	CHECK(!cfg_host_allowed(list, "example.org:"));
	CHECK(!cfg_host_allowed(list, "example.org:http"));
	CHECK(!cfg_host_allowed(list, ""));
	CHECK(!cfg_host_allowed("", "example.org"));
	CHECK(cfg_host_allowed("*", "anything.test:1"));
	CHECK(cfg_host_allowed(" a.test ,, b.test ", "b.test"));
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(file, sizeof(file), "%s/stockroom.conf", dir);
	RUN(defaults);
	RUN(file_then_environment);
	RUN(environment_names);
	RUN(rejects_bad_files);
	RUN(rejects_bad_environment);
	RUN(secret_key_generated_once);
	RUN(allowed_hosts);
	unlink(file);
	char path[300];
	snprintf(path, sizeof(path), "%s/secret_key", dir);
	unlink(path);
	rmdir(dir);
	return DONE();
}
