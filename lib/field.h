/*
 * field: validation of the fields of a create or edit request body.
 *
 * A handler describes the writable fields of a resource as a constant
 * table; field_parse() checks the body (JSON, or a form, as req_data()
 * gives it) against it and fills one struct field_val per field, or
 * answers 400 with every field's errors in DRF's shape
 * {"name": ["This field is required."], ...}.  Unknown and read-only keys
 * are ignored, as DRF does (inventree-python's save() sends back the whole
 * object).  field_bind() binds a value to a statement, so an UPDATE can
 * always write every column: the handler first loads the current row into
 * the values (field_load), then lets the body override them.
 */
#ifndef SR_FIELD_H
#define SR_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

struct cJSON;
struct ctx;

enum field_type {
	FIELD_TEXT,	/* one line of text, at most maxlen characters */
	FIELD_NOTES,	/* text that may hold newlines */
	FIELD_BOOL,
	FIELD_ID,	/* a positive id, or null when nullable */
	FIELD_DEC,	/* an exact decimal (dec.h), >= 0 */
	FIELD_DATE,	/* YYYY-MM-DD, or null when nullable */
	FIELD_STATUS,	/* a stock status code */
};

struct field {
	const char	*name;
	enum field_type	 type;
	size_t		 maxlen;	/* TEXT, NOTES */
	bool		 required;	/* on create */
	bool		 nullable;
	long long	 def;		/* BOOL, DEC, STATUS: value on create */
};

struct field_val {
	bool		 present;	/* given in the body */
	bool		 null;
	const char	*s;		/* TEXT, NOTES, DATE */
	long long	 i;		/* BOOL, ID, DEC, STATUS */
};

/*
 * The fields of a resource as an OPTIONS answer describes them, the way
 * DRF's metadata does in InvenTree ("actions": {"POST": {"name": {"type",
 * "required", "read_only", "label", "help_text", ...}}}): inventree-python's
 * fieldNames() and fieldInfo() read it.  read_only lists fields the answers
 * carry but a request cannot set (only name and type are used).
 */
struct field_set {
	const struct field	*fields;
	size_t			 n;
	const struct field	*read_only;
	size_t			 nread_only;
};

struct cJSON	*field_describe(const struct field_set *);

int	field_parse(struct ctx *, const struct cJSON *, const struct field *,
	    size_t n, struct field_val *, bool create);
void	field_load(struct ctx *, sqlite3_stmt *, int first_col,
	    const struct field *, size_t n, struct field_val *);
void	field_bind(sqlite3_stmt *, int idx, const struct field *,
	    const struct field_val *);
void	field_bind_all(sqlite3_stmt *, int first, const struct field *,
	    size_t n, const struct field_val *);
void	field_defaults(const struct field *, size_t n, struct field_val *);
int	field_step(struct ctx *, sqlite3_stmt *, const char *what);
int	field_index(const struct field *, size_t n, const char *name);

#endif
