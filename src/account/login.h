/*
 * Logging in (SPEC 10, POST /api/v1/session): the whole use case, from the
 * typed account and password to a new session, whatever carries them.
 *
 * The budgets of throttle.h are checked and the try recorded before any
 * password is hashed, so that refused tries cost little; an unknown
 * account costs the same hash as a wrong password; a failure is audited
 * (or, when its audit row cannot be written, said so in out->audit_failed
 * for the host's counters); a success ends the session that asked (no
 * fixation), makes a new one and remembers the browser's device cookie,
 * its own failures budget from then on.  Nothing of the password is ever
 * logged; an unknown account only by its first characters and length.
 */
#ifndef CR_LOGIN_H
#define CR_LOGIN_H

#include "config.h"
#include "db.h"
#include "session.h"
#include "throttle.h"

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
