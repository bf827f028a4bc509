/* certrenewctl cert import --account NAME [--token primary|secondary] FILE.pem... */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "account/account.h"
#include "audit.h"
#include "ctl.h"
#include "pki/pki.h"

/* One certificate and its audit row, as a transaction (cr_db_tx: run again whole after a conflict). */
struct import_step {
	long long account;
	const char *token;
	X509 *x;
	long long id;
	int created;
	struct cr_x509_info info;
};

static int
import_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct import_step *s = arg;
	char oid[24];
	int rc = cr_cert_import(db, s->account, s->token, s->x, &s->id, &s->created, &s->info, err);

	if (rc != 0 || !s->created)
		return rc;
	snprintf(oid, sizeof oid, "%lld", s->id);
	return cr_audit_s(db, cr_ctl_actor(), "certificate.import", "certificate", oid, NULL,
	                  json_pack("{s:I, s:s, s:s, s:s, s:s}", "account_id", (json_int_t)s->account,
	                            "serial", s->info.serial, "subject", s->info.subject, "token", s->token,
	                            "not_after", s->info.not_after),
	                  err);
}

/* Imports every certificate of one file; 0, or 1 when any failed. */
static int
import_file(struct cr_db *db, long long account, const char *token, const char *path)
{
	struct cr_err err;
	X509 *x[64];
	int n = cr_x509_read_file(path, x, 64, &err), rc = 0;

	if (n < 0) {
		fprintf(stderr, "certrenewctl: %s\n", err.msg);
		return 1;
	}
	for (int k = 0; k < n; k++) {
		struct import_step s = {.account = account, .token = token, .x = x[k]};

		if (cr_db_tx(db, import_tx, &s, &err) != 0) {
			fprintf(stderr, "certrenewctl: %s: %s\n", path, err.msg);
			rc = 1;
		} else {
			cr_ctl_print(json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)s.id,
			                       "serial", s.info.serial, "subject", s.info.subject,
			                       "not_after", s.info.not_after, "token", token, "file", path,
			                       "created", s.created));
		}
		X509_free(x[k]);
	}
	return rc;
}

int
cr_ctl_cert(const struct cr_config *cfg, int argc, char **argv)
{
	static const struct option lo[] = {{"account", required_argument, NULL, 'a'},
	                                   {"token", required_argument, NULL, 't'},
	                                   {NULL, 0, NULL, 0}};
	const char *account = NULL, *token = "primary";
	struct cr_user u;
	struct cr_db *db;
	struct cr_err err;
	int ch, rc = 0;

	if (argc < 2 || strcmp(argv[1], "import") != 0) {
		fprintf(stderr, "usage: certrenewctl cert import --account NAME [--token primary|secondary] "
		                "FILE.pem...\n");
		return 2;
	}
	optind = 2;
	while ((ch = getopt_long(argc, argv, "a:t:", lo, NULL)) != -1) {
		if (ch == 'a')
			account = optarg;
		else if (ch == 't')
			token = optarg;
		else
			return 2;
	}
	if (account == NULL || optind >= argc) {
		fprintf(stderr, "certrenewctl: cert import: --account and at least one FILE are needed\n");
		return 2;
	}
	if (strcmp(token, "primary") != 0 && strcmp(token, "secondary") != 0) {
		fprintf(stderr, "certrenewctl: cert import: --token must be primary or secondary\n");
		return 2;
	}
	if ((db = cr_ctl_db(cfg)) == NULL)
		return 1;
	if (cr_user_find(db, account, &u, NULL, &err) != 0) {
		fprintf(stderr, "certrenewctl: cert import: no account '%s'\n", account);
		cr_db_free(db);
		return 1;
	}
	if (!cr_role_is_customer(u.role)) {
		fprintf(stderr, "certrenewctl: cert import: '%s' is a staff account\n", account);
		cr_db_free(db);
		return 1;
	}
	for (int i = optind; i < argc; i++)
		rc |= import_file(db, u.id, token, argv[i]);
	cr_db_free(db);
	return rc;
}
