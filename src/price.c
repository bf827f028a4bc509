#include <stdio.h>

#include "price.h"

long long
cr_price_fen(const struct cr_config *cfg, long long years, long long addons)
{
	if (years < 1 || years > cfg->order_max_years || addons < 0 || addons > 1000)
		return -1;
	/* Bounded by the configuration's own bounds: no overflow. */
	return years * (cfg->price_base_per_year + cfg->price_addon_per_year * addons);
}

void
cr_price_format(long long fen, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%lld.%02lld", fen < 0 ? "-" : "", (fen < 0 ? -fen : fen) / 100,
		 (fen < 0 ? -fen : fen) % 100);
}
