/* certrenewctl user add | user passwd. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "account/account.h"
#include "ctl.h"

int
cr_ctl_user(const struct cr_config *cfg, int argc, char **argv)
{
	static const struct option lo[] = {{"role", required_argument, NULL, 'r'},
	                                   {"name", required_argument, NULL, 'n'},
	                                   {NULL, 0, NULL, 0}};
	const char *role = NULL, *name = NULL;
	char pw[CR_PW_MAX_LEN + 2];
	struct cr_db *db;
	struct cr_err err;
	long long id;
	int ch, r = -1, rc = 0;

	if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "passwd") != 0)) {
		fprintf(stderr,
		        "usage: certrenewctl user add --role ROLE [--name NAME] LOGIN  (password on stdin)\n"
		        "       certrenewctl user passwd LOGIN  (password on stdin)\n"
		        "roles: enterprise individual reviewer finance admin\n");
		return 2;
	}
	optind = 2;
	while ((ch = getopt_long(argc, argv, "r:n:", lo, NULL)) != -1) {
		if (ch == 'r')
			role = optarg;
		else if (ch == 'n')
			name = optarg;
		else
			return 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "certrenewctl: user %s: give exactly one LOGIN\n", argv[1]);
		return 2;
	}
	if (strcmp(argv[1], "add") == 0 && (role == NULL || (r = cr_role_parse(role)) < 0)) {
		fprintf(stderr, "certrenewctl: user add: --role must be one of enterprise individual "
		                "reviewer finance admin\n");
		return 2;
	}
	if (cr_ctl_read_password(pw, sizeof pw) != 0) {
		fprintf(stderr, "certrenewctl: no password given on standard input\n");
		return 2;
	}
	if ((db = cr_ctl_db(cfg)) == NULL)
		return 1;
	if (strcmp(argv[1], "add") == 0) {
		if (cr_user_add(db, argv[optind], name, (enum cr_role)r, pw, &id, &err) != 0)
			rc = cr_ctl_fail(NULL, &err);
		else {
			char oid[24];

			snprintf(oid, sizeof oid, "%lld", id);
			rc = cr_ctl_record(db, "user.create", "user", oid,
			                   json_pack("{s:s, s:s}", "account", argv[optind], "role", role));
			cr_ctl_print(json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "account",
			                       argv[optind], "role", role));
		}
	} else {
		if (cr_user_set_password(db, argv[optind], pw, &err) != 0)
			rc = cr_ctl_fail(NULL, &err);
		else {
			rc = cr_ctl_record(db, "user.password_reset", "user", argv[optind],
			                   json_pack("{s:s}", "account", argv[optind]));
			cr_ctl_print(json_pack("{s:s, s:b}", "account", argv[optind], "password_changed", 1));
		}
	}
	memset(pw, 0, sizeof pw);
	cr_db_free(db);
	return rc;
}
