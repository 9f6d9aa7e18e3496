/*
 * app: the life of one request, from CGI environment to answer and log line.
 *
 * Each program's main() is one call to app_main() with its route table.
 * app_handle() is the whole request flow: request id, settings, request
 * parsing, dispatch, answer, log.  It is separate from main so that tests
 * (and a FastCGI loop later) can run requests in one process.
 */
#ifndef SR_APP_H
#define SR_APP_H

struct ctx;
struct program;

int	app_main(int argc, char **argv, char **envp, const struct program *);
void	app_handle(struct ctx *, const struct program *);

#endif
