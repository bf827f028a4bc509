#include <stdio.h>

#include "centres.h"
#include "text.h"

int
cr_centres_active(struct cr_db *db, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc = cr_db_exec(db, &res, err,
	                    "SELECT id, name FROM trading_centres WHERE active = 1 ORDER BY sort, id", "");

	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, json_pack("{s:I, s:s}", "id", (json_int_t)cr_res_i64(&res, i, 0),
		                                       "name", cr_res_str(&res, i, 1)));
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int
cr_centres_all(struct cr_db *db, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc = cr_db_exec(db, &res, err,
	                    "SELECT id, name, sort, active FROM trading_centres ORDER BY sort, id", "");

	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:I, s:b}", "id", (json_int_t)cr_res_i64(&res, i, 0), "name",
		                     cr_res_str(&res, i, 1), "sort", (json_int_t)cr_res_i64(&res, i, 2),
		                     "active", (int)cr_res_i64(&res, i, 3)));
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int
cr_centre_is_active(struct cr_db *db, long long id, int *active, struct cr_err *err)
{
	struct cr_res res;
	int rc =
	    cr_db_exec(db, &res, err, "SELECT 1 FROM trading_centres WHERE id = ? AND active = 1", "i", id);

	if (rc != 0)
		return rc;
	*active = res.nrows > 0;
	cr_res_release(&res);
	return 0;
}

/* An admin's change to the trading centres, as its transaction (cr_db_tx) sees it. */
struct change {
	const struct cr_actor *actor;
	long long id;
	const char *name;
	int active;
};

static int
add_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct change *c = arg;
	int rc =
	    cr_db_exec(db, NULL, err,
	               "INSERT INTO trading_centres (name, sort) SELECT ?, IFNULL(MAX(sort), 0) + 1 FROM "
	               "trading_centres",
	               "s", c->name);

	if (rc == CR_ECONFLICT)
		return cr_err_user(err, CR_ECONFLICT, "name", "交易中心已存在：%s", c->name);
	if (rc != 0)
		return rc;
	c->id = cr_db_insert_id(db);
	return cr_audit(db, c->actor, "trading_centre.create", "trading_centre", c->id, NULL,
	                json_pack("{s:s}", "name", c->name), err);
}

int
cr_centre_add(struct cr_db *db, const struct cr_actor *actor, const char *name, long long *id,
              struct cr_err *err)
{
	struct change c = {.actor = actor, .name = name};
	int rc;

	if ((rc = cr_check_text(name ? name : "", "name", "交易中心名称", 100, 1, err)) != 0)
		return rc;
	if ((rc = cr_db_tx(db, add_tx, &c, err)) == 0)
		*id = c.id;
	return rc;
}

static int
update_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	const struct change *c = arg;
	struct cr_res res;
	json_t *before;
	int rc;

	if ((rc = cr_db_one(db, &res, err, "trading centre",
	                    "SELECT name, active FROM trading_centres WHERE id = ? FOR UPDATE", "i",
	                    c->id)) != 0)
		return rc;
	before =
	    json_pack("{s:s, s:b}", "name", cr_res_str(&res, 0, 0), "active", (int)cr_res_i64(&res, 0, 1));
	cr_res_release(&res);
	rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE trading_centres SET name = IFNULL(?, name), active = IF(? < 0, active, ?) WHERE id = ?",
	    "siii", c->name, (long long)c->active, (long long)c->active, c->id);
	if (rc == CR_ECONFLICT)
		rc = cr_err_user(err, CR_ECONFLICT, "name", "交易中心已存在：%s", c->name);
	if (rc != 0) {
		json_decref(before);
		return rc;
	}
	return cr_audit(db, c->actor, "trading_centre.update", "trading_centre", c->id, before,
	                json_pack("{s:o, s:o}", "name", c->name ? json_string(c->name) : json_null(),
	                          "active", c->active < 0 ? json_null() : json_boolean(c->active)),
	                err);
}

int
cr_centre_update(struct cr_db *db, const struct cr_actor *actor, long long id, const char *name, int active,
                 struct cr_err *err)
{
	struct change c = {actor, id, name, active};
	int rc;

	if (name && (rc = cr_check_text(name, "name", "交易中心名称", 100, 1, err)) != 0)
		return rc;
	return cr_db_tx(db, update_tx, &c, err);
}
