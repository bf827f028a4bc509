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

int
cr_centre_add(struct cr_db *db, const struct cr_actor *actor, const char *name, long long *id,
              struct cr_err *err)
{
	int rc;

	if ((rc = cr_check_text(name ? name : "", "name", "交易中心名称", 100, 1, err)) != 0)
		return rc;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO trading_centres (name, sort) SELECT ?, IFNULL(MAX(sort), 0) + 1 FROM "
	                "trading_centres",
	                "s", name);
	if (rc == CR_ECONFLICT)
		rc = cr_err_user(err, CR_ECONFLICT, "name", "交易中心已存在：%s", name);
	if (rc == 0) {
		*id = cr_db_insert_id(db);
		rc = cr_audit(db, actor, "trading_centre.create", "trading_centre", *id, NULL,
		              json_pack("{s:s}", "name", name), err);
	}
	return cr_db_end(db, rc, err);
}

int
cr_centre_update(struct cr_db *db, const struct cr_actor *actor, long long id, const char *name, int active,
                 struct cr_err *err)
{
	struct cr_res res;
	json_t *before;
	int rc;

	if (name && (rc = cr_check_text(name, "name", "交易中心名称", 100, 1, err)) != 0)
		return rc;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if ((rc = cr_db_one(db, &res, err, "trading centre",
	                    "SELECT name, active FROM trading_centres WHERE id = ? FOR UPDATE", "i", id)) !=
	    0)
		goto fail;
	before =
	    json_pack("{s:s, s:b}", "name", cr_res_str(&res, 0, 0), "active", (int)cr_res_i64(&res, 0, 1));
	cr_res_release(&res);
	rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE trading_centres SET name = IFNULL(?, name), active = IF(? < 0, active, ?) WHERE id = ?",
	    "siii", name, (long long)active, (long long)active, id);
	if (rc == CR_ECONFLICT)
		rc = cr_err_user(err, CR_ECONFLICT, "name", "交易中心已存在：%s", name);
	if (rc != 0) {
		json_decref(before);
		goto fail;
	}
	rc = cr_audit(db, actor, "trading_centre.update", "trading_centre", id, before,
	              json_pack("{s:o, s:o}", "name", name ? json_string(name) : json_null(), "active",
	                        active < 0 ? json_null() : json_boolean(active)),
	              err);
	return cr_db_end(db, rc, err);
fail:
	cr_db_rollback(db);
	return rc;
}
