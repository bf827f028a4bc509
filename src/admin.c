#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "idcheck.h"
#include "password.h"
#include "price.h"
#include "users.h"

int
cr_admin_users(struct cr_db *db, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc;

	rc = cr_db_exec(db, &res, err,
			"SELECT u.id, u.login, u.display_name, u.role, u.disabled, DATE_FORMAT(u.created_at, '%Y-%m-%dT%H:%i:%SZ'),"
			" (SELECT COUNT(*) FROM login_failures f WHERE f.account = u.login"
			" AND f.at > UTC_TIMESTAMP(6) - INTERVAL 15 MINUTE)"
			" FROM users u ORDER BY u.role = 'enterprise' OR u.role = 'individual', u.id LIMIT 2000",
			"");
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:I, s:b}", "id",
						       (json_int_t)cr_res_i64(&res, i, 0), "account", cr_res_str(&res, i, 1),
						       "name", cr_res_str(&res, i, 2), "role", cr_res_str(&res, i, 3),
						       "disabled", (int)cr_res_i64(&res, i, 4), "created_at",
						       cr_res_str(&res, i, 5), "recent_failures",
						       (json_int_t)cr_res_i64(&res, i, 6), "throttled",
						       cr_res_i64(&res, i, 6) >= 5));
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int
cr_admin_user_add(struct cr_db *db, const struct cr_actor *actor, const char *login, const char *name,
		  const char *role, const char *password, long long *id, struct cr_err *err)
{
	int r = role ? cr_role_parse(role) : -1, rc;

	if (r < 0)
		return cr_err_field(err, CR_EINVAL, "role", "角色无效（可选：enterprise individual reviewer finance admin）");
	if (name && *name && (rc = cr_check_text(name, "name", "姓名", CR_NAME_MAX, 0, err)) != 0)
		return rc;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if ((rc = cr_user_add(db, login, name, (enum cr_role)r, password, id, err)) != 0 ||
	    (rc = cr_audit(db, actor, "user.create", "user", *id, NULL,
			   json_pack("{s:s, s:s}", "account", login, "role", role), err)) != 0) {
		cr_db_rollback(db);
		return rc;
	}
	return cr_db_commit(db, err);
}

static int
login_of(struct cr_db *db, long long id, char *login, size_t len, struct cr_err *err)
{
	struct cr_res res;
	int rc = cr_db_exec(db, &res, err, "SELECT login FROM users WHERE id = ?", "i", id);

	if (rc != 0)
		return rc;
	if (res.nrows == 0) {
		cr_res_release(&res);
		return cr_err_set(err, CR_ENOTFOUND, "no such user");
	}
	snprintf(login, len, "%s", cr_res_str(&res, 0, 0));
	cr_res_release(&res);
	return 0;
}

int
cr_admin_user_password(struct cr_db *db, const struct cr_actor *actor, long long id, const char *password,
		       struct cr_err *err)
{
	char login[4 * CR_LOGIN_MAX + 1];
	int rc;

	if ((rc = login_of(db, id, login, sizeof login, err)) != 0)
		return rc;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	/* A reset also ends the user's sessions and lifts a slowdown. */
	if ((rc = cr_user_set_password(db, login, password, err)) != 0 ||
	    (rc = cr_db_exec(db, NULL, err, "DELETE FROM sessions WHERE user_id = ?", "i", id)) != 0 ||
	    (rc = cr_db_exec(db, NULL, err, "DELETE FROM login_failures WHERE account = ?", "s", login)) != 0 ||
	    (rc = cr_audit(db, actor, "user.password_reset", "user", id, NULL, json_pack("{s:s}", "account", login),
			   err)) != 0) {
		cr_db_rollback(db);
		return rc;
	}
	return cr_db_commit(db, err);
}

int
cr_admin_user_unlock(struct cr_db *db, const struct cr_actor *actor, long long id, struct cr_err *err)
{
	char login[4 * CR_LOGIN_MAX + 1];
	int rc;

	if ((rc = login_of(db, id, login, sizeof login, err)) != 0)
		return rc;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if ((rc = cr_db_exec(db, NULL, err, "DELETE FROM login_failures WHERE account = ?", "s", login)) != 0 ||
	    (rc = cr_audit(db, actor, "user.unlock", "user", id, NULL,
			   json_pack("{s:s, s:I}", "account", login, "failures_cleared", (json_int_t)db->affected), err)) != 0) {
		cr_db_rollback(db);
		return rc;
	}
	return cr_db_commit(db, err);
}

int
cr_admin_prices_set(struct cr_db *db, const struct cr_actor *actor, long long base, long long addon,
		    struct cr_err *err)
{
	struct cr_res res;
	json_t *before = NULL;
	int rc;

	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if (cr_db_exec(db, &res, NULL, "SELECT base_per_year, addon_per_year FROM prices WHERE id = 1 FOR UPDATE", "") == 0) {
		if (res.nrows)
			before = json_pack("{s:I, s:I}", "base_per_year_fen", (json_int_t)cr_res_i64(&res, 0, 0),
					   "addon_per_year_fen", (json_int_t)cr_res_i64(&res, 0, 1));
		cr_res_release(&res);
	}
	if ((rc = cr_prices_set(db, base, addon, actor->id, err)) != 0) {
		json_decref(before);
		cr_db_rollback(db);
		return rc;
	}
	if ((rc = cr_audit(db, actor, "prices.update", "prices", 1, before,
			   json_pack("{s:I, s:I}", "base_per_year_fen", (json_int_t)base, "addon_per_year_fen",
				     (json_int_t)addon), err)) != 0) {
		cr_db_rollback(db);
		return rc;
	}
	return cr_db_commit(db, err);
}

int
cr_admin_centres(struct cr_db *db, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc = cr_db_exec(db, &res, err, "SELECT id, name, sort, active FROM trading_centres ORDER BY sort, id", "");

	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:b}", "id", (json_int_t)cr_res_i64(&res, i, 0), "name",
						       cr_res_str(&res, i, 1), "sort", (json_int_t)cr_res_i64(&res, i, 2),
						       "active", (int)cr_res_i64(&res, i, 3)));
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int
cr_admin_centre_add(struct cr_db *db, const struct cr_actor *actor, const char *name, long long *id, struct cr_err *err)
{
	int rc;

	if ((rc = cr_check_text(name ? name : "", "name", "交易中心名称", 100, 1, err)) != 0)
		return rc;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	rc = cr_db_exec(db, NULL, err,
			"INSERT INTO trading_centres (name, sort) SELECT ?, IFNULL(MAX(sort), 0) + 1 FROM trading_centres", "s",
			name);
	if (rc == CR_ECONFLICT)
		rc = cr_err_field(err, CR_ECONFLICT, "name", "交易中心已存在：%s", name);
	if (rc == 0) {
		*id = (long long)db->insert_id;
		rc = cr_audit(db, actor, "trading_centre.create", "trading_centre", *id, NULL, json_pack("{s:s}", "name", name),
			      err);
	}
	if (rc != 0) {
		cr_db_rollback(db);
		return rc;
	}
	return cr_db_commit(db, err);
}

int
cr_admin_centre_update(struct cr_db *db, const struct cr_actor *actor, long long id, const char *name, int active,
		       struct cr_err *err)
{
	struct cr_res res;
	json_t *before;
	int rc;

	if (name && (rc = cr_check_text(name, "name", "交易中心名称", 100, 1, err)) != 0)
		return rc;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if ((rc = cr_db_exec(db, &res, err, "SELECT name, active FROM trading_centres WHERE id = ? FOR UPDATE", "i", id)) != 0)
		goto fail;
	if (res.nrows == 0) {
		cr_res_release(&res);
		rc = cr_err_set(err, CR_ENOTFOUND, "no such centre");
		goto fail;
	}
	before = json_pack("{s:s, s:b}", "name", cr_res_str(&res, 0, 0), "active", (int)cr_res_i64(&res, 0, 1));
	cr_res_release(&res);
	rc = cr_db_exec(db, NULL, err,
			"UPDATE trading_centres SET name = IFNULL(?, name), active = IF(? < 0, active, ?) WHERE id = ?", "siii",
			name, (long long)active, (long long)active, id);
	if (rc == CR_ECONFLICT)
		rc = cr_err_field(err, CR_ECONFLICT, "name", "交易中心已存在：%s", name);
	if (rc != 0) {
		json_decref(before);
		goto fail;
	}
	rc = cr_audit(db, actor, "trading_centre.update", "trading_centre", id, before,
		      json_pack("{s:o, s:o}", "name", name ? json_string(name) : json_null(), "active",
				active < 0 ? json_null() : json_boolean(active)),
		      err);
	if (rc != 0)
		goto fail;
	return cr_db_commit(db, err);
fail:
	cr_db_rollback(db);
	return rc;
}

/* "YYYY-MM-DD" */
static int
is_date(const char *s)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%d", &tm);
	return end && *end == '\0' && strlen(s) == 10;
}

static const char *
blank(const char *s)
{
	return s && *s ? s : NULL;
}

int
cr_admin_audit(struct cr_db *db, const char *actor, const char *action, const char *object_type, const char *object_id,
	       const char *from, const char *to, long long before_id, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc;

	actor = blank(actor), action = blank(action), object_type = blank(object_type), object_id = blank(object_id);
	from = blank(from), to = blank(to);
	if ((from && !is_date(from)) || (to && !is_date(to)))
		return cr_err_field(err, CR_EINVAL, from && !is_date(from) ? "from" : "to", "日期格式应为 YYYY-MM-DD");
	rc = cr_db_exec(db, &res, err,
			"SELECT id, at, actor, action, object_type, object_id, ip, before_state, after_state FROM audit_log"
			" WHERE (? = 0 OR id < ?) AND (? IS NULL OR actor = ?) AND (? IS NULL OR action LIKE CONCAT(?, '%'))"
			" AND (? IS NULL OR object_type = ?) AND (? IS NULL OR object_id = ?)"
			" AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < CONCAT(?, ' 99'))"
			" ORDER BY id DESC LIMIT 100",
			"iissssssssssss", before_id, before_id, actor, actor, action, action, object_type, object_type,
			object_id, object_id, from, from, to, to);
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)cr_res_i64(&res, i, 0), "at",
				      cr_res_str(&res, i, 1), "actor", cr_res_str(&res, i, 2), "action", cr_res_str(&res, i, 3),
				      "object_type", cr_res_str(&res, i, 4), "object_id", cr_res_str(&res, i, 5), "ip",
				      cr_res_str(&res, i, 6));
		const char *b = cr_res_str(&res, i, 7), *a = cr_res_str(&res, i, 8);

		json_object_set_new(o, "before", b ? json_loads(b, 0, NULL) : json_null());
		json_object_set_new(o, "after", a ? json_loads(a, 0, NULL) : json_null());
		json_array_append_new(items, o);
	}
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
