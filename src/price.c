#include <stdio.h>

#include "audit.h"
#include "price.h"

void
cr_prices_load(struct cr_db *db, const struct cr_config *cfg, struct cr_prices *p)
{
	struct cr_res res;

	p->base_per_year = cfg->price_base_per_year;
	p->addon_per_year = cfg->price_addon_per_year;
	p->max_years = cfg->order_max_years;
	if (db && cr_db_exec(db, &res, NULL, "SELECT base_per_year, addon_per_year FROM prices WHERE id = 1",
	                     "") == 0) {
		if (res.nrows) {
			p->base_per_year = cr_res_i64(&res, 0, 0);
			p->addon_per_year = cr_res_i64(&res, 0, 1);
		}
		cr_res_release(&res);
	}
}

int
cr_prices_set(struct cr_db *db, long long base, long long addon, long long by, struct cr_err *err)
{
	if (base < 0 || base > 100000000)
		return cr_err_user(err, CR_EINVAL, "base_per_year_fen", "年费应在 0 到 1000000.00 元之间");
	if (addon < 0 || addon > 100000000)
		return cr_err_user(err, CR_EINVAL, "addon_per_year_fen",
		                   "地州市证书年费应在 0 到 1000000.00 元之间");
	return cr_db_exec(db, NULL, err,
	                  "INSERT INTO prices (id, base_per_year, addon_per_year, updated_at, updated_by)"
	                  " VALUES (1, ?, ?, UTC_TIMESTAMP(6), ?) ON DUPLICATE KEY UPDATE base_per_year = "
	                  "VALUES(base_per_year),"
	                  " addon_per_year = VALUES(addon_per_year), updated_at = VALUES(updated_at), "
	                  "updated_by = VALUES(updated_by)",
	                  "iii", base, addon, by);
}

long long
cr_price_fen(const struct cr_prices *p, long long years, long long addons)
{
	if (years < 1 || years > p->max_years || addons < 0 || addons > 1000)
		return -1;
	/* Prices are bounded by 10^8 fen, years by 10, add-ons by 1000: no overflow. */
	return years * (p->base_per_year + p->addon_per_year * addons);
}

struct update {
	const struct cr_actor *actor;
	long long base, addon;
};

static int
update_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	const struct update *u = arg;
	struct cr_res res;
	json_t *before = NULL;
	int rc;

	if ((rc = cr_db_exec(db, &res, err,
	                     "SELECT base_per_year, addon_per_year FROM prices WHERE id = 1 FOR UPDATE",
	                     "")) != 0)
		return rc;
	if (res.nrows)
		before = json_pack("{s:I, s:I}", "base_per_year_fen", (json_int_t)cr_res_i64(&res, 0, 0),
		                   "addon_per_year_fen", (json_int_t)cr_res_i64(&res, 0, 1));
	cr_res_release(&res);
	if ((rc = cr_prices_set(db, u->base, u->addon, u->actor->id, err)) != 0) {
		json_decref(before);
		return rc;
	}
	return cr_audit(db, u->actor, "prices.update", "prices", 1, before,
	                json_pack("{s:I, s:I}", "base_per_year_fen", (json_int_t)u->base,
	                          "addon_per_year_fen", (json_int_t)u->addon),
	                err);
}

int
cr_prices_update(struct cr_db *db, const struct cr_actor *actor, long long base, long long addon,
                 struct cr_err *err)
{
	struct update u = {actor, base, addon};

	return cr_db_tx(db, update_tx, &u, err);
}
