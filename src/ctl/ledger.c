/* certrenewctl ledger check. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "ledger.h"

int
cr_ctl_ledger(const struct cr_config *cfg, int argc, char **argv)
{
	json_t *out, *v;
	struct cr_db *db;
	struct cr_err err;
	size_t i;
	int ok;

	if (argc != 2 || strcmp(argv[1], "check") != 0) {
		fprintf(stderr, "usage: certrenewctl ledger check\n");
		return 2;
	}
	if ((db = cr_ctl_db(cfg)) == NULL)
		return 1;
	if (cr_ledger_check(db, 1000, &out, &err) != 0)
		return cr_ctl_fail(db, &err);
	cr_db_free(db);
	ok = json_is_true(json_object_get(out, "ok"));
	json_array_foreach(json_object_get(out, "violations"), i, v)
	{
		fprintf(stderr, "certrenewctl: ledger: %s: %s: %s\n",
		        json_string_value(json_object_get(v, "check")),
		        json_string_value(json_object_get(v, "subject")),
		        json_string_value(json_object_get(v, "detail")));
	}
	if (!ok)
		fprintf(stderr, "certrenewctl: ledger check: %lld violations\n",
		        (long long)json_integer_value(json_object_get(out, "count")));
	cr_ctl_print(out);
	return ok ? 0 : 1;
}
