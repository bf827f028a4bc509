/* certrenewctl import-statement [--dry-run] FILE... (SPEC 7). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bank/bank.h"
#include "ctl.h"

int
cr_ctl_import_statement(const struct cr_config *cfg, int argc, char **argv)
{
	static const struct option lo[] = {{"dry-run", no_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
	struct cr_import_opts opts = {NULL, "cli", 0, cr_ctl_actor(), NULL, NULL};
	struct cr_db *db;
	int ch, dry_run = 0, rc = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "n", lo, NULL)) != -1) {
		if (ch == 'n')
			opts.dry_run = dry_run = 1;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: certrenewctl import-statement [--dry-run] FILE...\n");
		return 2;
	}
	if ((db = cr_ctl_db(cfg)) == NULL)
		return 1;
	for (int i = optind; i < argc; i++) {
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		struct cr_import im;
		struct cr_err err;
		json_t *j;

		opts.name = base;
		if (cr_statement_import(db, cfg, argv[i], &opts, &im, &err) != 0) {
			/* The reason in both languages: the log's and the one finance reads (once when they
			 * are one). */
			int same = err.user[0] == '\0' || strcmp(err.user, err.msg) == 0;

			fprintf(stderr, "certrenewctl: %s: %s%s%s%s\n", argv[i], err.msg, same ? "" : " (",
			        same ? "" : err.user, same ? "" : ")");
			rc = 1;
			continue;
		}
		j = cr_import_json(&im);
		json_object_set_new(j, "file", json_string(argv[i]));
		if (dry_run)
			json_object_set_new(j, "dry_run", json_true());
		cr_ctl_print(j);
	}
	cr_db_free(db);
	return rc;
}
