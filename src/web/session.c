/* POST /api/v1/session (login), DELETE /api/v1/session (logout), GET /api/v1/me. */
#include <stdio.h>
#include <string.h>

#include "account/login.h"
#include "account/password.h"
#include "handlers.h"
#include "log.h"
#include "utf8.h"

static json_t *
user_json(const struct cr_user *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)u->id, "account", u->login, "name",
	                 u->name, "role", cr_role_name(u->role), "is_staff", !cr_role_is_customer(u->role));
}

static void
set_cookie(struct cr_req *r, const char *token, long long max_age)
{
	int https = strcmp(cr_req_param(r, "HTTPS"), "on") == 0;

	cr_req_header(r, "Set-Cookie: certrenew_session=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s",
	              token, max_age, https ? "; Secure" : "");
}

void
cr_h_login(struct cr_req *r)
{
	char hash[CR_PW_ENCODED_MAX], token[CR_TOKEN_HEX + 1], csrf[CR_CSRF_HEX + 1],
	    device[CR_DEVICE_HEX + 1];
	struct cr_login_try try;
	const char *why;
	int have_device;
	const char *account, *password, *ip = r->remote_addr;
	struct cr_user u;
	struct cr_err err;
	struct cr_db *db;
	long long wait;
	json_t *body;
	int rc, ok;

	if ((body = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, body, "account", 1, CR_LOGIN_MAX, &account) != 0 ||
	    cr_json_string(r, body, "password", 1, CR_PW_MAX_LEN, &password) != 0)
		goto out;
	if (*account == '\0') {
		cr_reply_error(r, 400, "missing_field", "account", "请输入账号");
		goto out;
	}
	if (*password == '\0') {
		cr_reply_error(r, 400, "missing_field", "password", "请输入密码");
		goto out;
	}
	/* A name made of invisible characters could pass for another's: refused before any lookup. */
	if (cr_utf8_invisible(account)) {
		char shown[80];

		cr_warn("login refused from %s: the account '%s' holds invisible characters", ip,
		        cr_log_account(account, 0, shown, sizeof shown));
		cr_reply_error(r, 400, "invalid_account", "account",
		               "账号不能包含不可见字符或文字方向控制字符");
		goto out;
	}
	if ((db = cr_req_db(r)) == NULL)
		goto out;
	/* The budgets are checked and the try recorded before any hashing, so refused tries cost little. */
	have_device = cr_req_cookie(r, "certrenew_device", device, sizeof device) == 0;
	if (cr_login_begin(db, r->web->cfg, account, ip, have_device ? device : NULL, &try, &wait, &why,
	                   &err) != 0) {
		cr_reply_cr_err(r, &err);
		goto out;
	}
	if (wait > 0) {
		cr_req_header(r, "Retry-After: %lld", wait);
		if (strcmp(why, "successes") == 0)
			cr_reply_error(r, 429, "too_many_attempts", NULL, "登录过于频繁，请 %lld 秒后再试",
			               wait);
		else
			cr_reply_error(r, 429, "too_many_attempts", NULL,
			               "登录失败次数过多，请 %lld 秒后再试", wait);
		goto out;
	}
	rc = cr_user_find(db, account, &u, hash, &err);
	if (rc != 0 && rc != CR_ENOTFOUND) {
		cr_reply_cr_err(r, &err);
		goto out;
	}
	if (rc == CR_ENOTFOUND) {
		cr_password_dummy_verify(password); /* same time as a wrong password */
		ok = 0;
	} else {
		ok = cr_password_verify(hash, password);
	}
	if (!ok) {
		struct cr_actor anon = {0, "anonymous", ip};

		struct cr_err aerr;

		if (cr_login_end(db, &try, account, ip, 0, &aerr) != 0)
			cr_log(CR_LOG_ERROR, "login: a failed try could not be marked: %s", aerr.msg);

		/* The failure is recorded, or the failure to record it is loud. */
		if (cr_audit_s(db, &anon, "login.failure", "account", account, NULL, NULL, &aerr) != 0) {
			cr_log(CR_LOG_ERROR, "audit: a failed login could not be recorded: %s", aerr.msg);
			if (r->web->counters.audit_failed)
				r->web->counters.audit_failed(r->web->counters.ctx);
		}
		char shown[80];

		cr_info("login failed for account '%s' from %s",
		        cr_log_account(account, rc != CR_ENOTFOUND, shown, sizeof shown), ip);
		cr_reply_error(r, 401, "invalid_credentials", NULL, "账号或密码错误");
		goto out;
	}
	if (cr_login_end(db, &try, account, ip, 1, &err) != 0 ||
	    cr_login_remember_device(db, u.id, have_device ? device : NULL, device, &err) != 0) {
		cr_reply_cr_err(r, &err);
		goto out;
	}
	if ((rc = cr_db_begin(db, &err)) == 0) {
		struct cr_actor who = {u.id, u.login, ip};
		char old[CR_TOKEN_HEX + 1];

		/* A login ends the session that made the request, if any (no fixation, no stale session). */
		if (cr_req_cookie(r, "certrenew_session", old, sizeof old) == 0 &&
		    (rc = cr_session_delete(db, old, &err)) == CR_ENOTFOUND)
			rc = 0;
		if (rc == 0 && (rc = cr_session_create(db, r->web->cfg, u.id, ip, token, csrf, &err)) == 0 &&
		    (rc = cr_audit(db, &who, "login.success", "user", u.id, NULL, NULL, &err)) == 0)
			rc = cr_db_commit(db, &err);
		else
			cr_db_rollback(db);
	}
	if (rc != 0) {
		cr_reply_cr_err(r, &err);
		goto out;
	}
	cr_info("login: %s (%s) from %s", u.login, cr_role_name(u.role), ip);
	set_cookie(r, token, r->web->cfg->web_session_absolute);
	/* The browser is known for this account from now on: its own failures budget (login.h). */
	cr_req_header(r,
	              "Set-Cookie: certrenew_device=%s; Path=/api/v1/session; Max-Age=31536000; HttpOnly;"
	              " SameSite=Strict%s",
	              device, strcmp(cr_req_param(r, "HTTPS"), "on") == 0 ? "; Secure" : "");
	cr_reply_json(r, 200, json_pack("{s:o, s:s}", "user", user_json(&u), "csrf_token", csrf));
out:
	json_decref(body);
}

void
cr_h_logout(struct cr_req *r)
{
	struct cr_actor who = cr_req_actor(r);
	struct cr_err err;

	cr_audit(r->web->db, &who, "logout", "user", r->sess.user.id, NULL, NULL, NULL);
	if (cr_session_delete(r->web->db, r->token, &err) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	set_cookie(r, "", 0);
	cr_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void
cr_h_me(struct cr_req *r)
{
	cr_reply_json(r, 200,
	              json_pack("{s:o, s:s}", "user", user_json(&r->sess.user), "csrf_token", r->sess.csrf));
}
