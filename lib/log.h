/*
 * log: one line per request, plus error and debug messages.
 *
 * Lines go to LOG_FILE when set, else to standard error, which the web
 * server keeps in its error log.  A request line reads:
 *   2026-11-23T10:15:00Z rid=ab12.. GET /api/part/ 200 1234us user=alice
 * The duration is the time until the answer starts: the line is written
 * just before the headers, because a web server may end a CGI program as
 * soon as it has the whole answer.
 * The query string is never logged (it may carry search terms or, from
 * careless clients, credentials) and neither is any header or body.
 */
#ifndef SR_LOG_H
#define SR_LOG_H

#include "cfg.h"

struct ctx;

void	log_msg(struct ctx *, enum log_level, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	log_request(struct ctx *);

#endif
