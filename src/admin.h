/*
 * Staff administration (role admin): accounts, login unlocks, trading
 * centres and reading the audit log.  Every change is audited by the
 * caller's actor.  JSON results are new references.
 */
#ifndef CR_ADMIN_H
#define CR_ADMIN_H

#include <jansson.h>

#include "audit.h"
#include "db.h"

int cr_admin_users(struct cr_db *db, json_t **out, struct cr_err *err);
int cr_admin_user_add(struct cr_db *db, const struct cr_actor *actor, const char *login, const char *name,
		      const char *role, const char *password, long long *id, struct cr_err *err);
int cr_admin_user_password(struct cr_db *db, const struct cr_actor *actor, long long id, const char *password,
			   struct cr_err *err);
/* Clears the failed logins of an account, lifting its slowdown. */
int cr_admin_user_unlock(struct cr_db *db, const struct cr_actor *actor, long long id, struct cr_err *err);
int cr_admin_prices_set(struct cr_db *db, const struct cr_actor *actor, long long base, long long addon,
			struct cr_err *err);
int cr_admin_centres(struct cr_db *db, json_t **out, struct cr_err *err);
int cr_admin_centre_add(struct cr_db *db, const struct cr_actor *actor, const char *name, long long *id,
			struct cr_err *err);
/* name NULL: unchanged; active -1: unchanged. */
int cr_admin_centre_update(struct cr_db *db, const struct cr_actor *actor, long long id, const char *name, int active,
			   struct cr_err *err);
/*
 * Audit rows, newest first, 100 a page (before_id 0: from the newest);
 * filters may be NULL or "".  from/to: "YYYY-MM-DD" (UTC days).
 */
int cr_admin_audit(struct cr_db *db, const char *actor, const char *action, const char *object_type,
		   const char *object_id, const char *from, const char *to, long long before_id, json_t **out,
		   struct cr_err *err);

#endif
