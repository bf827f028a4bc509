#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "session.h"

#define THROTTLE_WINDOW 900 /* seconds */
#define THROTTLE_FREE 5     /* failures before waiting */
#define THROTTLE_MAX_WAIT 900

void
cr_session_csrf(const char *token, char csrf[CR_CSRF_HEX + 1])
{
	char buf[16 + CR_TOKEN_HEX + 1];

	snprintf(buf, sizeof buf, "certrenew-csrf:%s", token);
	cr_sha256_hex(csrf, buf, strlen(buf));
}

static int
token_hash(const char *token, uint8_t hash[32])
{
	uint8_t raw[32];

	if (token == NULL || cr_unhex(raw, sizeof raw, token) != 0)
		return -1;
	cr_sha256(hash, raw, sizeof raw);
	return 0;
}

int
cr_session_create(struct cr_db *db, const struct cr_config *cfg, long long user_id, const char *ip,
                  char token[CR_TOKEN_HEX + 1], char csrf[CR_CSRF_HEX + 1], struct cr_err *err)
{
	uint8_t raw[32], hash[32];
	int rc;

	if (cr_random(raw, sizeof raw) != 0)
		return cr_err_set(err, CR_EIO, "session: no random bytes");
	cr_hex(token, raw, sizeof raw);
	cr_sha256(hash, raw, sizeof raw);
	cr_session_csrf(token, csrf);
	/* Old sessions of this user that ran out are of no use to anyone. */
	cr_db_exec(db, NULL, NULL,
	           "DELETE FROM sessions WHERE user_id = ? AND (expires_at <= UTC_TIMESTAMP()"
	           " OR last_seen < UTC_TIMESTAMP() - INTERVAL ? SECOND)",
	           "ii", user_id, (long long)cfg->web_session_idle);
	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at, ip)"
	                " VALUES (?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(),"
	                " UTC_TIMESTAMP() + INTERVAL ? SECOND, ?)",
	                "biis", hash, sizeof hash, user_id, (long long)cfg->web_session_absolute, ip);
	return rc;
}

int
cr_session_lookup(struct cr_db *db, const struct cr_config *cfg, const char *token, struct cr_session *s,
                  struct cr_err *err)
{
	struct cr_res res;
	uint8_t hash[32];
	int rc;

	if (token_hash(token, hash) != 0)
		return cr_err_set(err, CR_ENOTFOUND, "session: malformed token");
	rc = cr_db_exec(db, &res, err,
	                "SELECT u.id, u.login, u.display_name, u.role,"
	                " TIMESTAMPDIFF(SECOND, s.last_seen, UTC_TIMESTAMP())"
	                " FROM sessions s JOIN users u ON u.id = s.user_id"
	                " WHERE s.token_hash = ? AND s.expires_at > UTC_TIMESTAMP()"
	                " AND s.last_seen > UTC_TIMESTAMP() - INTERVAL ? SECOND AND u.disabled = 0",
	                "bi", hash, sizeof hash, (long long)cfg->web_session_idle);
	if (rc != 0)
		return rc;
	if (res.nrows == 0) {
		cr_res_release(&res);
		return cr_err_set(err, CR_ENOTFOUND, "session: unknown or expired");
	}
	s->user.id = cr_res_i64(&res, 0, 0);
	snprintf(s->user.login, sizeof s->user.login, "%s", cr_res_str(&res, 0, 1));
	snprintf(s->user.name, sizeof s->user.name, "%s", cr_res_str(&res, 0, 2));
	s->user.role = cr_role_parse(cr_res_str(&res, 0, 3));
	s->idle = cr_res_i64(&res, 0, 4);
	cr_res_release(&res);
	cr_session_csrf(token, s->csrf);
	/* Writing on every request would cost a commit per request; a minute is fine-grained enough. */
	if (s->idle >= 60)
		cr_db_exec(db, NULL, NULL,
		           "UPDATE sessions SET last_seen = UTC_TIMESTAMP() WHERE token_hash = ?", "b", hash,
		           sizeof hash);
	return 0;
}

int
cr_session_delete(struct cr_db *db, const char *token, struct cr_err *err)
{
	uint8_t hash[32];

	if (token_hash(token, hash) != 0)
		return 0;
	return cr_db_exec(db, NULL, err, "DELETE FROM sessions WHERE token_hash = ?", "b", hash, sizeof hash);
}

int
cr_login_throttle(struct cr_db *db, const char *account, const char *ip, long long *wait, struct cr_err *err)
{
	struct cr_res res;
	int rc;

	*wait = 0;
	/* For the account and the address: failures in the window, seconds since the last. */
	rc = cr_db_exec(db, &res, err,
	                "SELECT COUNT(*), TIMESTAMPDIFF(SECOND, MAX(at), UTC_TIMESTAMP(6))"
	                " FROM login_failures WHERE account = ? AND at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND"
	                " UNION ALL "
	                "SELECT COUNT(*), TIMESTAMPDIFF(SECOND, MAX(at), UTC_TIMESTAMP(6))"
	                " FROM login_failures WHERE ip = ? AND at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND",
	                "sisi", account, (long long)THROTTLE_WINDOW, ip, (long long)THROTTLE_WINDOW);
	if (rc != 0)
		return rc;
	for (size_t r = 0; r < res.nrows; r++) {
		long long n = cr_res_i64(&res, r, 0), since = cr_res_i64(&res, r, 1), need;

		if (n < THROTTLE_FREE)
			continue;
		/* 5 failures: wait 2 s, 6: 4 s, 7: 8 s ... up to 15 minutes. */
		need = n - THROTTLE_FREE >= 9 ? THROTTLE_MAX_WAIT : 2LL << (n - THROTTLE_FREE);
		if (need > THROTTLE_MAX_WAIT)
			need = THROTTLE_MAX_WAIT;
		if (need - since > *wait)
			*wait = need - since;
	}
	cr_res_release(&res);
	return 0;
}

int
cr_login_failed(struct cr_db *db, const char *account, const char *ip, struct cr_err *err)
{
	return cr_db_exec(db, NULL, err,
	                  "INSERT INTO login_failures (account, ip, at) VALUES (?, ?, UTC_TIMESTAMP(6))",
	                  "ss", account, ip);
}

int
cr_login_succeeded(struct cr_db *db, const char *account, struct cr_err *err)
{
	return cr_db_exec(db, NULL, err, "DELETE FROM login_failures WHERE account = ?", "s", account);
}
