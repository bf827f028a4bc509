#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "throttle.h"

#define WINDOW 900   /* seconds over which failures count */
#define MAX_WAIT 900 /* the longest wait */
/*
 * Failures before waiting: a known device; an unknown one per (account, address), per address, per account.
 */
#define FREE_DEVICE 5
#define FREE_ACCOUNT_IP 5
#define FREE_IP 20
#define FREE_ACCOUNT 10
#define DEVICE_AGE_DAYS 365
#define DEVICES_KEPT 50 /* per account */

/* One budget: n failures, the last since seconds ago; free of them cost nothing. */
static long long
failure_wait(long long n, long long since, long long free)
{
	long long need;

	if (n < free)
		return 0;
	/* free failures: wait 2 s, one more: 4 s, ... up to MAX_WAIT. */
	need = n - free >= 9 ? MAX_WAIT : 2LL << (n - free);
	if (need > MAX_WAIT)
		need = MAX_WAIT;
	return need > since ? need - since : 0;
}

static int
device_hash(const char *device, uint8_t hash[32])
{
	uint8_t raw[32];

	if (device == NULL || strlen(device) != CR_DEVICE_HEX || cr_unhex(raw, sizeof raw, device) != 0)
		return -1;
	cr_sha256(hash, raw, sizeof raw);
	return 0;
}

/* The waits the budgets ask for; the caller holds the account's row. */
static int
budgets(struct cr_db *db, const struct cr_config *cfg, const char *account, const char *ip,
        const struct cr_throttle_try *t, long long *wait, const char **why, struct cr_err *err)
{
	struct cr_res res;
	long long w;
	int rc;

	*wait = 0;
	if (t->trusted) {
		rc = cr_db_exec(
		    db, &res, err,
		    "SELECT COUNT(*), TIMESTAMPDIFF(SECOND, MAX(at), UTC_TIMESTAMP(6)) FROM login_attempts"
		    " WHERE device = ? AND account = ? AND outcome <> 'success'"
		    " AND at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND",
		    "bsi", t->device, sizeof t->device, account, (long long)WINDOW);
		if (rc != 0)
			return rc;
		*wait = failure_wait(cr_res_i64(&res, 0, 0), cr_res_i64(&res, 0, 1), FREE_DEVICE);
		cr_res_release(&res);
	} else {
		static const long long free[] = {FREE_ACCOUNT_IP, FREE_IP, FREE_ACCOUNT};

		rc = cr_db_exec(
		    db, &res, err,
		    "SELECT COUNT(*), TIMESTAMPDIFF(SECOND, MAX(at), UTC_TIMESTAMP(6)) FROM login_attempts"
		    " WHERE account = ? AND ip = ? AND device IS NULL AND outcome <> 'success'"
		    " AND at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND"
		    " UNION ALL "
		    "SELECT COUNT(*), TIMESTAMPDIFF(SECOND, MAX(at), UTC_TIMESTAMP(6)) FROM login_attempts"
		    " WHERE ip = ? AND device IS NULL AND outcome <> 'success'"
		    " AND at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND"
		    " UNION ALL "
		    "SELECT COUNT(*), TIMESTAMPDIFF(SECOND, MAX(at), UTC_TIMESTAMP(6)) FROM login_attempts"
		    " WHERE account = ? AND device IS NULL AND outcome <> 'success'"
		    " AND at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND",
		    "ssisisi", account, ip, (long long)WINDOW, ip, (long long)WINDOW, account,
		    (long long)WINDOW);
		if (rc != 0)
			return rc;
		for (size_t r = 0; r < res.nrows && r < 3; r++)
			if ((w = failure_wait(cr_res_i64(&res, r, 0), cr_res_i64(&res, r, 1), free[r])) >
			    *wait)
				*wait = w;
		cr_res_release(&res);
	}
	if (*wait > 0) {
		*why = "failures";
		return 0;
	}
	/* Each success costs a password hash too: so many a minute per account, from anywhere. */
	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT COUNT(*), TIMESTAMPDIFF(SECOND, MIN(at), UTC_TIMESTAMP(6)) FROM login_attempts"
	    " WHERE account = ? AND outcome = 'success' AND at > UTC_TIMESTAMP(6) - INTERVAL 60 SECOND",
	    "s", account);
	if (rc != 0)
		return rc;
	if (cr_res_i64(&res, 0, 0) >= cfg->web_logins_per_minute) {
		w = 60 - cr_res_i64(&res, 0, 1);
		*wait = w > 0 ? w : 1;
		*why = "successes";
	}
	cr_res_release(&res);
	return 0;
}

/* A try's check and record, as its transaction (cr_db_tx) sees it. */
struct
try {
	const struct cr_config *cfg;
	const char *account, *ip, *device;
	struct cr_throttle_try *t;
	long long *wait;
	const char **why;
};

static int
begin_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	const struct try *y = arg;
	struct cr_throttle_try *t = y->t;
	const char *account = y->account;
	struct cr_res res;
	int rc;

	memset(t, 0, sizeof *t);
	*y->wait = 0;
	*y->why = NULL;
	/*
	 * The account's row, held until the try is recorded, makes check and
	 * record one step for simultaneous tries (an unknown account has no
	 * row: there is nothing to guess).
	 */
	rc = cr_db_exec(db, &res, err,
	                "SELECT id FROM users WHERE login = ? AND login = ? COLLATE utf8mb4_bin FOR UPDATE",
	                "ss", account, account);
	if (rc != 0)
		return rc;
	cr_res_release(&res);
	if (device_hash(y->device, t->device) == 0) {
		rc = cr_db_exec(db, &res, err,
		                "SELECT 1 FROM login_devices d JOIN users u ON u.id = d.user_id"
		                " WHERE d.token_hash = ? AND u.login = ? AND u.login = ? COLLATE utf8mb4_bin",
		                "bss", t->device, sizeof t->device, account, account);
		if (rc != 0)
			return rc;
		t->trusted = res.nrows > 0;
		cr_res_release(&res);
	}
	if ((rc = budgets(db, y->cfg, account, y->ip, t, y->wait, y->why, err)) != 0 || *y->wait > 0)
		return rc; /* slowed down: nothing is recorded (the transaction wrote nothing) */
	/* Tries older than a day count for nothing: this account's go while it is held anyway. */
	if ((rc = cr_db_exec(
	         db, NULL, err,
	         "DELETE FROM login_attempts WHERE account = ? AND at < UTC_TIMESTAMP(6) - INTERVAL 1 DAY",
	         "s", account)) != 0)
		return rc;
	if (t->trusted)
		rc = cr_db_exec(db, NULL, err,
		                "INSERT INTO login_attempts (account, ip, device, outcome, at)"
		                " VALUES (?, ?, ?, 'pending', UTC_TIMESTAMP(6))",
		                "ssb", account, y->ip, t->device, sizeof t->device);
	else
		rc = cr_db_exec(db, NULL, err,
		                "INSERT INTO login_attempts (account, ip, outcome, at)"
		                " VALUES (?, ?, 'pending', UTC_TIMESTAMP(6))",
		                "ss", account, y->ip);
	if (rc == 0)
		t->id = cr_db_insert_id(db);
	return rc;
}

int
cr_throttle_begin(struct cr_db *db, const struct cr_config *cfg, const char *account, const char *ip,
                  const char *device, struct cr_throttle_try *t, long long *wait, const char **why,
                  struct cr_err *err)
{
	struct try y = {cfg, account, ip, device, t, wait, why};

	return cr_db_tx(db, begin_tx, &y, err);
}

struct end_step {
	const struct cr_throttle_try *t;
	const char *account, *ip;
	int ok;
};

static int
end_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct end_step *e = arg;
	int rc;

	rc = cr_db_exec(db, NULL, err, "UPDATE login_attempts SET outcome = ? WHERE id = ?", "si",
	                e->ok ? "success" : "failure", e->t->id);
	if (rc != 0 || !e->ok)
		return rc;
	/* This device's (or, unknown, this address's) failures are forgiven; others' still count. */
	if (e->t->trusted)
		return cr_db_exec(
		    db, NULL, err,
		    "DELETE FROM login_attempts WHERE account = ? AND device = ? AND outcome <> 'success'",
		    "sb", e->account, e->t->device, sizeof e->t->device);
	return cr_db_exec(db, NULL, err,
	                  "DELETE FROM login_attempts WHERE account = ? AND ip = ? AND device IS NULL"
	                  " AND outcome <> 'success'",
	                  "ss", e->account, e->ip);
}

int
cr_throttle_end(struct cr_db *db, const struct cr_throttle_try *t, const char *account, const char *ip,
                int ok, struct cr_err *err)
{
	/* One transaction, run again whole when it meets another login's (a deadlock, a Galera conflict). */
	return cr_db_tx(db, end_tx, &(struct end_step){t, account, ip, ok}, err);
}

struct device_step {
	long long user_id;
	const uint8_t *hash;
};

static int
device_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct device_step *d = arg;
	struct cr_res res;
	int rc;

	cr_db_exec(
	    db, NULL, NULL,
	    "DELETE FROM login_devices WHERE user_id = ? AND last_used < UTC_TIMESTAMP() - INTERVAL ? DAY",
	    "ii", d->user_id, (long long)DEVICE_AGE_DAYS);
	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO login_devices (token_hash, user_id, created_at, last_used)"
	                " VALUES (?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())"
	                " ON DUPLICATE KEY UPDATE last_used = UTC_TIMESTAMP()",
	                "bi", d->hash, (size_t)32, d->user_id);
	if (rc != 0)
		return rc;
	/* A script logging in without keeping cookies must not grow the table: the newest so many stay. */
	if (cr_db_exec(db, &res, NULL,
	               "SELECT last_used FROM login_devices WHERE user_id = ? ORDER BY last_used DESC LIMIT "
	               "1 OFFSET ?",
	               "ii", d->user_id, (long long)DEVICES_KEPT) == 0) {
		if (res.nrows > 0)
			cr_db_exec(db, NULL, NULL,
			           "DELETE FROM login_devices WHERE user_id = ? AND last_used < ?", "is",
			           d->user_id, cr_res_str(&res, 0, 0));
		cr_res_release(&res);
	}
	return 0;
}

int
cr_throttle_remember_device(struct cr_db *db, long long user_id, const char *device,
                            char out[CR_DEVICE_HEX + 1], struct cr_err *err)
{
	uint8_t raw[32], hash[32];

	if (device != NULL && strlen(device) == CR_DEVICE_HEX && cr_unhex(raw, sizeof raw, device) == 0) {
		if (out != device) /* the caller may pass the same buffer */
			memcpy(out, device, CR_DEVICE_HEX + 1);
	} else {
		if (cr_random(raw, sizeof raw) != 0)
			return cr_err_set(err, CR_EIO, "login: no random bytes");
		cr_hex(out, raw, sizeof raw);
	}
	cr_sha256(hash, raw, sizeof raw);
	return cr_db_tx(db, device_tx, &(struct device_step){user_id, hash}, err);
}

int
cr_throttle_clear(struct cr_db *db, const char *account, struct cr_err *err)
{
	return cr_db_exec(db, NULL, err, "DELETE FROM login_attempts WHERE account = ?", "s", account);
}
