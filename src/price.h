/* Prices in integer fen, computed on the server from the configuration (SPEC 6). */
#ifndef CR_PRICE_H
#define CR_PRICE_H

#include "config.h"

/* years × (price.base_per_year + price.addon_per_year × addons); -1 when out of range. */
long long cr_price_fen(const struct cr_config *cfg, long long years, long long addons);
/* "200.00" from 20000 fen (out at least 24 bytes). */
void cr_price_format(long long fen, char *out, size_t outlen);

#endif
