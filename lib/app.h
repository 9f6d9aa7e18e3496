/*
 * app: the life of one request, from CGI environment to answer and log line.
 *
 * Each program's main() is one call to app_main() with its route table.
 * app_main() serves one CGI request, or, when the program was started as a
 * FastCGI application (its standard input a listening socket), request
 * after request until the server stops it.  app_handle() is the whole flow
 * of one request: request id, settings, request parsing, dispatch, answer,
 * log; both ways, and tests, call it with a fresh context.
 */
#ifndef SR_APP_H
#define SR_APP_H

struct ctx;
struct program;

int	app_main(int argc, char **argv, char **envp, const struct program *);
void	app_handle(struct ctx *, const struct program *);

#endif
