/*
 * json: members of the objects that rows are rendered into.
 *
 * cJSON copies each member's name and writes each number with
 * printf("%1.15g"), reading it back with sscanf() to check; a page of fifty
 * parts has about 1,700 members and 150 numbers.  These add a member under
 * a name that is not copied (it must outlive the object: pass a string
 * literal) and write integers as their digits (a raw cJSON value, printed
 * as it is).  Running out of memory ends the program (mem_oom()).
 */
#ifndef SR_JSON_H
#define SR_JSON_H

#include <stdbool.h>

struct cJSON;

void	 json_int(struct cJSON *, const char *name, long long);
void	 json_text(struct cJSON *, const char *name, const char *);
void	 json_bool(struct cJSON *, const char *name, bool);
void	 json_null(struct cJSON *, const char *name);
void	 json_item(struct cJSON *, const char *name, struct cJSON *);
void	 json_raw_const(struct cJSON *, const char *name, const char *json);
void	 json_add_repeated(struct cJSON *, const char *name, struct cJSON *);

/*
 * JSON text written straight into a growing buffer (mem.h), for list
 * rows: a member's name (which must need no escaping) and its value.
 * json_buf_print() appends a cJSON value as cJSON prints it.
 */
struct mem_buf;

void	 json_buf_name(struct mem_buf *, const char *name, bool first);
void	 json_buf_str(struct mem_buf *, const char *);
void	 json_buf_int(struct mem_buf *, long long);
void	 json_buf_raw(struct mem_buf *, const char *);
void	 json_buf_print(struct mem_buf *, const struct cJSON *);
void	 json_text_const(struct cJSON *, const char *name, const char *);

#endif
