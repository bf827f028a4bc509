/* certrenewctl: the administration command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank/bank.h"
#include "ctl/ctl.h"
#include "db.h"
#include "startup.h"

static const struct {
	const char *name;
	int (*run)(const struct cr_config *, int, char **);
	const char *help;
} commands[] = {
    {"migrate", cr_ctl_migrate, "apply the schema files not applied yet"},
    {"user", cr_ctl_user, "user add --role ROLE [--name NAME] LOGIN | user passwd LOGIN (password on stdin)"},
    {"demo-data", cr_ctl_demo_data, "load the demo accounts and certificates (local stack only)"},
    {"jobs", cr_ctl_jobs, "list jobs [--status S] | jobs add KIND [PAYLOAD]"},
    {"cert", cr_ctl_cert, "cert import --account NAME [--token primary|secondary] FILE.pem..."},
    {"ca", cr_ctl_ca,
     "ca init [--key rsa|rsa2048|p384|sm2] [DIR]: make a local root and issuing CA (development); "
     "ca check [--out FILE]: sign a test certificate with the configured CA"},
    {"import-statement", cr_ctl_import_statement,
     "import-statement [--dry-run] FILE...: import bank statements (camt.052/053/054), one JSON line a file"},
    {"audit", cr_ctl_audit,
     "audit verify: recompute the audit log's hash chain, naming the first broken row"},
    {"ledger", cr_ctl_ledger,
     "ledger check: prove the books (orders, payments, credits, online payments, refunds), naming each "
     "violation"},
    {"config", cr_ctl_config, "print the configuration in use (secrets masked)"},
};

static void
usage(void)
{
	fprintf(stderr, "usage: certrenewctl [-c FILE] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(stderr, "  %-17s %s\n", commands[i].name, commands[i].help);
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *conf = cr_startup_default_conf();
	struct cr_config *cfg;
	struct cr_err err;
	int i = 1, rc;

	cr_startup_fds();
	/* Options before the command only; the command parses its own. */
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			conf = argv[i + 1];
			i += 2;
		} else {
			usage();
		}
	}
	if (i >= argc)
		usage();
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
		if (strcmp(argv[i], commands[k].name) != 0)
			continue;
		cfg = cr_startup_config("certrenewctl", conf);
		if (cr_bank_config_check(cfg, &err) != 0) {
			fprintf(stderr, "certrenewctl: %s\n", err.msg);
			return 1;
		}
		cr_db_global_init();
		rc = commands[k].run(cfg, argc - i, argv + i);
		cr_config_free(cfg);
		return rc;
	}
	fprintf(stderr, "certrenewctl: unknown command '%s'\n", argv[i]);
	usage();
	return 2;
}
