#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "password.h"
#include "users.h"
#include "utf8.h"

static const char *const role_names[CR_ROLE_COUNT] = {"enterprise", "individual", "reviewer",
						       "finance", "admin"};

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
cr_user_check_login(const char *login, struct cr_err *err)
{
	long n = cr_utf8_chars(login, strlen(login));

	if (n < 0 || !cr_utf8_printable(login))
		return cr_err_field(err, CR_EINVAL, "account", "账号含有无效字符");
	if (n == 0)
		return cr_err_field(err, CR_EINVAL, "account", "请输入账号");
	if (n > CR_LOGIN_MAX)
		return cr_err_field(err, CR_EINVAL, "account", "账号最多 %d 个字符", CR_LOGIN_MAX);
	if (login[0] == ' ' || login[strlen(login) - 1] == ' ')
		return cr_err_field(err, CR_EINVAL, "account", "账号首尾不能有空格");
	return 0;
}

int
cr_user_add(struct cr_db *db, const char *login, const char *name, enum cr_role role,
	    const char *password, long long *id, struct cr_err *err)
{
	char hash[CR_PW_ENCODED_MAX];
	int rc;

	if ((rc = cr_user_check_login(login, err)) != 0 || (rc = cr_password_check(password, err)) != 0)
		return rc;
	if (cr_role_name(role) == NULL)
		return cr_err_field(err, CR_EINVAL, "role", "unknown role");
	if ((rc = cr_password_hash(password, hash, err)) != 0)
		return rc;
	rc = cr_db_exec(db, NULL, err,
			"INSERT INTO users (login, display_name, role, password_hash) VALUES (?, ?, ?, ?)",
			"ssss", login, name && *name ? name : login, cr_role_name(role), hash);
	if (rc == CR_ECONFLICT)
		return cr_err_field(err, CR_ECONFLICT, "account", "账号已存在: %s", login);
	if (rc == 0 && id)
		*id = (long long)db->insert_id;
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
	if (rc == 0 && db->affected == 0)
		return cr_err_field(err, CR_ENOTFOUND, "account", "no such account: %s", login);
	return rc;
}

int
cr_user_find(struct cr_db *db, const char *login, struct cr_user *u, char *hash, struct cr_err *err)
{
	struct cr_res res;
	int rc;

	rc = cr_db_exec(db, &res, err,
			"SELECT id, login, display_name, role, password_hash FROM users"
			" WHERE login = ? AND disabled = 0",
			"s", login);
	if (rc != 0)
		return rc;
	if (res.nrows == 0) {
		cr_res_release(&res);
		return cr_err_set(err, CR_ENOTFOUND, "no such account");
	}
	u->id = cr_res_i64(&res, 0, 0);
	snprintf(u->login, sizeof u->login, "%s", cr_res_str(&res, 0, 1));
	snprintf(u->name, sizeof u->name, "%s", cr_res_str(&res, 0, 2));
	u->role = cr_role_parse(cr_res_str(&res, 0, 3));
	if (hash)
		snprintf(hash, CR_PW_ENCODED_MAX, "%s", cr_res_str(&res, 0, 4));
	cr_res_release(&res);
	return 0;
}
