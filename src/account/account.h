/*
 * The account wing's public interface: accounts and their roles (users.c),
 * login sessions (session.c) and the login itself (login.c).  Passwords
 * (password.c) and login throttling (throttle.c) are the wing's own.
 */
#ifndef CR_ACCOUNT_H
#define CR_ACCOUNT_H

#include <jansson.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "search.h"

/* Accounts: customers (enterprise, individual) and staff (reviewer, finance, admin). */
enum cr_role { CR_ROLE_ENTERPRISE, CR_ROLE_INDIVIDUAL, CR_ROLE_REVIEWER, CR_ROLE_FINANCE, CR_ROLE_ADMIN };
#define CR_ROLE_COUNT 5
#define CR_LOGIN_MAX 100 /* characters */
#define CR_NAME_MAX 200

struct cr_user {
	long long id;
	char login[4 * CR_LOGIN_MAX + 1];
	char name[4 * CR_NAME_MAX + 1];
	enum cr_role role;
};

/* "enterprise", ... ; NULL for an out-of-range role. */
const char *cr_role_name(enum cr_role role);
/* The role named s, or -1. */
int cr_role_parse(const char *s);
/* 1 for enterprise and individual accounts. */
int cr_role_is_customer(enum cr_role role);

/*
 * Creates an account.  login must be 1..CR_LOGIN_MAX characters of
 * printable UTF-8 without leading or trailing space; CR_ECONFLICT when the
 * login exists.  Sets *id.
 */
int cr_user_add(struct cr_db *db, const char *login, const char *name, enum cr_role role,
                const char *password, long long *id, struct cr_err *err);
/* Replaces the password of login. */
int cr_user_set_password(struct cr_db *db, const char *login, const char *password, struct cr_err *err);
/*
 * Looks login up and fills u and, unless hash is NULL, the stored hash
 * (CR_PW_ENCODED_MAX bytes, password.h);
 * CR_ENOTFOUND when missing or disabled.
 */
int cr_user_find(struct cr_db *db, const char *login, struct cr_user *u, char *hash, struct cr_err *err);
/* 1 when account id is an enterprise (0 for individuals, staff, or when the database cannot tell). */
int cr_user_is_enterprise(struct cr_db *db, long long id);
/* Checks a login name's shape; 0 or CR_EINVAL naming field "account". */
int cr_user_check_login(const char *login, struct cr_err *err);

/*
 * Staff administration (role admin), each change audited by actor.  The
 * users, staff first, a page of limit after the user after (0: from the
 * start): {"items":[{id, account, name, role, disabled, created_at,
 * recent_failures, throttled}], "next"}.
 */
/* The users, staff first, or those the search s names (newest first); s may be NULL. */
int cr_users_list(struct cr_db *db, const struct cr_search *s, long long after, long long limit, json_t **out,
                  struct cr_err *err);
/* cr_user_add with the role by name (refused with a Chinese reason when unknown), audited. */
int cr_user_create(struct cr_db *db, const struct cr_actor *actor, const char *login, const char *name,
                   const char *role, const char *password, long long *id, struct cr_err *err);
/* Sets a new password; also ends the user's sessions and lifts a login slowdown. */
int cr_user_reset_password(struct cr_db *db, const struct cr_actor *actor, long long id, const char *password,
                           struct cr_err *err);
/* Clears the failed logins of an account, lifting its slowdown. */
int cr_user_unlock(struct cr_db *db, const struct cr_actor *actor, long long id, struct cr_err *err);

#define CR_PW_MAX_LEN 256 /* characters of a password, at most */
#define CR_DEVICE_HEX 64  /* characters of a device cookie (throttle.c) */

/*
 * Login sessions: 256-bit random tokens given to the browser as a cookie;
 * only their SHA-256 is stored.  Idle and absolute limits come from the
 * configuration.  The CSRF token of a session is derived from its token
 * (SHA-256 over a label and the token), so it needs no storage and reveals
 * nothing about the token.
 */
#define CR_TOKEN_HEX 64 /* characters of a session token in the cookie */
#define CR_CSRF_HEX 64

struct cr_session {
	struct cr_user user;
	char csrf[CR_CSRF_HEX + 1];
	long long idle; /* seconds since the session was last seen */
};

/* Creates a session for user_id; writes the cookie token (hex) and csrf token. */
int cr_session_create(struct cr_db *db, const struct cr_config *cfg, long long user_id, const char *ip,
                      char token[CR_TOKEN_HEX + 1], char csrf[CR_CSRF_HEX + 1], struct cr_err *err);
/*
 * Looks the cookie token up; CR_ENOTFOUND when unknown, expired or idle too
 * long.  Refreshes last_seen at most once a minute.
 */
int cr_session_lookup(struct cr_db *db, const struct cr_config *cfg, const char *token, struct cr_session *s,
                      struct cr_err *err);
int cr_session_delete(struct cr_db *db, const char *token, struct cr_err *err);
/* Derives the CSRF token of a session token. */
void cr_session_csrf(const char *token, char csrf[CR_CSRF_HEX + 1]);

/*
 * Logging in (SPEC 10, POST /api/v1/session): the whole use case, from the
 * typed account and password to a new session, whatever carries them.
 *
 * The budgets (throttle.c) are checked and the try recorded before any
 * password is hashed, so that refused tries cost little; an unknown
 * account costs the same hash as a wrong password; a failure is audited
 * (or, when its audit row cannot be written, said so in out->audit_failed
 * for the host's counters); a success ends the session that asked (no
 * fixation), makes a new one and remembers the browser's device cookie,
 * its own failures budget from then on.  Nothing of the password is ever
 * logged; an unknown account only by its first characters and length.
 */
struct cr_login_in {
	const char *account, *password; /* as typed: 1..CR_LOGIN_MAX and 1..CR_PW_MAX_LEN characters */
	const char *ip;
	const char *device;      /* the browser's device cookie, or NULL */
	const char *old_session; /* the token of the session that asks, or NULL */
};

struct cr_login_out {
	struct cr_user user;
	char token[CR_TOKEN_HEX + 1]; /* the new session's cookie */
	char csrf[CR_CSRF_HEX + 1];
	char device[CR_DEVICE_HEX + 1]; /* the device cookie to set */
	long long wait;                 /* CR_ETHROTTLED: seconds until the next try may be made */
	int audit_failed;               /* CR_EAUTH: the failure's audit row could not be written */
};

/*
 * 0 with out filled; else, with a Chinese reason in err->user:
 * CR_EINVAL (field "account") for a name holding invisible characters,
 * CR_ETHROTTLED with out->wait, CR_EAUTH for a wrong account or password
 * (the same answer for both), or the database's error.
 */
int cr_login(struct cr_db *db, const struct cr_config *cfg, const struct cr_login_in *in,
             struct cr_login_out *out, struct cr_err *err);

#endif
