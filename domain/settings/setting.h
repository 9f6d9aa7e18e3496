/*
 * setting: InvenTree's settings, global and per user, each described once.
 *
 * A setting is one key of a fixed catalogue (setting.c): its type
 * (boolean, integer, string, choice, as InvenTree names them), its name
 * and description, its default, and its checks (an integer's range, a
 * string's length, a choice's values).  Only known keys exist: a key
 * that is not in the catalogue is 404, and nothing else is ever stored.
 * Values are kept as text, as InvenTree keeps them ("True" / "False" for
 * booleans, decimal digits for integers): global ones in the table
 * "setting" (migration 0001), a user's own in "user_setting" (0014), a
 * row only where a value was set; a key without a row has its default.
 *
 * A value sent by a client is checked by val.h (the same rules, and
 * Django REST framework's messages, as every other field) and then by the
 * setting's own range or choices; setting_check() says what is wrong as
 * a 400 on "value".  A setting is shown in InvenTree's shape (its
 * GlobalSettings / UserSettings serializers): pk, key, value, name,
 * description, type, units, choices, model_name, api_url, typ, and for a
 * user's setting user.  pk is the key's place in the catalogue (1, 2, ...),
 * the same for every database, since a key without a row has no row id.
 *
 * Who may change what is the routes' business (cgi-bin/settings.c):
 * global settings staff users, a user's settings that user.
 */
#ifndef SR_SETTING_H
#define SR_SETTING_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct ctx;
struct err;

enum setting_scope { SETTING_GLOBAL, SETTING_USER, SETTING__MAX };
enum setting_type { ST_BOOL, ST_INT, ST_STRING, ST_CHOICE, ST__MAX };

struct setting_choice {
	const char	*value;
	const char	*label;
};

struct setting {
	const char			*key;
	enum setting_type		 type;
	const char			*name;
	const char			*description;
	const char			*def;	/* the default, as stored */
	const char			*units;
	long long			 min;	/* ST_INT */
	long long			 max;	/* ST_INT; ST_STRING: characters */
	const struct setting_choice	*choices;	/* ST_CHOICE: ends
							   with value NULL */
};

/* The catalogue of a scope, in the order of its pks. */
const struct setting	*setting_list(enum setting_scope, size_t *n);
const struct setting	*setting_find(enum setting_scope, const char *key);
const char		*setting_type_name(enum setting_type);
struct err		*setting_values(struct ctx *, enum setting_scope,
			    const char **values);
struct err		*setting_value(struct ctx *, enum setting_scope,
			    const struct setting *, const char **value);
struct cJSON		*setting_json(struct ctx *, enum setting_scope,
			    const struct setting *, const char *value);
struct err		*setting_check(struct ctx *, const struct setting *,
			    const struct cJSON *, const char **stored);
struct err		*setting_store(struct ctx *, enum setting_scope,
			    const struct setting *, const char *value);
bool			 setting_bool(const char *value);

#endif
