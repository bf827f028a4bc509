#include <string.h>

#include "account.h"
#include "log.h"
#include "password.h"
#include "throttle.h"
#include "utf8.h"

/* A wrong account or password: recorded, audited and logged; CR_EAUTH. */
static int
failed(struct cr_db *db, const struct cr_login_in *in, const struct cr_throttle_try *try, int known,
       struct cr_login_out *out, struct cr_err *err)
{
	struct cr_actor anon = {0, "anonymous", in->ip};
	struct cr_err why;
	char shown[80];

	if (cr_throttle_end(db, try, in->account, in->ip, 0, &why) != 0)
		cr_error("login: a failed try could not be marked: %s", why.msg);
	/* The failure is recorded, or the failure to record it is loud. */
	if (cr_audit_s(db, &anon, "login.failure", "account", in->account, NULL, NULL, &why) != 0) {
		cr_error("audit: a failed login could not be recorded: %s", why.msg);
		out->audit_failed = 1;
	}
	cr_info("login failed for account '%s' from %s",
	        cr_log_account(in->account, known, shown, sizeof shown), in->ip);
	return cr_err_user(err, CR_EAUTH, NULL, "账号或密码错误");
}

struct session_step {
	const struct cr_config *cfg;
	const struct cr_login_in *in;
	struct cr_login_out *out;
};

/* The new session, with the end of the old one and the audit row: one transaction (cr_db_tx). */
static int
open_session(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct session_step *s = arg;
	struct cr_actor who = {s->out->user.id, s->out->user.login, s->in->ip};
	int rc = 0;

	if (s->in->old_session && (rc = cr_session_delete(db, s->in->old_session, err)) == CR_ENOTFOUND)
		rc = 0;
	if (rc == 0)
		rc = cr_session_create(db, s->cfg, s->out->user.id, s->in->ip, s->out->token, s->out->csrf,
		                       err);
	if (rc == 0)
		rc = cr_audit(db, &who, "login.success", "user", s->out->user.id, NULL, NULL, err);
	return rc;
}

int
cr_login(struct cr_db *db, const struct cr_config *cfg, const struct cr_login_in *in,
         struct cr_login_out *out, struct cr_err *err)
{
	char hash[CR_PW_ENCODED_MAX], shown[80];
	struct cr_throttle_try try;
	const char *why;
	int rc, ok;

	memset(out, 0, sizeof *out);
	/* A name made of invisible characters could pass for another's: refused before any lookup. */
	if (cr_utf8_invisible(in->account)) {
		cr_warn("login refused from %s: the account '%s' holds invisible characters", in->ip,
		        cr_log_account(in->account, 0, shown, sizeof shown));
		return cr_err_user(err, CR_EINVAL, "account", "账号不能包含不可见字符或文字方向控制字符");
	}
	if ((rc = cr_throttle_begin(db, cfg, in->account, in->ip, in->device, &try, &out->wait, &why, err)) !=
	    0)
		return rc;
	if (out->wait > 0) {
		if (strcmp(why, "successes") == 0)
			return cr_err_user(err, CR_ETHROTTLED, NULL, "登录过于频繁，请 %lld 秒后再试",
			                   out->wait);
		return cr_err_user(err, CR_ETHROTTLED, NULL, "登录失败次数过多，请 %lld 秒后再试", out->wait);
	}
	rc = cr_user_find(db, in->account, &out->user, hash, err);
	if (rc != 0 && rc != CR_ENOTFOUND)
		return rc;
	if (rc == CR_ENOTFOUND) {
		cr_password_dummy_verify(in->password); /* the same time as a wrong password */
		ok = 0;
	} else {
		ok = cr_password_verify(hash, in->password);
	}
	if (!ok)
		return failed(db, in, &try, rc != CR_ENOTFOUND, out, err);
	if ((rc = cr_throttle_end(db, &try, in->account, in->ip, 1, err)) != 0 ||
	    (rc = cr_throttle_remember_device(db, out->user.id, in->device, out->device, err)) != 0 ||
	    (rc = cr_db_tx(db, open_session, &(struct session_step){cfg, in, out}, err)) != 0)
		return rc;
	cr_info("login: %s (%s) from %s", out->user.login, cr_role_name(out->user.role), in->ip);
	return 0;
}
