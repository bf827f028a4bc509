#include <stdio.h>
#include <string.h>

#include "account.h"
#include "bytes.h"

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
