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
 * The InvenTree API version we report: the highest whose version-gated
 * behaviours in inventree-python 0.23 and the mobile app are all served
 * (docs/inventree-compat.md lists every gate; tests/cgi/test_api_version.py
 * holds the two together).  429 would switch both clients to
 * /api/parameter/, which Stockroom does not serve; below 436 the client
 * uses <object>/<pk>/metadata/, below 490 the app user/token/ and
 * user/roles/ (the newer paths are served too).
 */
#define STOCKROOM_API_VERSION	495

#endif
