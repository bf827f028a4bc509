/*
 * Login sessions: 256-bit random tokens given to the browser as a cookie;
 * only their SHA-256 is stored.  Idle and absolute limits come from the
 * configuration.  The CSRF token of a session is derived from its token
 * (SHA-256 over a label and the token), so it needs no storage and reveals
 * nothing about the token.
 *
 * Login throttling is in throttle.h; the login itself in login.h.
 */
#ifndef CR_SESSION_H
#define CR_SESSION_H

#include "db.h"
#include "users.h"

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

#endif
