/*
 * val: validation of everything a client sends, one way.
 *
 * A field is described once (struct field): its JSON name, its type, its
 * limits, whether it is required, read-only or nullable, its default, its
 * choices, and for a reference the resource it points at.  The resource
 * layer (res.h) builds a resource's SQL, its OPTIONS answer and its
 * filters from the same description; this module checks input against it:
 *
 *   - val_object() checks a request body (JSON, or a form as req_data()
 *     gives it) against a list of fields and collects every problem in a
 *     struct errs, in DRF's shape ({"name": ["This field is required."]});
 *     unknown and read-only keys are ignored, as DRF does (clients send
 *     back whole objects);
 *   - val_json() checks one value, val_query() one query-string value
 *     (filters), both against one field.
 *
 * The rules, the same everywhere:
 *   - ids are whole numbers from 1 to VAL_ID_MAX, as JSON numbers or
 *     decimal strings ("5"); 2.5, "2.5", "05", true are refused, never
 *     rounded or guessed (val_id_json(), val_id_text());
 *   - text limits count characters (code points), not bytes; text never
 *     holds control characters (FT_NOTES allows tab and newlines);
 *   - a URL is http:// or https:// with a host (no javascript:, data:);
 *   - an e-mail address has one @ and a dot after it;
 *   - a list of ids holds each id once: a repeated id is refused with a
 *     message that says so;
 *   - decimals are exact (dec.h), dates YYYY-MM-DD, choices one of their
 *     values.
 *
 * Messages are Django REST framework's, so clients that show them show
 * what InvenTree would.  This module never touches the database: whether
 * a referenced object exists is the resource layer's check.
 */
#ifndef SR_VAL_H
#define SR_VAL_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct ctx;
struct errs;
struct resource;

#define VAL_ID_MAX	999999999999999LL	/* 15 digits */
#define VAL_IDS_MAX	10000			/* ids in one list */
#define VAL_FILTER_MAX	200			/* a filter value w/o field */

enum ftype {
	FT_TEXT,	/* one line of text */
	FT_NOTES,	/* text that may hold tabs and newlines */
	FT_BOOL,
	FT_INT,		/* a whole number (read-only counts, levels) */
	FT_ID,		/* a reference: the pk of .ref, or null */
	FT_IDS,		/* a list of references, each once */
	FT_DEC,		/* an exact decimal (dec.h) */
	FT_DATE,	/* YYYY-MM-DD */
	FT_DATETIME,	/* ISO 8601, as stored (read-only) */
	FT_CHOICE,	/* an integer, one of .choices */
	FT_EMAIL,
	FT_URL,		/* http or https */
	FT_JSON,	/* stored JSON text, sent as it is (read-only) */
	FT_MEDIA,	/* a stored file's path, sent as its URL (read-only) */
	FT_NESTED,	/* a list of objects, each checked against .children */
	FT_OBJECT,	/* one object checked against .children */
	FT_FLOAT,	/* a floating-point number (read-only, F_STORED: a
			   hook sets it; a parameter's data_numeric) */
	FT__MAX
};

/* Field flags. */
#define F_REQUIRED	0x0001	/* on create (and PUT) */
#define F_READ_ONLY	0x0002	/* shown, never written by a request */
#define F_NULL		0x0004	/* may be null */
#define F_EMPTY_NULL	0x0008	/* text: "" is shown as null */
#define F_FILTER	0x0010	/* ?name=value filters the list */
#define F_ORDER		0x0020	/* ?ordering=name sorts the list */
#define F_WRITE_ONLY	0x0040	/* accepted, never shown (not a column) */
#define F_AS_STRING	0x0080	/* decimal shown as a string ("1.50000") */
#define F_LABEL		0x0100	/* choice shown as its label */
#define F_NOT_BLANK	0x0200	/* text: "" is refused */
#define F_NO_COLUMN	0x0400	/* not in the table: a hook handles it */
#define F_STRING	0x0800	/* text: a JSON string, not a number */
#define F_HOOK		0x1000	/* shown by the render hook, from its
				   column (a read-only field without
				   col has none: the hook makes it) */
#define F_STORED	0x2000	/* with F_READ_ONLY: a column that no
				   request writes but the hooks do (the
				   validate hook sets its value: a
				   time of update, a converted value) */

struct choice {
	long long	 value;
	const char	*label;		/* what people read */
	const char	*key;		/* a status class's name, or NULL */
	const char	*color;		/* and its colour */
};

struct field {
	const char		*name;		/* JSON name */
	enum ftype		 type;
	unsigned		 flags;		/* F_* */
	int			 max;		/* text: characters; FT_IDS: ids */
	long long		 def;		/* BOOL, INT, DEC, CHOICE default */
	/* SQL: the column (writable fields) or an expression (read-only);
	 * NULL: the column named name. */
	const char		*col;
	const struct resource	*ref;		/* FT_ID, FT_IDS */
	const struct choice	*choices;	/* FT_CHOICE: ends with label NULL */
	const char		*label;		/* NULL: from the name */
	const char		*help;
	const struct field	*children;	/* FT_NESTED, FT_OBJECT: ends
						   with name NULL */
	/* FT_ID: a condition the referenced row must also meet, on its
	 * table's columns (InvenTree's limit_choices_to: "is_supplier =
	 * 1"); a row that does not is as one that does not exist. */
	const char		*ref_if;
};

/* A checked value: what the body gave, or the current or default value. */
struct val {
	bool		 present;	/* given in the body */
	bool		 null;
	const char	*s;		/* text types, DATE */
	long long	 i;		/* BOOL, INT, ID, DEC, CHOICE */
	double		 d;		/* FT_FLOAT */
	const long long	*ids;		/* FT_IDS */
	size_t		 n;		/* FT_IDS: how many */
	const struct cJSON *j;		/* FT_NESTED, FT_OBJECT: as given */
};

bool		 val_id_text(const char *, long long *);
const char	*val_id_json(const struct cJSON *, long long *);
size_t		 val_chars(const char *);
const char	*val_text(struct ctx *, const char *, int max, bool notes);
const char	*val_url(const char *);
const char	*val_email(const char *);
bool		 val_date(const char *);
const char	*val_today(struct ctx *);
const char	*val_choice_label(const struct choice *, long long);
const char	*val_json(struct ctx *, const struct cJSON *,
		    const struct field *, struct val *);
const char	*val_query(struct ctx *, const char *, const struct field *,
		    struct val *);
void		 val_default(const struct field *, struct val *);
bool		 val_holds_text(enum ftype);
void		 val_object(struct ctx *, const struct cJSON *body,
		    const struct field *, size_t n, struct val *, bool create,
		    struct errs *);
const struct field *val_find(const struct field *, size_t n,
		    const char *name);
const char	*val_label(struct ctx *, const struct field *);

#endif
