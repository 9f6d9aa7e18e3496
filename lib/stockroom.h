/*
 * stockroom.h: the infrastructure (lib/) in one include, and the version.
 * Each module's own header says what it is for.  Programs include site.h
 * (domain/), which adds the areas.
 */
#ifndef STOCKROOM_H
#define STOCKROOM_H

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "app.h"
#include "cfg.h"
#include "ctx.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "list.h"
#include "log.h"
#include "mem.h"
#include "perm.h"
#include "req.h"
#include "res.h"
#include "resp.h"
#include "route.h"
#include "text.h"
#include "val.h"

#define STOCKROOM_VERSION	"0.1.0"
/*
 * The InvenTree API version whose documented behaviour we follow for the
 * resources we serve; inventree-python refuses servers below 206, and
 * uses its Attachment class (generic /api/attachment/) only from 207.
 * 207 is also "permissions" in /api/user/roles/.  Below 436, so the
 * client uses <object>/<pk>/metadata/.
 */
#define STOCKROOM_API_VERSION	207

#endif
