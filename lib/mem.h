/*
 * mem: the per-request memory arena.
 *
 * Every allocation a request makes comes from its arena and is released in
 * one call, mem_free(), when the request ends.  Objects owned by other
 * libraries (cJSON trees, SQLite statements) are registered as cleanups so
 * they are released at the same moment.  This is what lets one process serve
 * many requests without growing (FastCGI).
 *
 * This module must never hand out memory that outlives its arena, and its
 * allocators never return NULL: running out of memory ends the process with
 * a 503 answer (see mem_oom()).
 */
#ifndef SR_MEM_H
#define SR_MEM_H

#include <stddef.h>

struct mem_block;
struct mem_cleanup;

struct mem {
	struct mem_block	*head;
	struct mem_cleanup	*cleanups;
	size_t			 total;		/* bytes held in blocks */
};

void	*mem_alloc(struct mem *, size_t);
void	*mem_zalloc(struct mem *, size_t);
char	*mem_strdup(struct mem *, const char *);
char	*mem_strndup(struct mem *, const char *, size_t);
char	*mem_strtrim(struct mem *, const char *);
char	*mem_printf(struct mem *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 mem_defer(struct mem *, void (*)(void *), void *);
void	 mem_free(struct mem *);
void	 mem_oom(void) __attribute__((noreturn));

/*
 * A growing byte string in malloc()ed memory, outside any arena, for text
 * whose size is known only at its end (a page of JSON, a form field).
 * Zero-initialise; s stays NUL-terminated once there is any; the owner
 * frees s.
 */
struct mem_buf {
	char	*s;
	size_t	 len, cap;
};

void	 mem_buf_clear(struct mem_buf *);
void	 mem_buf_room(struct mem_buf *, size_t n);
void	 mem_buf_add(struct mem_buf *, const char *, size_t n);

#endif
