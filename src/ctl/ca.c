/* certrenewctl ca init [--key rsa|p384] [DIR]: a local root and issuing CA for development (SPEC 9). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../ca.h"
#include "ctl.h"

int
cr_ctl_ca(const struct cr_config *cfg, int argc, char **argv)
{
	static const struct option lo[] = {{"key", required_argument, NULL, 'k'}, {NULL, 0, NULL, 0}};
	const char *alg = "rsa";
	char dir[4096];
	struct cr_err err;
	int ch;

	if (argc < 2 || strcmp(argv[1], "init") != 0) {
		fprintf(stderr, "usage: certrenewctl ca init [--key rsa|p384] [DIR]   (default DIR: "
		                "paths.data_dir/ca)\n");
		return 2;
	}
	optind = 2;
	while ((ch = getopt_long(argc, argv, "k:", lo, NULL)) != -1) {
		if (ch == 'k')
			alg = optarg;
		else
			return 2;
	}
	if (optind < argc - 1) {
		fprintf(stderr, "certrenewctl: ca init: at most one DIR\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%s", optind < argc ? argv[optind] : "");
	if (dir[0] == '\0')
		snprintf(dir, sizeof dir, "%s/ca", cfg->paths_data_dir);
	if (cr_ca_init(dir, alg, &err) != 0)
		return cr_ctl_fail(NULL, &err);
	/* What to put into the configuration, as JSON for programs. */
	{
		char cert[4200], key[4200], chain[4200];

		snprintf(cert, sizeof cert, "%s/ca.pem", dir);
		snprintf(key, sizeof key, "%s/ca.key", dir);
		snprintf(chain, sizeof chain, "%s/root.pem", dir);
		cr_ctl_print(json_pack("{s:s, s:s, s:s, s:s}", "cert", cert, "key", key, "chain", chain,
		                       "key_type", alg));
	}
	return 0;
}
