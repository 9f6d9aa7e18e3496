/*
 * fuzz_multipart: mp_parse() (lib/multipart.c), the multipart/form-data
 * body parser, with file parts written to a private temporary directory.
 *
 * Input: one control byte, then the body.  The low 6 bits of the control
 * byte choose how many bytes each read gives (0: as many as asked, else
 * that many, so windows end at odd places); bit 6 takes the Content-Type
 * from the body's first line (up to '\n') instead of the fixed one with
 * boundary "XyZ"; bit 7 sets a text cap of 16 bytes.  Checks that the
 * parser either succeeds with valid-text fields and files whose size
 * matches what is on disk, or fails with a 400 or 413 error (err.h) that
 * it has not written into the response, with no file left; and that no
 * temporary file survives the end of the request.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stockroom.h"
#include "multipart.h"

static char fuzz_dir[] = "/tmp/sr-fuzz-mp-XXXXXX";
static char fuzz_tmp[64];

struct src {
	const uint8_t	*s;
	size_t		 len, off, chunk;
};

static ssize_t
src_read(void *arg, char *buf, size_t len, struct err **e)
{
	struct src *src = arg;
	size_t n = src->len - src->off;

	(void)e;
	if (n > len)
		n = len;
	if (src->chunk > 0 && n > src->chunk)
		n = src->chunk;
	memcpy(buf, src->s + src->off, n);
	src->off += n;
	return (ssize_t)n;
}

static int
tmp_count(void)
{
	int n = 0;
	DIR *d = opendir(fuzz_tmp);

	if (d == NULL)
		return 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
check_fields(const cJSON *o)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, o) {
		if (v->string != NULL &&
		    !txt_utf8_valid(v->string, strlen(v->string), false))
			abort();
		if (cJSON_IsArray(v))
			check_fields(v);
		else if (!cJSON_IsString(v) || !txt_utf8_valid(v->valuestring,
		    strlen(v->valuestring), true))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct req_file files[MP_FILES_MAX];
	struct ctx ctx;
	size_t nfiles = 99;
	char ctype[256] = "multipart/form-data; boundary=XyZ";

	if (!ready) {
		if (mkdtemp(fuzz_dir) == NULL)
			abort();
		snprintf(fuzz_tmp, sizeof(fuzz_tmp), "%s/tmp", fuzz_dir);
		ready = true;
	}
	if (size < 1)
		return 0;
	uint8_t ctl = data[0];
	data++, size--;
	if (ctl & 0x40) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl != NULL ? (size_t)(nl - data) : size;
		if (n >= sizeof(ctype))
			n = sizeof(ctype) - 1;
		memcpy(ctype, data, n);
		ctype[n] = '\0';
		ctype[strnlen(ctype, n)] = '\0';
		size_t skip = nl != NULL ? (size_t)(nl - data) + 1 : size;
		data += skip, size -= skip;
	}
	/* A heap copy of exactly the body, so reading past it is caught. */
	uint8_t *body = malloc(size ? size : 1);
	memcpy(body, data, size);
	struct src src = { body, size, 0, ctl & 0x3f };

	ctx_init(&ctx, NULL, NULL, NULL, NULL);
	ctx.cfg.data_dir = fuzz_dir;
	ctx.cfg.log_file = "/dev/null";
	ctx.cfg.log_level = LOG_ERROR;
	ctx.cfg_ok = true;
	ctx.cfg.max_body_size = (ctl & 0x80) ? 16 : 1 << 20;
	cJSON *fields = cJSON_CreateObject();
	struct err *e = mp_parse(&ctx, ctype, src_read, &src,
	    (size_t)ctx.cfg.max_body_size, fields, files, &nfiles);
	if (e == NULL) {
		if (nfiles > MP_FILES_MAX || ctx.resp.status != 0)
			abort();
		check_fields(fields);
		for (size_t i = 0; i < nfiles; i++) {
			struct stat sb;
			if (files[i].path == NULL ||
			    stat(files[i].path, &sb) != 0 ||
			    sb.st_size != files[i].size ||
			    strchr(files[i].filename, '/') != NULL ||
			    !txt_utf8_valid(files[i].filename,
			    strlen(files[i].filename), false))
				abort();
		}
	} else if ((e->status != 400 && e->status != 413) ||
	    ctx.resp.status != 0 || nfiles != 0 || tmp_count() != 0)
		abort();
	cJSON_Delete(fields);
	ctx_end(&ctx);
	if (tmp_count() != 0)
		abort();
	free(body);
	return 0;
}
