/*
 * metadata: InvenTree's free-form "metadata" of a part, part category,
 * stock location or stock item.
 *
 * Plugins and scripts keep their own data in it; nothing in Stockroom
 * reads it.  Served as the endpoints <object>/<pk>/metadata/ that
 * inventree-python uses with servers whose API version is below 436:
 * GET answers {"metadata": {...}}; PATCH {"metadata": {...}} merges the
 * given top-level keys into it, PUT replaces it.  The stored object is at
 * most METADATA_MAX bytes of JSON.
 */
#ifndef SR_METADATA_H
#define SR_METADATA_H

struct ctx;

#define METADATA_MAX	65536

enum metadata_model { META_PART, META_CATEGORY, META_LOCATION,
	META_STOCK_ITEM, META__MAX };

int	metadata_handle(struct ctx *, enum metadata_model);

#endif
