/*
 * audit: the audit log of account events.
 *
 * One row per sign-in, failed sign-in, sign-out, token creation and
 * revocation, password change, change to a user or group, and change to a
 * global setting (its key: settings change what every user sees), with who did
 * it, the client address, the request id and the time.  Superusers read it
 * at /api/admin/audit/ (audit_resource: a read-only list, newest first,
 * filtered by ?user=pk and ?action=name).  An entry is written inside the
 * transaction of what it records, so that one is never kept without the
 * other.
 *
 * Callers pass names and ids, never secrets: this module must never be
 * given a password, session id, API key or setup code.
 */
#ifndef SR_AUDIT_H
#define SR_AUDIT_H

struct ctx;
struct err;
struct resource;

/* The audit log as a list (/api/admin/audit/, superusers). */
extern const struct resource audit_resource;

/* Actions, as stored in audit_log.action. */
#define AUDIT_LOGIN		"login"
#define AUDIT_LOGIN_FAILED	"login_failed"
#define AUDIT_LOGIN_THROTTLED	"login_throttled"
#define AUDIT_LOGOUT		"logout"
#define AUDIT_TOKEN_CREATED	"token_created"
#define AUDIT_TOKEN_REVOKED	"token_revoked"
#define AUDIT_PASSWORD_CHANGED	"password_changed"
#define AUDIT_SIGNOUT_ALL	"signout_everywhere"
#define AUDIT_USER_CREATED	"user_created"
#define AUDIT_USER_CHANGED	"user_changed"
#define AUDIT_USER_DELETED	"user_deleted"
#define AUDIT_GROUP_CREATED	"group_created"
#define AUDIT_GROUP_CHANGED	"group_changed"
#define AUDIT_GROUP_DELETED	"group_deleted"
#define AUDIT_SETUP		"setup"
#define AUDIT_SETTING_CHANGED	"setting_changed"
#define AUDIT_DATA_IMPORTED	"data_imported"

struct err	*audit_record(struct ctx *, const char *action, long long user_id,
		    const char *username, const char *target);
struct err	*audit_event(struct ctx *, const char *action,
		    const char *target);

#endif
