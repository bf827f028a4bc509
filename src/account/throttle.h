/*
 * Login throttling without lock-out (OWASP's device cookies).
 *
 * Every try is recorded before the password is hashed (pending), then
 * marked a failure or a success; the budgets are checked and the try
 * recorded in one transaction that holds the account's row, so
 * simultaneous guesses cannot slip past the count.
 *
 * A browser that has logged into an account carries a device cookie; its
 * tries for that account are counted on their own budget, so nobody can
 * lock a customer out by guessing from elsewhere.  Tries from unknown
 * devices are limited per (account, address), per address and, shared,
 * per account.  Successful logins are limited per account as well: each
 * costs an Argon2id hash.
 */
#ifndef CR_THROTTLE_H
#define CR_THROTTLE_H

#include <stdint.h>

#include "account.h"
#include "config.h"
#include "db.h"

struct cr_throttle_try {
	long long id;       /* the attempt's row */
	int trusted;        /* the device cookie is known for this account */
	uint8_t device[32]; /* SHA-256 of that cookie (when trusted) */
};

/*
 * Checks the budgets of account tried from ip with the device cookie
 * device (NULL: none).  When one is spent, *wait receives the seconds to
 * wait, *why "failures" or "successes", and nothing is recorded; else the
 * try is recorded as pending in t.
 */
int cr_throttle_begin(struct cr_db *db, const struct cr_config *cfg, const char *account, const char *ip,
                      const char *device, struct cr_throttle_try *t, long long *wait, const char **why,
                      struct cr_err *err);
/* Marks the try a success or a failure; a success clears this device's (or address's) failures. */
int cr_throttle_end(struct cr_db *db, const struct cr_throttle_try *t, const char *account, const char *ip,
                    int ok, struct cr_err *err);
/*
 * After a success: remembers the browser's device cookie (device, or a new
 * one when device is NULL or malformed) for user_id; out receives the
 * cookie to set.
 */
int cr_throttle_remember_device(struct cr_db *db, long long user_id, const char *device,
                                char out[CR_DEVICE_HEX + 1], struct cr_err *err);
/* Forgets every try of an account (the admin's unlock). */
int cr_throttle_clear(struct cr_db *db, const char *account, struct cr_err *err);

#endif
