/*
 * models: the resources that data may name, by their InvenTree model name
 * ("part", "stockitem"), for the modules that name a model in their data
 * rather than in their code: attachments (model_type), stored files
 * (whom a file belongs to), notifications (their target) and barcodes.
 * A model's table, permission area, existence check and web page all come
 * from its description (res.h), so no module spells out a model by hand.
 * (Attachments, notifications and tasks, which nothing names, are not
 * listed: they use the registry, it does not use them.)
 */
#ifndef SR_MODELS_H
#define SR_MODELS_H

#include <stddef.h>

struct resource;

extern const struct resource *const models[];
extern const size_t models_count;

const struct resource	*model_find(const char *name);
const char		*model_page(char *, size_t, const char *prefix,
			    const struct resource *, long long id);

#endif
