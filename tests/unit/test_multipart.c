/*
 * Unit tests for lib/multipart.c: boundaries and parameters, text and file
 * parts, filenames (quoted, non-ASCII, RFC 8187), and every malformed or
 * oversized body failing with its error (err.h) without leaving a file
 * behind.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "err.h"
#include "multipart.h"
#include "req.h"
#include "t.h"

static char tmpdir[] = "/tmp/sr-mp-XXXXXX";

/* The reader: a buffer handed out in pieces of at most chunk bytes. */
struct src {
	const char	*s;
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

struct result {
	struct ctx	 ctx;
	int		 rc;		/* the error's status, or 0 */
	struct err	*err;
	cJSON		*fields;
	struct req_file	 files[MP_FILES_MAX];
	size_t		 nfiles;
};

static void
parse_chunked(struct result *r, const char *ctype, const char *body,
    size_t len, size_t chunk, size_t text_max)
{
	struct src src = { body, len, 0, chunk };

	memset(r, 0, sizeof(*r));
	ctx_init(&r->ctx, NULL, NULL, NULL, NULL);
	r->ctx.cfg.data_dir = tmpdir;
	r->ctx.cfg.log_file = "/dev/null";
	r->ctx.cfg.log_level = LOG_ERROR;
	r->ctx.cfg_ok = true;
	r->ctx.cfg.max_body_size = (long long)text_max;
	r->fields = cJSON_CreateObject();
	r->err = mp_parse(&r->ctx, ctype, src_read, &src, text_max, r->fields,
	    r->files, &r->nfiles);
	r->rc = r->err != NULL ? r->err->status : 0;
}

static void
parse(struct result *r, const char *ctype, const char *body)
{
	parse_chunked(r, ctype, body, strlen(body), 0, 65536);
}

static void
done(struct result *r)
{
	cJSON_Delete(r->fields);
	ctx_end(&r->ctx);
}

static const char *
field(struct result *r, const char *name)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(r->fields, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Number of files in tmpdir/tmp. */
static int
tmp_files(void)
{
	char path[256];
	int n = 0;

	snprintf(path, sizeof(path), "%s/tmp", tmpdir);
	DIR *d = opendir(path);
	if (d == NULL)
		return 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	static char buf[1 << 20];

	if (f == NULL)
		return NULL;
	*len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return buf;
}

#define CT	"multipart/form-data; boundary=XyZ"

static void
boundaries(void)
{
	char b[80];

	CHECK(mp_boundary("multipart/form-data; boundary=abc", b,
	    sizeof(b)) == 0 && strcmp(b, "abc") == 0);
	CHECK(mp_boundary("multipart/form-data;boundary=\"a b:c\"", b,
	    sizeof(b)) == 0 && strcmp(b, "a b:c") == 0);
	CHECK(mp_boundary("multipart/form-data; charset=x; BOUNDARY=q", b,
	    sizeof(b)) == 0 && strcmp(b, "q") == 0);
	CHECK(mp_boundary("multipart/form-data", b, sizeof(b)) != 0);
	CHECK(mp_boundary("multipart/form-data; boundary=", b, sizeof(b)) != 0);
	CHECK(mp_boundary("multipart/form-data; boundary=\"\"", b,
	    sizeof(b)) != 0);
	CHECK(mp_boundary("multipart/form-data; boundary=\"ab \"", b,
	    sizeof(b)) != 0);
	CHECK(mp_boundary("multipart/form-data; boundary=a\x01", b,
	    sizeof(b)) != 0);
	CHECK(mp_boundary("multipart/form-data; boundary=\"unterminated", b,
	    sizeof(b)) != 0);
	/* 70 characters is the most RFC 2046 allows. */
	char ct[200];
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%070d", 7);
	CHECK(mp_boundary(ct, b, sizeof(b)) == 0 && strlen(b) == 70);
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%071d", 7);
	CHECK(mp_boundary(ct, b, sizeof(b)) != 0);
}

static void
parameters(void)
{
	char v[64];

	/* "name" must not match "filename". */
	CHECK(mp_param("form-data; filename=\"a\"; name=\"b\"", "name", v,
	    sizeof(v)) == 0 && strcmp(v, "b") == 0);
	CHECK(mp_param("form-data; filename=\"a\"", "name", v,
	    sizeof(v)) == -1);
	CHECK(mp_param("form-data; name=\"a\\\"b\\\\c\"", "name", v,
	    sizeof(v)) == 0 && strcmp(v, "a\"b\\c") == 0);
	CHECK(mp_param("form-data; name=\"a;b\"; x=1", "x", v,
	    sizeof(v)) == 0 && strcmp(v, "1") == 0);
	CHECK(mp_param("form-data; name = tok ; x=1", "name", v,
	    sizeof(v)) == 0 && strcmp(v, "tok") == 0);
	CHECK(mp_param("form-data; name", "name", v, sizeof(v)) == -2);
	CHECK(mp_param("form-data; name=", "name", v, sizeof(v)) == -2);
	CHECK(mp_param("form-data; name=\"abc", "name", v, sizeof(v)) == -2);
	CHECK(mp_param("form-data; name=\"0123456789\"", "name", v, 5) == -2);
	CHECK(mp_param("form-data; name=a b", "name", v, sizeof(v)) == -2);
	/* The first of a repeated parameter wins. */
	CHECK(mp_param("form-data; name=a; name=b", "name", v,
	    sizeof(v)) == 0 && strcmp(v, "a") == 0);
}

static void
text_parts(void)
{
	struct result r;

	parse(&r, CT,
	    "preamble is ignored\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"comment\"\r\n"
	    "\r\n"
	    "two\r\nlines\r\n"
	    "--XyZ\r\n"
	    "content-disposition: FORM-DATA; name=model_id\r\n"
	    "\r\n"
	    "12\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"tag\"\r\n\r\na\r\n"
	    "--XyZ  \t\r\n"
	    "Content-Disposition: form-data; name=\"tag\"\r\n\r\nb\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n"
	    "--XyZ--\r\nepilogue");
	CHECK(r.rc == 0);
	CHECK(r.nfiles == 0);
	CHECK(field(&r, "comment") && strcmp(field(&r, "comment"),
	    "two\r\nlines") == 0);
	CHECK(field(&r, "model_id") && strcmp(field(&r, "model_id"),
	    "12") == 0);
	CHECK(field(&r, "empty") && strcmp(field(&r, "empty"), "") == 0);
	cJSON *tag = cJSON_GetObjectItemCaseSensitive(r.fields, "tag");
	CHECK(cJSON_IsArray(tag) && cJSON_GetArraySize(tag) == 2);
	done(&r);

	/* No preamble: the first boundary begins the body. */
	parse(&r, CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
	    "\r\nx\r\n--XyZ--");
	CHECK(r.rc == 0 && field(&r, "a") && strcmp(field(&r, "a"), "x") == 0);
	done(&r);

	/* A body that only closes is an empty form. */
	parse(&r, CT, "--XyZ--\r\n");
	CHECK(r.rc == 0 && cJSON_GetArraySize(r.fields) == 0);
	done(&r);
}

static void
file_parts(void)
{
	struct result r;
	size_t len;
	char *got;

	parse(&r, CT,
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"attachment\"; "
	    "filename=\"C:\\\\docs\\\\report.pdf\"\r\n"
	    "Content-Type: application/pdf\r\n"
	    "\r\n"
	    "%PDF-1.4\n--XyZ after LF alone\r\n-XyZ\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"comment\"\r\n\r\nhi\r\n"
	    "--XyZ--\r\n");
	CHECK(r.rc == 0);
	CHECK(r.nfiles == 1);
	if (r.nfiles == 1) {
		struct req_file *f = &r.files[0];
		CHECK(strcmp(f->field, "attachment") == 0);
		CHECK(strcmp(f->filename, "report.pdf") == 0);
		CHECK(strcmp(f->content_type, "application/pdf") == 0);
		CHECK(f->size == 35);
		CHECK(f->path != NULL && strstr(f->path, "/tmp/upload-"));
		got = f->path ? slurp(f->path, &len) : NULL;
		CHECK(got != NULL && len == 35 &&
		    memcmp(got, "%PDF-1.4\n--XyZ after", 20) == 0);
		struct stat sb;
		CHECK(f->path && stat(f->path, &sb) == 0 &&
		    (sb.st_mode & 0777) == 0600);
	}
	CHECK(field(&r, "comment") && strcmp(field(&r, "comment"), "hi") == 0);
	CHECK(tmp_files() == 1);
	done(&r);
	CHECK(tmp_files() == 0);	/* removed at the end of the request */

	/* Kept files stay. */
	parse(&r, CT, "--XyZ\r\nContent-Disposition: form-data; name=f; "
	    "filename=a.txt\r\n\r\nabc\r\n--XyZ--");
	CHECK(r.rc == 0 && r.nfiles == 1);
	char kept[512] = "";
	if (r.nfiles == 1) {
		snprintf(kept, sizeof(kept), "%s", r.files[0].path);
		mp_file_kept(&r.files[0]);
		CHECK(strcmp(r.files[0].content_type,
		    "application/octet-stream") == 0);
	}
	done(&r);
	CHECK(access(kept, F_OK) == 0);
	unlink(kept);

	/* An empty file input (filename="", no bytes) is no file. */
	parse(&r, CT, "--XyZ\r\nContent-Disposition: form-data; name=f; "
	    "filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n"
	    "\r\n--XyZ--");
	CHECK(r.rc == 0 && r.nfiles == 0);
	CHECK(tmp_files() == 0);
	done(&r);

	/* Two files in one field: 400, nothing left. */
	parse(&r, CT, "--XyZ\r\nContent-Disposition: form-data; name=f; "
	    "filename=a\r\n\r\n1\r\n--XyZ\r\nContent-Disposition: form-data; "
	    "name=f; filename=b\r\n\r\n2\r\n--XyZ--");
	CHECK(r.rc == 400 && r.nfiles == 0 && tmp_files() == 0);
	done(&r);
}

static void
filenames(void)
{
	struct result r;

	/* Raw UTF-8, as browsers send it. */
	parse(&r, CT, "--XyZ\r\nContent-Disposition: form-data; name=f; "
	    "filename=\"Pr\xc3\xbc" "fbericht \xe2\x82\xac.pdf\"\r\n\r\n1\r\n"
	    "--XyZ--");
	CHECK(r.rc == 0 && r.nfiles == 1 && strcmp(r.files[0].filename,
	    "Pr\xc3\xbc" "fbericht \xe2\x82\xac.pdf") == 0);
	done(&r);

	/* RFC 8187 filename* wins over filename. */
	parse(&r, CT, "--XyZ\r\nContent-Disposition: form-data; name=f; "
	    "filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates"
	    ".txt\r\n\r\n1\r\n--XyZ--");
	CHECK(r.rc == 0 && r.nfiles == 1 && strcmp(r.files[0].filename,
	    "\xe2\x82\xac rates.txt") == 0);
	done(&r);

	/* Directories go, "..": a placeholder. */
	parse(&r, CT, "--XyZ\r\nContent-Disposition: form-data; name=f; "
	    "filename=\"../../etc/passwd\"\r\n\r\n1\r\n--XyZ--");
	CHECK(r.rc == 0 && r.nfiles == 1 &&
	    strcmp(r.files[0].filename, "passwd") == 0);
	done(&r);
	parse(&r, CT, "--XyZ\r\nContent-Disposition: form-data; name=f; "
	    "filename=\"a/..\"\r\n\r\n1\r\n--XyZ--");
	CHECK(r.rc == 0 && r.nfiles == 1 &&
	    strcmp(r.files[0].filename, "file") == 0);
	done(&r);

	/* Invalid UTF-8, control characters, other charsets: 400. */
	const char *bad[] = {
	    "filename=\"a\xff.txt\"",
	    "filename=\"a\x01.txt\"",
	    "filename*=ISO-8859-1''%E4.txt",
	    "filename*=UTF-8''%FF.txt",
	    "filename*=UTF-8''a%0Ab",
	    "filename*=UTF-8'a.txt",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char body[512];
		snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: "
		    "form-data; name=f; %s\r\n\r\n1\r\n--XyZ--", bad[i]);
		parse(&r, CT, body);
		CHECK(r.rc == 400 && r.nfiles == 0);
		if (r.rc != 400)
			fprintf(stderr, "  accepted %s\n", bad[i]);
		done(&r);
	}
	CHECK(tmp_files() == 0);

	/* 255 bytes is the longest name. */
	char body[1024], name[300];
	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
	    "name=f; filename=\"%s\"\r\n\r\n1\r\n--XyZ--", name);
	parse(&r, CT, body);
	CHECK(r.rc == 0 && r.nfiles == 1 && strlen(r.files[0].filename) == 255);
	done(&r);
	name[255] = 'n';
	name[256] = '\0';
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
	    "name=f; filename=\"%s\"\r\n\r\n1\r\n--XyZ--", name);
	parse(&r, CT, body);
	CHECK(r.rc == 400 && r.nfiles == 0);
	done(&r);
}

static void
malformed(void)
{
	struct result r;
	const char *bodies[] = {
	    "",						/* no boundary */
	    "no boundary at all",
	    "--XyZ",					/* ends after it */
	    "--XyZ\r\n",				/* no headers */
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n",
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx",
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ",
	    "--XyZ\r\nContent-Disposition: form-data; name=a; filename=b"
	    "\r\n\r\ntruncated file",
	    "--XyZx\r\n",				/* junk after */
	    "--XyZ\r\n\r\nx\r\n--XyZ--",		/* no disposition */
	    "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n\r\n--XyZ--",
	    "--XyZ\r\nContent-Disposition: form-data\r\n\r\n\r\n--XyZ--",
	    "--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n\r\n--XyZ--",
	    "--XyZ\r\nno colon\r\n\r\n\r\n--XyZ--",
	    "--XyZ\r\n folded: x\r\n\r\n\r\n--XyZ--",
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
	    "Content-Disposition: form-data; name=b\r\n\r\n\r\n--XyZ--",
	    "--XyZ\r\nContent-Disposition: form-data; name=a\x01\r\n\r\n\r\n--XyZ--",
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n\xc3\r\n--XyZ--",
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		parse(&r, CT, bodies[i]);
		CHECK(r.rc == 400);
		CHECK(r.err != NULL && r.err->status == 400);
		if (r.rc != 400)
			fprintf(stderr, "  body %zu gave %d\n", i, r.rc);
		done(&r);
	}
	parse(&r, "multipart/form-data", "--XyZ--");
	CHECK(r.rc == 400);
	done(&r);
	CHECK(tmp_files() == 0);

	/* A NUL in a text field is 400 naming the field. */
	static const char nul[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nx\0y\r\n--XyZ--";
	parse_chunked(&r, CT, nul, sizeof(nul) - 1, 0, 65536);
	CHECK(r.rc == 400);
	CHECK(r.err != NULL &&
	    cJSON_GetObjectItemCaseSensitive(r.err->body, "a") != NULL);
	done(&r);
}

static void
limits(void)
{
	struct result r;
	size_t cap = (MP_PARTS_MAX + 2) * 64;
	char *body = malloc(cap);
	size_t n = 0;

	/* Too many parts. */
	for (int i = 0; i <= MP_PARTS_MAX; i++)
		n += (size_t)snprintf(body + n, cap - n, "--XyZ\r\n"
		    "Content-Disposition: form-data; name=p%d\r\n\r\nv\r\n", i);
	n += (size_t)snprintf(body + n, cap - n, "--XyZ--");
	parse_chunked(&r, CT, body, n, 0, 65536);
	CHECK(r.rc == 400);
	done(&r);
	free(body);

	/* Too many files: the ones written are removed at once. */
	cap = (MP_FILES_MAX + 2) * 96;
	body = malloc(cap);
	n = 0;
	for (int i = 0; i <= MP_FILES_MAX; i++)
		n += (size_t)snprintf(body + n, cap - n, "--XyZ\r\n"
		    "Content-Disposition: form-data; name=f%d; filename=x"
		    "\r\n\r\ndata\r\n", i);
	n += (size_t)snprintf(body + n, cap - n, "--XyZ--");
	parse_chunked(&r, CT, body, n, 0, 65536);
	CHECK(r.rc == 400 && r.nfiles == 0);
	CHECK(tmp_files() == 0);
	done(&r);
	free(body);

	/* Text over its cap: 413. */
	static const char big[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\n0123456789\r\n--XyZ--";
	parse_chunked(&r, CT, big, sizeof(big) - 1, 0, 8);
	CHECK(r.rc == 413);
	done(&r);

	/* A header line longer than MP_HEADER_MAX. */
	body = malloc(MP_HEADER_MAX + 200);
	n = (size_t)snprintf(body, 64, "--XyZ\r\nX-Long: ");
	memset(body + n, 'a', MP_HEADER_MAX + 10);
	n += MP_HEADER_MAX + 10;
	memcpy(body + n, "\r\n\r\n--XyZ--", 11);
	n += 11;
	parse_chunked(&r, CT, body, n, 0, 65536);
	CHECK(r.rc == 400);
	done(&r);
	free(body);
}

/*
 * A file of several windows, read one byte at a time and in odd pieces,
 * with bytes that look like the start of a delimiter at every boundary of
 * the window, arrives intact.
 */
static void
huge(void)
{
	size_t flen = 3 * MP_WINDOW + 12345;
	char *file = malloc(flen);
	for (size_t i = 0; i < flen; i++)
		file[i] = (i % 7 == 0) ? '\r' : (i % 7 == 1) ? '\n' :
		    (i % 7 == 2) ? '-' : (char)('a' + i % 26);
	const char *head = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=big; filename=big.bin\r\n\r\n";
	const char *tail = "\r\n--XyZ--\r\n";
	size_t hl = strlen(head), tl = strlen(tail);
	char *body = malloc(hl + flen + tl);
	memcpy(body, head, hl);
	memcpy(body + hl, file, flen);
	memcpy(body + hl + flen, tail, tl);

	size_t chunks[] = { 0, 1, 7, 4093, MP_WINDOW - 1 };
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct result r;
		size_t len;
		if (chunks[c] == 1 && flen > 200000)
			continue;
		parse_chunked(&r, CT, body, hl + flen + tl, chunks[c], 65536);
		CHECK(r.rc == 0 && r.nfiles == 1);
		if (r.nfiles == 1) {
			CHECK(r.files[0].size == (long long)flen);
			char *got = slurp(r.files[0].path, &len);
			CHECK(got != NULL && len == flen &&
			    memcmp(got, file, flen) == 0);
		}
		done(&r);
	}
	/* The same body cut short anywhere: 400, no file. */
	size_t cuts[] = { hl - 1, hl, hl + 1, hl + MP_WINDOW, hl + flen,
	    hl + flen + tl - 3 };
	for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
		struct result r;
		parse_chunked(&r, CT, body, cuts[c], 1000, 65536);
		CHECK(r.rc == 400 && r.nfiles == 0);
		done(&r);
	}
	CHECK(tmp_files() == 0);
	free(body);
	free(file);
}

/* A byte-at-a-time read of a small form gives the same answer. */
static void
byte_at_a_time(void)
{
	struct result r;
	const char *b = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
	    "\r\nvalue\r\n--XyZ\r\nContent-Disposition: form-data; name=f; "
	    "filename=f.txt\r\n\r\n\r\n-\r\n--\r\n--X\r\n--XyZ--";
	parse_chunked(&r, CT, b, strlen(b), 1, 65536);
	CHECK(r.rc == 0 && field(&r, "a") && strcmp(field(&r, "a"),
	    "value") == 0);
	CHECK(r.nfiles == 1 && r.files[0].size == 12);
	done(&r);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	RUN(boundaries);
	RUN(parameters);
	RUN(text_parts);
	RUN(file_parts);
	RUN(filenames);
	RUN(malformed);
	RUN(limits);
	RUN(huge);
	RUN(byte_at_a_time);
	char path[256];
	snprintf(path, sizeof(path), "%s/tmp", tmpdir);
	rmdir(path);
	rmdir(tmpdir);
	return DONE();
}
