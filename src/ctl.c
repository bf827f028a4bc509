#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "audit.h"
#include "certs.h"
#include "ctl.h"
#include "daemon/jobkinds.h"
#include "db.h"
#include "demo.h"
#include "jobs.h"
#include "migrate.h"
#include "password.h"
#include "users.h"

static int
open_db(struct cr_db *db, const struct cr_config *cfg)
{
	struct cr_err err;

	if (cr_db_open(db, cfg, &err) != 0) {
		fprintf(stderr, "certrenewctl: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
fail(struct cr_db *db, const struct cr_err *err)
{
	fprintf(stderr, "certrenewctl: %s\n", err->msg);
	if (db)
		cr_db_close(db);
	return 1;
}

static void
print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	if (s)
		puts(s);
	free(s);
	json_decref(j);
}

int
cr_ctl_migrate(const struct cr_config *cfg, int argc, char **argv)
{
	struct cr_db db;
	struct cr_err err;
	int applied;

	(void)argc;
	(void)argv;
	if (open_db(&db, cfg) != 0)
		return 1;
	if (cr_migrate(&db, cfg->paths_schema_dir, &applied, &err) != 0)
		return fail(&db, &err);
	print_json(json_pack("{s:i}", "applied", applied));
	cr_db_close(&db);
	return 0;
}

/* Reads a password: without echo from a terminal, else the first line of stdin. */
static int
read_password(char *buf, size_t len)
{
	struct termios t, quiet;
	int tty = isatty(STDIN_FILENO);

	if (tty) {
		fprintf(stderr, "password: ");
		tcgetattr(STDIN_FILENO, &t);
		quiet = t;
		quiet.c_lflag &= ~ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	if (fgets(buf, (int)len, stdin) == NULL)
		buf[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
		fputc('\n', stderr);
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] ? 0 : -1;
}

int
cr_ctl_user(const struct cr_config *cfg, int argc, char **argv)
{
	static const struct option lo[] = {{"role", required_argument, NULL, 'r'},
					   {"name", required_argument, NULL, 'n'},
					   {NULL, 0, NULL, 0}};
	const char *role = NULL, *name = NULL;
	char pw[CR_PW_MAX_LEN + 2];
	struct cr_db db;
	struct cr_err err;
	long long id;
	int ch, r = -1;

	if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "passwd") != 0)) {
		fprintf(stderr, "usage: certrenewctl user add --role ROLE [--name NAME] LOGIN  (password on stdin)\n"
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
		fprintf(stderr, "certrenewctl: user add: --role must be one of enterprise individual reviewer finance admin\n");
		return 2;
	}
	if (read_password(pw, sizeof pw) != 0) {
		fprintf(stderr, "certrenewctl: no password given on standard input\n");
		return 2;
	}
	if (open_db(&db, cfg) != 0)
		return 1;
	if (strcmp(argv[1], "add") == 0) {
		if (cr_user_add(&db, argv[optind], name, (enum cr_role)r, pw, &id, &err) != 0)
			return fail(&db, &err);
		print_json(json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "account", argv[optind], "role", role));
	} else {
		if (cr_user_set_password(&db, argv[optind], pw, &err) != 0)
			return fail(&db, &err);
		print_json(json_pack("{s:s, s:b}", "account", argv[optind], "password_changed", 1));
	}
	memset(pw, 0, sizeof pw);
	cr_db_close(&db);
	return 0;
}

int
cr_ctl_demo_data(const struct cr_config *cfg, int argc, char **argv)
{
	struct cr_db db;
	struct cr_err err;

	(void)argc;
	(void)argv;
	if (open_db(&db, cfg) != 0)
		return 1;
	if (cr_demo_data(&db, cfg, &err) != 0)
		return fail(&db, &err);
	cr_db_close(&db);
	return 0;
}

static int
jobs_list(struct cr_db *db, const char *status, long long limit)
{
	struct cr_res res;
	struct cr_err err;

	if (cr_db_exec(db, &res, &err,
		       "SELECT id, kind, status, attempts, progress, DATE_FORMAT(run_after, '%Y-%m-%dT%H:%i:%SZ'),"
		       " DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%SZ'), locked_by, last_error FROM jobs"
		       " WHERE ? IS NULL OR status = ? ORDER BY id DESC LIMIT ?",
		       "ssi", status, status, limit) != 0)
		return fail(db, &err);
	for (size_t i = 0; i < res.nrows; i++) {
		json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:s}", "id",
				      (json_int_t)cr_res_i64(&res, i, 0), "kind", cr_res_str(&res, i, 1),
				      "status", cr_res_str(&res, i, 2), "attempts",
				      (json_int_t)cr_res_i64(&res, i, 3), "progress",
				      (json_int_t)cr_res_i64(&res, i, 4), "run_after", cr_res_str(&res, i, 5),
				      "updated_at", cr_res_str(&res, i, 6));

		json_object_set_new(j, "locked_by", cr_res_str(&res, i, 7) ? json_string(cr_res_str(&res, i, 7)) : json_null());
		json_object_set_new(j, "last_error", cr_res_str(&res, i, 8) ? json_string(cr_res_str(&res, i, 8)) : json_null());
		print_json(j);
	}
	cr_res_release(&res);
	return 0;
}

int
cr_ctl_jobs(const struct cr_config *cfg, int argc, char **argv)
{
	static const struct option lo[] = {{"status", required_argument, NULL, 's'},
					   {"limit", required_argument, NULL, 'l'},
					   {"count", required_argument, NULL, 'n'},
					   {NULL, 0, NULL, 0}};
	const char *status = NULL;
	long long limit = 100, count = 1;
	struct cr_db db;
	struct cr_err err;
	int ch, rc = 0, add;

	add = argc >= 2 && strcmp(argv[1], "add") == 0;
	optind = add ? 2 : 1;
	while ((ch = getopt_long(argc, argv, "s:l:n:", lo, NULL)) != -1) {
		if (ch == 's')
			status = optarg;
		else if (ch == 'l')
			limit = atoll(optarg);
		else if (ch == 'n')
			count = atoll(optarg);
		else
			return 2;
	}
	if (limit < 1 || limit > 100000 || count < 1 || count > 100000) {
		fprintf(stderr, "certrenewctl: jobs: --limit and --count must be 1 to 100000\n");
		return 2;
	}
	if (add ? optind < argc - 2 || optind > argc - 1 : optind != argc) {
		fprintf(stderr, "usage: certrenewctl jobs [--status S] [--limit N]\n"
				"       certrenewctl jobs add [--count N] KIND [PAYLOAD-JSON]\n");
		return 2;
	}
	if (add && cr_jobkind_find(argv[optind]) == NULL) {
		fprintf(stderr, "certrenewctl: jobs add: unknown job kind '%s'\n", argv[optind]);
		return 2;
	}
	if (add && optind + 1 < argc) {
		json_t *p = json_loads(argv[optind + 1], 0, NULL);

		if (!json_is_object(p)) {
			json_decref(p);
			fprintf(stderr, "certrenewctl: jobs add: the payload must be a JSON object\n");
			return 2;
		}
		json_decref(p);
	}
	if (open_db(&db, cfg) != 0)
		return 1;
	if (!add) {
		rc = jobs_list(&db, status, limit);
		cr_db_close(&db);
		return rc;
	}
	for (long long i = 0; i < count; i++) {
		long long id;

		if (cr_job_enqueue(&db, argv[optind], optind + 1 < argc ? argv[optind + 1] : "{}", NULL, 0,
				   &id, &err) != 0)
			return fail(&db, &err);
		print_json(json_pack("{s:I, s:s}", "id", (json_int_t)id, "kind", argv[optind]));
	}
	cr_db_close(&db);
	return 0;
}

int
cr_ctl_cert(const struct cr_config *cfg, int argc, char **argv)
{
	static const struct option lo[] = {{"account", required_argument, NULL, 'a'},
					   {"token", required_argument, NULL, 't'},
					   {NULL, 0, NULL, 0}};
	const char *account = NULL, *token = "primary";
	struct cr_user u;
	struct cr_db db;
	struct cr_err err;
	int ch, rc = 0;

	if (argc < 2 || strcmp(argv[1], "import") != 0) {
		fprintf(stderr, "usage: certrenewctl cert import --account NAME [--token primary|secondary] FILE.pem...\n");
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
	if (open_db(&db, cfg) != 0)
		return 1;
	if (cr_user_find(&db, account, &u, NULL, &err) != 0) {
		fprintf(stderr, "certrenewctl: cert import: no account '%s'\n", account);
		cr_db_close(&db);
		return 1;
	}
	if (!cr_role_is_customer(u.role)) {
		fprintf(stderr, "certrenewctl: cert import: '%s' is a staff account\n", account);
		cr_db_close(&db);
		return 1;
	}
	for (int i = optind; i < argc; i++) {
		X509 *x[64];
		int n = cr_x509_read_file(argv[i], x, 64, &err);

		if (n < 0) {
			fprintf(stderr, "certrenewctl: %s\n", err.msg);
			rc = 1;
			continue;
		}
		for (int k = 0; k < n; k++) {
			struct cr_x509_info info;
			long long id;
			int created;

			if (cr_cert_import(&db, u.id, token, x[k], &id, &created, &info, &err) != 0) {
				fprintf(stderr, "certrenewctl: %s: %s\n", argv[i], err.msg);
				rc = 1;
			} else {
				print_json(json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)id,
						     "serial", info.serial, "subject", info.subject, "not_after",
						     info.not_after, "token", token, "file", argv[i], "created",
						     created));
			}
			X509_free(x[k]);
		}
	}
	cr_db_close(&db);
	return rc;
}

int
cr_ctl_config(const struct cr_config *cfg, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cr_config_dump(cfg);
	return 0;
}

int
cr_ctl_audit(const struct cr_config *cfg, int argc, char **argv)
{
	long long rows, broken;
	struct cr_db db;
	struct cr_err err;
	int rc;

	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "usage: certrenewctl audit verify\n");
		return 2;
	}
	if (open_db(&db, cfg) != 0)
		return 1;
	rc = cr_audit_verify(&db, &rows, &broken, &err);
	cr_db_close(&db);
	if (rc == CR_ECONFLICT) {
		print_json(json_pack("{s:b, s:I, s:I, s:s}", "ok", 0, "rows", (json_int_t)rows, "broken_id",
				     (json_int_t)broken, "error", err.msg));
		fprintf(stderr, "certrenewctl: %s\n", err.msg);
		return 1;
	}
	if (rc != 0) {
		fprintf(stderr, "certrenewctl: %s\n", err.msg);
		return 1;
	}
	print_json(json_pack("{s:b, s:I}", "ok", 1, "rows", (json_int_t)rows));
	return 0;
}
