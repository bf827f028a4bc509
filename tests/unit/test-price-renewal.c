/* Prices in fen and the renewal window (SPEC 6, 9). */
#include <string.h>

#include "money.h"
#include "pki/renewal.h"
#include "price.h"
#include "tap.h"

int
main(void)
{
	struct cr_config cfg;
	char buf[256];
	time_t now = cr_time_parse("2026-11-24 12:00:00"), day = 86400;

	struct cr_prices p;

	cr_config_defaults(&cfg);
	cr_prices_load(NULL, &cfg, &p);
	ok(cr_price_fen(&p, 1, 0) == 20000, "one year, no add-on: 200.00");
	ok(cr_price_fen(&p, 2, 2) == 80000, "two years, two add-ons: 800.00");
	ok(cr_price_fen(&p, 5, 8) == 5 * (20000 + 8 * 10000), "five years, all eight centres");
	ok(cr_price_fen(&p, 0, 0) == -1 && cr_price_fen(&p, 6, 0) == -1,
	   "years outside 1..max_years refused");
	ok(cr_price_fen(&p, 1, -1) == -1, "negative add-ons refused");
	cfg.price_base_per_year = 12345;
	cr_prices_load(NULL, &cfg, &p);
	ok(cr_price_fen(&p, 3, 1) == 3 * (12345 + 10000), "prices follow the configuration");
	cr_money_format(20000, buf, sizeof buf);
	is_str(buf, "200.00", "20000 fen is 200.00");
	cr_money_format(5, buf, sizeof buf);
	is_str(buf, "0.05", "5 fen is 0.05");

	ok(now > 0 && cr_time_parse("2026-11-24 12:00:00") - cr_time_parse("2026-11-23 12:00:00") == day,
	   "times parse as UTC");
	ok(cr_time_parse("not a time") == -1, "a bad time is refused");
	ok(cr_renewable(&cfg, "active", now + 30 * day, now, buf, sizeof buf) == 1,
	   "30 days before expiry: renewable");
	ok(cr_renewable(&cfg, "active", now + 90 * day, now, buf, sizeof buf) == 1,
	   "exactly 90 days before: renewable");
	ok(cr_renewable(&cfg, "active", now + 91 * day, now, buf, sizeof buf) == 0 && strstr(buf, "可于"),
	   "91 days before: not yet, and says from when: %s", buf);
	ok(cr_renewable(&cfg, "expired", now - 100 * day, now, buf, sizeof buf) == 1,
	   "expired 100 days ago: renewable");
	ok(cr_renewable(&cfg, "expired", now - 366 * day, now, buf, sizeof buf) == 0 &&
	       strstr(buf, "联系客服"),
	   "expired over a year ago: no longer, with what to do: %s", buf);
	ok(cr_renewable(&cfg, "superseded", now + 30 * day, now, buf, sizeof buf) == 0 &&
	       strstr(buf, "已更新"),
	   "a superseded certificate is not renewable");
	ok(cr_renewable(&cfg, "revoked", now + 30 * day, now, buf, sizeof buf) == 0 && strstr(buf, "吊销"),
	   "nor a revoked one");
	cfg.ca_renew_before_days = 30;
	ok(cr_renewable(&cfg, "active", now + 60 * day, now, buf, sizeof buf) == 0,
	   "the window follows ca.renew_before_days");
	cr_config_release(&cfg);
	return tap_done();
}
