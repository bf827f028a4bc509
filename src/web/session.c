/* POST /api/v1/session (login), DELETE /api/v1/session (logout), GET /api/v1/me. */
#include <stdio.h>
#include <string.h>

#include "account/account.h"
#include "handlers.h"

static json_t *
user_json(const struct cr_user *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)u->id, "account", u->login, "name",
	                 u->name, "role", cr_role_name(u->role), "is_staff", !cr_role_is_customer(u->role));
}

static void
set_cookie(struct cr_req *r, const char *token, long long max_age)
{
	cr_req_header(r, "Set-Cookie: certrenew_session=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s",
	              token, max_age, cr_req_secure(r) ? "; Secure" : "");
}

/* Checks the body's shape and answers the outcome of cr_login (account.h) with its cookies. */
void
cr_h_login(struct cr_req *r)
{
	char device[CR_DEVICE_HEX + 1], old[CR_TOKEN_HEX + 1];
	struct cr_login_in in = {.ip = r->remote_addr};
	struct cr_login_out out;
	struct cr_err err;
	struct cr_db *db;
	json_t *body;
	int rc;

	if ((body = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, body, "account", 1, CR_LOGIN_MAX, &in.account) != 0 ||
	    cr_json_string(r, body, "password", 1, CR_PW_MAX_LEN, &in.password) != 0)
		goto out;
	if (*in.account == '\0') {
		cr_reply_error(r, 400, "missing_field", "account", "请输入账号");
		goto out;
	}
	if (*in.password == '\0') {
		cr_reply_error(r, 400, "missing_field", "password", "请输入密码");
		goto out;
	}
	if ((db = cr_req_db(r)) == NULL)
		goto out;
	if (cr_req_cookie(r, "certrenew_device", device, sizeof device) == 0)
		in.device = device;
	if (cr_req_cookie(r, "certrenew_session", old, sizeof old) == 0)
		in.old_session = old;
	rc = cr_login(db, r->web->cfg, &in, &out, &err);
	if (rc == CR_EINVAL) {
		cr_reply_error(r, 400, "invalid_account", err.field, "%s", err.user);
		goto out;
	}
	if (rc == CR_ETHROTTLED)
		cr_req_header(r, "Retry-After: %lld", out.wait);
	if (rc == CR_EAUTH && out.audit_failed && r->web->counters.audit_failed)
		r->web->counters.audit_failed(r->web->counters.ctx);
	if (rc != 0) {
		cr_reply_cr_err(r, &err);
		goto out;
	}
	set_cookie(r, out.token, r->web->cfg->web_session_absolute);
	/* The browser is known for this account from now on: its own failures budget (throttle.h). */
	cr_req_header(r,
	              "Set-Cookie: certrenew_device=%s; Path=/api/v1/session; Max-Age=31536000; HttpOnly;"
	              " SameSite=Strict%s",
	              out.device, cr_req_secure(r) ? "; Secure" : "");
	cr_reply_json(r, 200, json_pack("{s:o, s:s}", "user", user_json(&out.user), "csrf_token", out.csrf));
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
