/*
 * notify: notifications to users, and the low-stock rule that makes them.
 *
 * A notification is a row for one user (InvenTree's NotificationMessage):
 * a category ("part.notify_low_stock"), a name, a message, the object it
 * is about, when, and whether the user has read it.  Users see only their
 * own: notification_resource (/api/notifications/, served by
 * cgi-bin/notifications.c) is scoped to the signed-in user.  When SENDMAIL is set, each one is also sent by e-mail
 * to a user who has an address, by a notify_email task of its own, so a
 * failing mail server is retried with the queue's backoff and never holds
 * up anything else.
 *
 * Low stock: every stock change emits EVENT_STOCK_CHANGED; its handler,
 * notify_on_stock_changed(), enqueues a low_stock task for the part (one
 * waiting task per part at most) only when the part's state has crossed
 * its minimum: below a non-zero minimum_stock but its subscribers not yet
 * told, or told and no longer below.  The task decides on the committed
 * state: on the way down it tells each subscriber who may view parts (a
 * star on the part, or on its category or any category above) and marks
 * the part told (part.low_stock_notified); on the way up it clears the
 * mark.  So a part that keeps falling gets one notification per dip, not
 * one per removal, and a new one once it has been restocked to its
 * minimum and falls again.  (InvenTree notifies at every check and drops
 * repeats within a day; a state is exact where a window only guesses.)
 *
 * E-mail goes through the sendmail program with execv (no shell), the
 * recipient as its own argument after "--", the message on its standard
 * input; addresses are checked with cfg_email_ok() and header values are
 * encoded (RFC 2047) so nothing from a part's name can add a header.
 */
#ifndef SR_NOTIFY_H
#define SR_NOTIFY_H

#include <stddef.h>

#include "tasks/event.h"

struct cJSON;
struct ctx;
struct err;
struct resource;

/* The user's own notifications (/api/notifications/). */
extern const struct resource notification_resource;

#define NOTIFY_LOW_STOCK	"part.notify_low_stock"
#define NOTIFY_SENDMAIL_TIMEOUT	60	/* seconds before sendmail is killed */

struct err	*notify_on_stock_changed(struct ctx *, enum event_kind,
		    long long part);
int		 notify_low_stock_task(struct ctx *, const struct cJSON *args,
		    char *err, size_t errsz);
int		 notify_email_task(struct ctx *, const struct cJSON *args,
		    char *err, size_t errsz);
const char	*notify_age_human(long long seconds, char *buf, size_t bufsz);
size_t		 notify_header_value(const char *in, char *out, size_t outsz);

#endif
