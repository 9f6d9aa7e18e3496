/*
 * fuzz_cfg: the settings file parser (cfg_load and cfg_read_file in
 * lib/cfg.c).  Input: the whole file, written to a temporary file that
 * STOCKROOM_CONFIG names.  Checks that a load either fails with a
 * terminated message or gives settings within their documented bounds and
 * absolute paths.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stockroom.h"

static char cfg_path[64];
static char cfg_env_var[96];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(cfg_path, sizeof(cfg_path), "/tmp/fuzz_cfg.%ld.conf",
	    (long)getpid());
	snprintf(cfg_env_var, sizeof(cfg_env_var), "STOCKROOM_CONFIG=%s",
	    cfg_path);
	return 0;
}

static void
cfg_path_remove(void)
{
	unlink(cfg_path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int registered;
	char *const envp[] = { cfg_env_var, NULL };
	char err[512];
	struct mem m = { 0 };
	struct cfg c;

	if (!registered) {
		atexit(cfg_path_remove);
		registered = 1;
	}
	int fd = open(cfg_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);

	memset(err, 'X', sizeof(err));
	if (cfg_load(&m, envp, NULL, &c, err, sizeof(err)) != 0) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();
	} else {
		const struct cfg_setting *mb = NULL;
		for (size_t i = 0; i < cfg_settings_count; i++)
			if (strcmp(cfg_settings[i].name, "MAX_BODY_SIZE") == 0)
				mb = &cfg_settings[i];
		if (mb == NULL || c.max_body_size < mb->min ||
		    c.max_body_size > mb->max)
			abort();
		if (c.log_level < 0 || c.log_level >= LOG__MAX)
			abort();
		if (c.data_dir[0] != '/' || c.database[0] != '/')
			abort();
		if (c.config_file == NULL || strcmp(c.config_file, cfg_path))
			abort();
	}
	mem_free(&m);
	return 0;
}
