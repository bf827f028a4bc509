/* certrenewctl audit verify | audit archive --before TIME. */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "ctl.h"

int
cr_ctl_audit(const struct cr_config *cfg, int argc, char **argv)
{
	long long rows, broken;
	struct cr_db *db;
	struct cr_err err;
	int rc;

	if (argc == 4 && strcmp(argv[1], "archive") == 0 && strcmp(argv[2], "--before") == 0) {
		long long moved = 0;

		if ((db = cr_ctl_db(cfg)) == NULL)
			return 1;
		rc = cr_audit_archive(db, cr_ctl_actor(), argv[3], NULL, NULL, &moved, &err);
		cr_db_free(db);
		if (rc != 0)
			return cr_ctl_fail(NULL, &err);
		cr_ctl_print(json_pack("{s:b, s:I}", "ok", 1, "archived", (json_int_t)moved));
		return 0;
	}
	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "usage: certrenewctl audit verify\n"
		                "       certrenewctl audit archive --before YYYY-MM-DD[ HH:MM:SS]\n");
		return 2;
	}
	if ((db = cr_ctl_db(cfg)) == NULL)
		return 1;
	rc = cr_audit_verify(db, &rows, &broken, &err);
	cr_db_free(db);
	if (rc == CR_ECONFLICT) {
		cr_ctl_print(json_pack("{s:b, s:I, s:I, s:s}", "ok", 0, "rows", (json_int_t)rows, "broken_id",
		                       (json_int_t)broken, "error", err.msg));
		fprintf(stderr, "certrenewctl: %s\n", err.msg);
		return 1;
	}
	if (rc != 0)
		return cr_ctl_fail(NULL, &err);
	cr_ctl_print(json_pack("{s:b, s:I}", "ok", 1, "rows", (json_int_t)rows));
	return 0;
}
