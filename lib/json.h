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

#endif
