/*
 * fuzz_auth: who a request is from (auth_identify in lib/auth.c): the
 * Authorization header (Token, Bearer, Basic with its base64), the session
 * cookie, and the CSRF check (X-CSRFToken, Origin) of cookie-signed writes.
 *
 * Input: one byte choosing the method, then up to four fields separated by
 * NUL: Authorization, Cookie, X-CSRFToken, Origin (an empty field is an
 * absent header).  The database (support.c) has one user with a known
 * token, session and password.
 *
 * Checks the property that matters: nobody is signed in without a correct
 * credential, and no cookie-signed write passes without the right CSRF
 * token.  A refusal is a 401, 403 or 429 (with its header where one is
 * due), never a 5xx.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stockroom.h"
#include "accounts/auth.h"
#include "support.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_site_init();
	return 0;
}

static const char *const methods[] = { "GET", "POST", "PATCH", "DELETE" };
static const char *const names[] = { "HTTP_AUTHORIZATION=", "HTTP_COOKIE=",
	"HTTP_X_CSRFTOKEN=", "HTTP_ORIGIN=" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *envp[32], *field[4] = { NULL, NULL, NULL, NULL };
	char method[32];
	size_t ne = 0;
	struct ctx ctx;

	if (size < 1)
		return 0;
	for (; fuzz_fixed_env[ne] != NULL; ne++)
		envp[ne] = fuzz_fixed_env[ne];
	snprintf(method, sizeof(method), "REQUEST_METHOD=%s",
	    methods[data[0] % 4]);
	envp[ne++] = method;
	envp[ne++] = "PATH_INFO=/api/part/";
	envp[ne++] = "SERVER_NAME=localhost";

	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	for (int i = 0; i < 4 && p < end; i++) {
		size_t n = strnlen(p, (size_t)(end - p));
		if (n > 0) {
			size_t k = strlen(names[i]);
			field[i] = malloc(k + n + 1);
			memcpy(field[i], names[i], k);
			memcpy(field[i] + k, p, n);
			field[i][k + n] = '\0';
			envp[ne++] = field[i];
		}
		p += n + 1;
	}
	envp[ne] = NULL;

	ctx_init(&ctx, envp, NULL, NULL, NULL);
	char err[256];
	if (cfg_load(&ctx.mem, envp, NULL, &ctx.cfg, err, sizeof(err)) != 0)
		abort();
	ctx.cfg_ok = true;
	if (req_parse(&ctx) == NULL && db_open(&ctx, DB_CHECK_SCHEMA) == NULL) {
		struct err *e = auth_identify(&ctx);
		const char *auth = field[0] ? field[0] : "";
		const char *cookie = field[1] ? field[1] : "";
		const char *csrf = field[2] ? field[2] + 17 : "";
		if (e == NULL && ctx.user_id != 0) {
			if (ctx.user_id != 1)
				abort();	/* the inactive user */
			switch (ctx.auth_kind) {
			case AUTH_TOKEN:
				if (strstr(auth, FUZZ_TOKEN) == NULL)
					abort();
				break;
			case AUTH_BASIC:
				if (field[0] == NULL ||
				    strncasecmp(auth + 19, "Basic", 5) != 0)
					abort();
				break;
			case AUTH_SESSION:
				if (strstr(cookie, FUZZ_SESSION) == NULL)
					abort();
				if (strcmp(ctx.req.method, "GET") != 0 &&
				    strcmp(csrf, fuzz_csrf) != 0)
					abort();
				break;
			default:
				abort();
			}
		} else if (e != NULL) {
			if (e->status != 401 && e->status != 403 &&
			    e->status != 429)
				abort();
			if (e->status == 401 && (e->header == NULL ||
			    strcmp(e->header, "WWW-Authenticate") != 0))
				abort();
			if (e->status == 429 && (e->header == NULL ||
			    strcmp(e->header, "Retry-After") != 0))
				abort();
		}
	}
	ctx_end(&ctx);
	for (int i = 0; i < 4; i++)
		free(field[i]);
	return 0;
}
