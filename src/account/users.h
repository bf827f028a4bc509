/* Accounts: customers (enterprise, individual) and staff (reviewer, finance, admin). */
#ifndef CR_USERS_H
#define CR_USERS_H

#include <jansson.h>

#include "audit.h"
#include "db.h"

enum cr_role { CR_ROLE_ENTERPRISE, CR_ROLE_INDIVIDUAL, CR_ROLE_REVIEWER, CR_ROLE_FINANCE, CR_ROLE_ADMIN };
#define CR_ROLE_COUNT 5
#define CR_LOGIN_MAX 100 /* characters */
#define CR_NAME_MAX 200

struct cr_user {
	long long id;
	char login[4 * CR_LOGIN_MAX + 1];
	char name[4 * CR_NAME_MAX + 1];
	enum cr_role role;
};

/* "enterprise", ... ; NULL for an out-of-range role. */
const char *cr_role_name(enum cr_role role);
/* The role named s, or -1. */
int cr_role_parse(const char *s);
/* 1 for enterprise and individual accounts. */
int cr_role_is_customer(enum cr_role role);

/*
 * Creates an account.  login must be 1..CR_LOGIN_MAX characters of
 * printable UTF-8 without leading or trailing space; CR_ECONFLICT when the
 * login exists.  Sets *id.
 */
int cr_user_add(struct cr_db *db, const char *login, const char *name, enum cr_role role,
                const char *password, long long *id, struct cr_err *err);
/* Replaces the password of login. */
int cr_user_set_password(struct cr_db *db, const char *login, const char *password, struct cr_err *err);
/*
 * Looks login up and fills u and the stored hash (CR_PW_ENCODED_MAX);
 * CR_ENOTFOUND when missing or disabled.
 */
int cr_user_find(struct cr_db *db, const char *login, struct cr_user *u, char *hash, struct cr_err *err);
/* 1 when account id is an enterprise (0 for individuals, staff, or when the database cannot tell). */
int cr_user_is_enterprise(struct cr_db *db, long long id);
/* Checks a login name's shape; 0 or CR_EINVAL naming field "account". */
int cr_user_check_login(const char *login, struct cr_err *err);

/*
 * Staff administration (role admin), each change audited by actor.
 * {"items":[{id, account, name, role, disabled, created_at, recent_failures, throttled}]}.
 */
int cr_users_list(struct cr_db *db, json_t **out, struct cr_err *err);
/* cr_user_add with the role by name (refused with a Chinese reason when unknown), audited. */
int cr_user_create(struct cr_db *db, const struct cr_actor *actor, const char *login, const char *name,
                   const char *role, const char *password, long long *id, struct cr_err *err);
/* Sets a new password; also ends the user's sessions and lifts a login slowdown. */
int cr_user_reset_password(struct cr_db *db, const struct cr_actor *actor, long long id, const char *password,
                           struct cr_err *err);
/* Clears the failed logins of an account, lifting its slowdown. */
int cr_user_unlock(struct cr_db *db, const struct cr_actor *actor, long long id, struct cr_err *err);

#endif
