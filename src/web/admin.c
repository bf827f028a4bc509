/* The administrator's API under /api/v1/admin/: users, prices, trading centres, audit log. */
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "centres.h"
#include "handlers.h"
#include "price.h"

void
cr_h_admin_users(struct cr_req *r)
{
	long long after, limit;
	struct cr_search s;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 500, 1000, &after, &limit) != 0 || cr_req_search(r, &s, NULL, NULL) != 0)
		return;
	rc = cr_users_list(r->web->db, &s, after, limit, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_admin_user_add(struct cr_req *r)
{
	const char *account, *name, *role, *password;
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	long long id = 0;
	json_t *in;
	int rc;

	if ((in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "account", 1, 100, &account) == 0 &&
	    cr_json_string(r, in, "name", 0, 200, &name) == 0 &&
	    cr_json_string(r, in, "role", 1, 20, &role) == 0 &&
	    cr_json_string(r, in, "password", 1, 256, &password) == 0) {
		rc = cr_user_create(r->web->db, &actor, account, name, role, password, &id, &err);
		cr_reply_result(r, rc, &err, 201,
		                rc ? NULL
		                   : json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "account", account,
		                               "role", role));
	}
	json_decref(in);
}

void
cr_h_admin_user_password(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	const char *password;
	struct cr_err err;
	json_t *in;
	int rc;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "password", 1, 256, &password) == 0) {
		rc = cr_user_reset_password(r->web->db, &actor, id, password, &err);
		cr_reply_result(r, rc, &err, 200, json_pack("{s:b}", "ok", 1));
	}
	json_decref(in);
}

void
cr_h_admin_user_unlock(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	int rc;

	if (!id)
		return;
	rc = cr_user_unlock(r->web->db, &actor, id, &err);
	cr_reply_result(r, rc, &err, 200, json_pack("{s:b}", "ok", 1));
}

void
cr_h_admin_prices(struct cr_req *r)
{
	struct cr_prices p;

	cr_prices_load(r->web->db, r->web->cfg, &p);
	cr_reply_json(r, 200,
	              json_pack("{s:I, s:I, s:I}", "base_per_year_fen", (json_int_t)p.base_per_year,
	                        "addon_per_year_fen", (json_int_t)p.addon_per_year, "max_years",
	                        (json_int_t)p.max_years));
}

void
cr_h_admin_prices_set(struct cr_req *r)
{
	struct cr_actor actor = cr_req_actor(r);
	json_t *in, *b, *a;
	struct cr_err err;

	if ((in = cr_req_json(r)) == NULL)
		return;
	b = json_object_get(in, "base_per_year_fen");
	a = json_object_get(in, "addon_per_year_fen");
	if (!json_is_integer(b) || !json_is_integer(a))
		cr_reply_error(r, 400, "invalid_type",
		               !json_is_integer(b) ? "base_per_year_fen" : "addon_per_year_fen",
		               "价格须为整数（单位：分）");
	else if (cr_prices_update(r->web->db, &actor, json_integer_value(b), json_integer_value(a), &err) !=
	         0)
		cr_reply_cr_err(r, &err);
	else
		cr_h_admin_prices(r);
	json_decref(in);
}

void
cr_h_admin_centres(struct cr_req *r)
{
	struct cr_err err;
	json_t *out = NULL;
	int rc = cr_centres_all(r->web->db, &out, &err);

	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_admin_centre_add(struct cr_req *r)
{
	struct cr_actor actor = cr_req_actor(r);
	const char *name;
	struct cr_err err;
	long long id = 0;
	json_t *in;
	int rc;

	if ((in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "name", 1, 100, &name) == 0) {
		rc = cr_centre_add(r->web->db, &actor, name, &id, &err);
		cr_reply_result(
		    r, rc, &err, 201,
		    rc ? NULL
		       : json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "name", name, "active", 1));
	}
	json_decref(in);
}

void
cr_h_admin_centre_update(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	const char *name;
	struct cr_err err;
	json_t *in, *active;
	int rc;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	active = json_object_get(in, "active");
	if (active && !json_is_boolean(active)) {
		cr_reply_error(r, 400, "invalid_type", "active", "active 须为 true 或 false");
	} else if (cr_json_string(r, in, "name", 0, 100, &name) == 0) {
		rc = cr_centre_update(r->web->db, &actor, id, name, active ? json_is_true(active) : -1, &err);
		cr_reply_result(r, rc, &err, 200, json_pack("{s:b}", "ok", 1));
	}
	json_decref(in);
}

void
cr_h_admin_audit(struct cr_req *r)
{
	char actor[101], action[61], otype[41], oid[41], from[11], to[11], before[21], archived[4];
	long long after, limit;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 100, 1000, &after, &limit) != 0)
		return;
	cr_req_query(r, "actor", actor, sizeof actor);
	cr_req_query(r, "action", action, sizeof action);
	cr_req_query(r, "object_type", otype, sizeof otype);
	cr_req_query(r, "object_id", oid, sizeof oid);
	cr_req_query(r, "from", from, sizeof from);
	cr_req_query(r, "to", to, sizeof to);
	/* before_id: the name the page used before paging was the same everywhere (after). */
	cr_req_query(r, "before_id", before, sizeof before);
	cr_req_query(r, "archived", archived, sizeof archived); /* 1: the rows moved to the archive */
	rc = cr_audit_list(r->web->db, strcmp(archived, "1") == 0, actor, action, otype, oid, from, to,
	                   after ? after : strtoll(before, NULL, 10), limit, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

/* GET /api/v1/admin/approval-rules: the rules by which returning customers are approved without a person. */
void
cr_h_admin_rules(struct cr_req *r)
{
	struct cr_err err;
	json_t *out = NULL;
	int rc = cr_rules_get(r->web->db, r->web->cfg, &out, &err);

	cr_reply_result(r, rc, &err, 200, out);
}

/* PUT /api/v1/admin/approval-rules {any of them}: changed, each value checked, audited. */
void
cr_h_admin_rules_set(struct cr_req *r)
{
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	json_t *in, *out = NULL;
	int rc;

	if ((in = cr_req_json(r)) == NULL)
		return;
	rc = cr_rules_set(r->web->db, r->web->cfg, &actor, in, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
	json_decref(in);
}
