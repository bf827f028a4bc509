/* Prices in integer fen, computed on the server from the configuration (SPEC 6). */
#ifndef CR_PRICE_H
#define CR_PRICE_H

#include "audit.h"
#include "config.h"
#include "db.h"

struct cr_prices {
	long long base_per_year;  /* fen */
	long long addon_per_year; /* fen */
	long long max_years;
};

/* The prices in force: those staff set (table prices), else the configuration's. */
void cr_prices_load(struct cr_db *db, const struct cr_config *cfg, struct cr_prices *p);
/* Stores new prices (staff); each 0..100000000 fen. */
int cr_prices_set(struct cr_db *db, long long base, long long addon, long long by, struct cr_err *err);
/* cr_prices_set in its own transaction, audited by actor (before and after). */
int cr_prices_update(struct cr_db *db, const struct cr_actor *actor, long long base, long long addon,
                     struct cr_err *err);
/* years × (base_per_year + addon_per_year × addons); -1 when out of range. */
long long cr_price_fen(const struct cr_prices *p, long long years, long long addons);

#endif
