/*
 * mem: bump allocator in linked blocks, plus a cleanup list.
 * See mem.h for the contract.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"

#define MEM_BLOCK_MIN	(16 * 1024)
#define MEM_ALIGN	16

struct mem_block {
	struct mem_block	*next;
	size_t			 used;
	size_t			 cap;
	_Alignas(MEM_ALIGN) unsigned char data[];
};

struct mem_cleanup {
	struct mem_cleanup	*next;
	void			(*fn)(void *);
	void			*arg;
};

/*
 * Out of memory: there is nothing useful left to do in a CGI program but to
 * say so.  Writes a minimal 503 answer (headers may already have gone out, in
 * which case the body is merely cut short) and exits.
 */
void
mem_oom(void)
{
	static const char msg[] =
	    "Status: 503 Service Unavailable\r\n"
	    "Content-Type: application/json\r\n\r\n"
	    "{\"detail\": \"Server out of memory\"}\n";
	ssize_t rc = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	(void)rc;
	_exit(70);
}

/*
 * Returns n bytes aligned to MEM_ALIGN, valid until mem_free(m).
 * Never returns NULL.
 */
void *
mem_alloc(struct mem *m, size_t n)
{
	struct mem_block *b = m->head;
	size_t need = (n + MEM_ALIGN - 1) & ~(size_t)(MEM_ALIGN - 1);

	if (need < n)
		mem_oom();
	if (b == NULL || b->cap - b->used < need) {
		size_t cap = need > MEM_BLOCK_MIN ? need : MEM_BLOCK_MIN;
		if (m->total > cap && m->total < SIZE_MAX / 4)
			cap = m->total;	/* grow geometrically */
		if (cap > SIZE_MAX - sizeof(*b))
			mem_oom();
		b = malloc(sizeof(*b) + cap);
		if (b == NULL)
			mem_oom();
		b->cap = cap;
		b->used = 0;
		b->next = m->head;
		m->head = b;
		m->total += cap;
	}
	void *p = b->data + b->used;
	b->used += need;
	return p;
}

void *
mem_zalloc(struct mem *m, size_t n)
{
	void *p = mem_alloc(m, n);
	memset(p, 0, n);
	return p;
}

char *
mem_strndup(struct mem *m, const char *s, size_t n)
{
	char *p = mem_alloc(m, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
mem_strdup(struct mem *m, const char *s)
{
	return mem_strndup(m, s, strlen(s));
}

/* A copy of s without the spaces and tabs around it; "" for NULL. */
char *
mem_strtrim(struct mem *m, const char *s)
{
	size_t len;

	if (s == NULL)
		return mem_strndup(m, "", 0);
	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return mem_strndup(m, s, len);
}

char *
mem_printf(struct mem *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		mem_oom();
	char *p = mem_alloc(m, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/*
 * Registers fn(arg) to run at mem_free(), in reverse order of registration
 * (so a statement is finalized before the database it belongs to closes).
 */
void
mem_defer(struct mem *m, void (*fn)(void *), void *arg)
{
	struct mem_cleanup *c = malloc(sizeof(*c));
	if (c == NULL) {
		fn(arg);
		mem_oom();
	}
	c->fn = fn;
	c->arg = arg;
	c->next = m->cleanups;
	m->cleanups = c;
}

/* Runs the cleanups, then releases every block.  m may be reused after. */
void
mem_free(struct mem *m)
{
	while (m->cleanups != NULL) {
		struct mem_cleanup *c = m->cleanups;
		m->cleanups = c->next;
		c->fn(c->arg);
		free(c);
	}
	while (m->head != NULL) {
		struct mem_block *b = m->head;
		m->head = b->next;
		free(b);
	}
	m->total = 0;
}

/* Empties b, keeping its memory for what comes next. */
void
mem_buf_clear(struct mem_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

/* Makes room in b for n more bytes and a NUL. */
void
mem_buf_room(struct mem_buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	size_t cap = b->cap > 0 ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (s == NULL)
		mem_oom();
	b->s = s;
	b->cap = cap;
}

/* Appends s[0..n) to b. */
void
mem_buf_add(struct mem_buf *b, const char *s, size_t n)
{
	mem_buf_room(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}
