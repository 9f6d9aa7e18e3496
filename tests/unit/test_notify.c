/*
 * Unit tests for domain/inventory/notify.c's pure parts (how long ago,
 * e-mail header values) and cfg_email_ok(), what stands between a user's
 * address or a part's name and a sendmail command line or header.
 */
#include <stdbool.h>
#include <string.h>

#include "cfg.h"
#include "inventory/notify.h"
#include "t.h"

static void
age_in_words(void)
{
	char b[64];

	CHECK(strcmp(notify_age_human(0, b, sizeof(b)), "now") == 0);
	CHECK(strcmp(notify_age_human(-5, b, sizeof(b)), "now") == 0);
	CHECK(strcmp(notify_age_human(1, b, sizeof(b)), "a second ago") == 0);
	CHECK(strcmp(notify_age_human(59, b, sizeof(b)),
	    "59 seconds ago") == 0);
	CHECK(strcmp(notify_age_human(60, b, sizeof(b)), "a minute ago") == 0);
	CHECK(strcmp(notify_age_human(3599, b, sizeof(b)),
	    "59 minutes ago") == 0);
	CHECK(strcmp(notify_age_human(7200, b, sizeof(b)),
	    "2 hours ago") == 0);
	CHECK(strcmp(notify_age_human(86400, b, sizeof(b)), "a day ago") == 0);
	CHECK(strcmp(notify_age_human(15 * 86400, b, sizeof(b)),
	    "2 weeks ago") == 0);
	CHECK(strcmp(notify_age_human(400 * 86400LL, b, sizeof(b)),
	    "a year ago") == 0);
}

static void
header_plain_ascii_kept(void)
{
	char b[256];

	CHECK(notify_header_value("Low stock: M3 bolt", b, sizeof(b)) == 18);
	CHECK(strcmp(b, "Low stock: M3 bolt") == 0);
	CHECK(notify_header_value("abc", b, 3) == 0 && b[0] == '\0');
}

static void
header_never_breaks_a_line(void)
{
	char b[512];

	/* CR/LF become spaces inside an encoded word: no new header. */
	CHECK(notify_header_value("x\r\nBcc: evil@example.net", b,
	    sizeof(b)) > 0);
	CHECK(strncmp(b, "=?UTF-8?B?", 10) == 0);
	CHECK(strstr(b, "\r") == NULL && strstr(b, "\nBcc") == NULL);
	CHECK(strcmp(b, "=?UTF-8?B?eCAgQmNjOiBldmlsQGV4YW1wbGUubmV0?=") == 0);
	/* Invalid UTF-8 is replaced. */
	CHECK(notify_header_value("a\xff", b, sizeof(b)) > 0);
	CHECK(strcmp(b, "=?UTF-8?B?YT8=?=") == 0);
}

static void
header_long_values_fold_between_characters(void)
{
	char in[301], b[2048];

	/* 100 snowmen (3 bytes each): 45-byte words, 15 characters each. */
	in[0] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(in, "\xe2\x98\x83");
	CHECK(notify_header_value(in, b, sizeof(b)) > 0);
	int words = 0;
	for (const char *p = b; (p = strstr(p, "=?UTF-8?B?")) != NULL; p++)
		words++;
	CHECK(words == 7);
	for (const char *line = b; line != NULL; ) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		CHECK(len <= 76);
		line = nl ? nl + 1 : NULL;
		if (line != NULL)
			CHECK(line[0] == ' ');
	}
	CHECK(notify_header_value(in, b, 100) == 0 && b[0] == '\0');
}

static void
email_addresses(void)
{
	CHECK(cfg_email_ok("alice@example.org", false));
	CHECK(cfg_email_ok("a.b+c@sub.example.org", false));
	CHECK(cfg_email_ok("", true));
	CHECK(!cfg_email_ok("", false));
	CHECK(!cfg_email_ok("-oQ/tmp/x@example.org", false));
	CHECK(!cfg_email_ok("alice", false));
	CHECK(!cfg_email_ok("@example.org", false));
	CHECK(!cfg_email_ok("alice@", false));
	CHECK(!cfg_email_ok("a@b@c", false));
	CHECK(!cfg_email_ok("alice@example.org\nBcc: x@y", false));
	CHECK(!cfg_email_ok("alice smith@example.org", false));
	CHECK(!cfg_email_ok("<alice@example.org>", false));
	CHECK(!cfg_email_ok("a@example.org,b@example.org", false));
	CHECK(!cfg_email_ok("\xc3\xa9@example.org", false));
}

int
main(void)
{
	RUN(age_in_words);
	RUN(header_plain_ascii_kept);
	RUN(header_never_breaks_a_line);
	RUN(header_long_values_fold_between_characters);
	RUN(email_addresses);
	return DONE();
}
