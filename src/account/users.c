#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "json.h"
#include "password.h"
#include "search.h"
#include "text.h"
#include "throttle.h"
#include "utf8.h"

#define BAD_ROLE "角色无效（可选：enterprise individual reviewer finance admin）"

static const char *const role_names[CR_ROLE_COUNT] = {"enterprise", "individual", "reviewer", "finance",
                                                      "admin"};

const char *
cr_role_name(enum cr_role role)
{
	return (unsigned)role < CR_ROLE_COUNT ? role_names[role] : NULL;
}

int
cr_role_parse(const char *s)
{
	for (int i = 0; i < CR_ROLE_COUNT; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

int
cr_role_is_customer(enum cr_role role)
{
	return role == CR_ROLE_ENTERPRISE || role == CR_ROLE_INDIVIDUAL;
}

int
cr_user_is_enterprise(struct cr_db *db, long long id)
{
	struct cr_res res;
	int ent = 0;

	if (cr_db_exec(db, &res, NULL, "SELECT role = 'enterprise' FROM users WHERE id = ?", "i", id) == 0) {
		ent = res.nrows && cr_res_i64(&res, 0, 0) == 1;
		cr_res_release(&res);
	}
	return ent;
}

int
cr_user_check_login(const char *login, struct cr_err *err)
{
	long n = cr_utf8_chars(login, strlen(login));

	if (n < 0 || !cr_utf8_printable(login))
		return cr_err_user(err, CR_EINVAL, "account", "账号含有无效字符");
	if (n == 0)
		return cr_err_user(err, CR_EINVAL, "account", "请输入账号");
	if (n > CR_LOGIN_MAX)
		return cr_err_user(err, CR_EINVAL, "account", "账号最多 %d 个字符", CR_LOGIN_MAX);
	if (login[0] == ' ' || login[strlen(login) - 1] == ' ')
		return cr_err_user(err, CR_EINVAL, "account", "账号首尾不能有空格");
	if (cr_utf8_invisible(login))
		return cr_err_user(err, CR_EINVAL, "account", "账号不能包含不可见字符或文字方向控制字符");
	return 0;
}

int
cr_user_add(struct cr_db *db, const char *login, const char *name, enum cr_role role, const char *password,
            long long *id, struct cr_err *err)
{
	char hash[CR_PW_ENCODED_MAX];
	int rc;

	if ((rc = cr_user_check_login(login, err)) != 0 || (rc = cr_password_check(password, err)) != 0)
		return rc;
	if (cr_role_name(role) == NULL)
		return cr_err_user(err, CR_EINVAL, "role", BAD_ROLE);
	if ((rc = cr_password_hash(password, hash, err)) != 0)
		return rc;
	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO users (login, display_name, role, password_hash) VALUES (?, ?, ?, ?)",
	                "ssss", login, name && *name ? name : login, cr_role_name(role), hash);
	if (rc == CR_ECONFLICT)
		return cr_err_user(err, CR_ECONFLICT, "account", "账号已存在: %s", login);
	if (rc == 0 && id)
		*id = cr_db_insert_id(db);
	if (rc == 0)
		rc = cr_search_index_names(db, cr_db_insert_id(db), login, name, err);
	return rc;
}

int
cr_user_set_password(struct cr_db *db, const char *login, const char *password, struct cr_err *err)
{
	char hash[CR_PW_ENCODED_MAX];
	int rc;

	if ((rc = cr_password_check(password, err)) != 0 || (rc = cr_password_hash(password, hash, err)) != 0)
		return rc;
	rc = cr_db_exec(db, NULL, err, "UPDATE users SET password_hash = ? WHERE login = ?", "ss", hash,
	                login);
	if (rc == 0 && cr_db_affected(db) == 0)
		return cr_err_user(err, CR_ENOTFOUND, "account", "账号不存在：%s", login);
	return rc;
}

int
cr_user_find(struct cr_db *db, const char *login, struct cr_user *u, char *hash, struct cr_err *err)
{
	struct cr_res res;
	int rc;

	rc = cr_db_one(db, &res, err, "account",
	               "SELECT id, login, display_name, role, password_hash FROM users"
	               " WHERE login = ? AND login = ? COLLATE utf8mb4_bin AND disabled = 0",
	               "ss", login, login);
	if (rc != 0)
		return rc;
	u->id = cr_res_i64(&res, 0, 0);
	snprintf(u->login, sizeof u->login, "%s", cr_res_str(&res, 0, 1));
	snprintf(u->name, sizeof u->name, "%s", cr_res_str(&res, 0, 2));
	u->role = cr_role_parse(cr_res_str(&res, 0, 3));
	if (hash)
		snprintf(hash, CR_PW_ENCODED_MAX, "%s", cr_res_str(&res, 0, 4));
	cr_res_release(&res);
	return 0;
}

#define USER_COLUMNS                                                                                         \
	"u.id, u.login, u.display_name, u.role, u.disabled, DATE_FORMAT(u.created_at, "                      \
	"'%Y-%m-%dT%H:%i:%SZ'),"                                                                             \
	" (SELECT COUNT(*) FROM login_attempts f WHERE f.account = u.login COLLATE utf8mb4_bin"              \
	" AND f.outcome <> 'success' AND f.at > UTC_TIMESTAMP(6) - INTERVAL 15 MINUTE)"

int
cr_users_list(struct cr_db *db, const struct cr_search *s, long long after, long long limit, json_t **out,
              struct cr_err *err)
{
	long long ids[CR_SEARCH_MAX_IDS];
	char list[CR_SEARCH_MAX_IDS * 21 + 2];
	struct cr_res res;
	json_t *items;
	long long place = 0;
	size_t n = 0;
	int rc, more = 0;

	if (s && s->key[0]) {
		if (limit > CR_SEARCH_MAX_IDS - 1)
			limit = CR_SEARCH_MAX_IDS - 1; /* a smaller page; next still goes on */
		/* Found by a name or a code: newest first, a page goes on below the last id. */
		if ((rc = cr_search_accounts(db, s, after, (size_t)limit + 1, ids, &n, err)) != 0)
			return rc;
		if ((more = n > (size_t)limit))
			n = (size_t)limit;
		rc = cr_db_exec(db, &res, err,
		                "SELECT " USER_COLUMNS
		                " FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j"
		                " JOIN users u ON u.id = j.id ORDER BY u.id DESC",
		                "s", cr_ids_text(ids, n, list, sizeof list));
	} else {
		/* Staff first, then customers, each by id (schema 024's users_list): the page goes on after
		 * the user after's place. */
		if (after > 0) {
			if ((rc = cr_db_exec(db, &res, err, "SELECT is_customer FROM users WHERE id = ?", "i",
			                     after)) != 0)
				return rc;
			place = res.nrows ? cr_res_i64(&res, 0, 0) : -1;
			cr_res_release(&res);
			if (place < 0)
				return cr_err_user(err, CR_EINVAL, "after", "after 须为上一页给出的 next");
		}
		rc = cr_db_exec(
		    db, &res, err,
		    "SELECT " USER_COLUMNS
		    " FROM users u WHERE ? = 0 OR u.is_customer > ? OR (u.is_customer = ? AND u.id > ?)"
		    " ORDER BY u.is_customer, u.id LIMIT ?",
		    "iiiii", after, place, place, after, limit);
		more = rc == 0 && (long long)res.nrows == limit;
	}
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:I, s:b}", "id",
		                                       (json_int_t)cr_res_i64(&res, i, 0), "account",
		                                       cr_res_str(&res, i, 1), "name", cr_res_str(&res, i, 2),
		                                       "role", cr_res_str(&res, i, 3), "disabled",
		                                       (int)cr_res_i64(&res, i, 4), "created_at",
		                                       cr_res_str(&res, i, 5), "recent_failures",
		                                       (json_int_t)cr_res_i64(&res, i, 6), "throttled",
		                                       cr_res_i64(&res, i, 6) >= 5));
	*out = cr_json_page_more(items, &res, 0, more);
	cr_res_release(&res);
	return 0;
}

/* What an admin does to a user, as its transaction (cr_db_tx) sees it. */
struct change {
	const struct cr_actor *actor;
	long long id;
	const char *login, *name, *role, *password;
	enum cr_role r;
};

static int
create_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct change *c = arg;
	int rc = cr_user_add(db, c->login, c->name, c->r, c->password, &c->id, err);

	if (rc == 0)
		rc = cr_audit(db, c->actor, "user.create", "user", c->id, NULL,
		              json_pack("{s:s, s:s}", "account", c->login, "role", c->role), err);
	return rc;
}

int
cr_user_create(struct cr_db *db, const struct cr_actor *actor, const char *login, const char *name,
               const char *role, const char *password, long long *id, struct cr_err *err)
{
	int r = role ? cr_role_parse(role) : -1, rc;
	struct change c = {.actor = actor, .login = login, .name = name, .role = role, .password = password};

	if (r < 0)
		return cr_err_user(err, CR_EINVAL, "role", BAD_ROLE);
	if (name && *name && (rc = cr_check_text(name, "name", "姓名", CR_NAME_MAX, 0, err)) != 0)
		return rc;
	c.r = (enum cr_role)r;
	if ((rc = cr_db_tx(db, create_tx, &c, err)) == 0)
		*id = c.id;
	return rc;
}

static int
login_of(struct cr_db *db, long long id, char *login, size_t len, struct cr_err *err)
{
	struct cr_res res;
	int rc = cr_db_one(db, &res, err, "user", "SELECT login FROM users WHERE id = ?", "i", id);

	if (rc != 0)
		return rc;
	snprintf(login, len, "%s", cr_res_str(&res, 0, 0));
	cr_res_release(&res);
	return 0;
}

static int
reset_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct change *c = arg;
	/* A reset also ends the user's sessions and lifts a slowdown. */
	int rc = cr_user_set_password(db, c->login, c->password, err);

	if (rc == 0)
		rc = cr_db_exec(db, NULL, err, "DELETE FROM sessions WHERE user_id = ?", "i", c->id);
	if (rc == 0)
		rc = cr_throttle_clear(db, c->login, err);
	/* Browsers that knew the old password are strangers again. */
	if (rc == 0)
		rc = cr_db_exec(db, NULL, err, "DELETE FROM login_devices WHERE user_id = ?", "i", c->id);
	if (rc == 0)
		rc = cr_audit(db, c->actor, "user.password_reset", "user", c->id, NULL,
		              json_pack("{s:s}", "account", c->login), err);
	return rc;
}

int
cr_user_reset_password(struct cr_db *db, const struct cr_actor *actor, long long id, const char *password,
                       struct cr_err *err)
{
	char login[4 * CR_LOGIN_MAX + 1];
	struct change c = {.actor = actor, .id = id, .login = login, .password = password};
	int rc;

	if ((rc = login_of(db, id, login, sizeof login, err)) != 0)
		return rc;
	return cr_db_tx(db, reset_tx, &c, err);
}

static int
unlock_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct change *c = arg;
	int rc = cr_throttle_clear(db, c->login, err);

	if (rc == 0)
		rc = cr_audit(db, c->actor, "user.unlock", "user", c->id, NULL,
		              json_pack("{s:s, s:I}", "account", c->login, "failures_cleared",
		                        (json_int_t)cr_db_affected(db)),
		              err);
	return rc;
}

int
cr_user_unlock(struct cr_db *db, const struct cr_actor *actor, long long id, struct cr_err *err)
{
	char login[4 * CR_LOGIN_MAX + 1];
	struct change c = {.actor = actor, .id = id, .login = login};
	int rc;

	if ((rc = login_of(db, id, login, sizeof login, err)) != 0)
		return rc;
	return cr_db_tx(db, unlock_tx, &c, err);
}
