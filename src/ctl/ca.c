/*
 * certrenewctl ca init [--key rsa|rsa2048|p384|sm2] [DIR]: a local root and
 * issuing CA for development (SPEC 9).
 * certrenewctl ca check [--out FILE]: signs a throw-away certificate with
 * the configured CA (file key or PKCS#11 token), exactly as certrenewd
 * does, and verifies it against ca.chain: run it as certrenewd's user after
 * changing [ca].
 */
#include <getopt.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "pki/pki.h"

static int
usage(void)
{
	fprintf(stderr, "usage: certrenewctl ca init [--key rsa|rsa2048|p384|sm2] [DIR]   (default DIR: "
	                "paths.data_dir/ca)\n"
	                "       certrenewctl ca check [--out FILE]\n");
	return 2;
}

static int
ca_init(const struct cr_config *cfg, int argc, char **argv)
{
	static const struct option lo[] = {{"key", required_argument, NULL, 'k'}, {NULL, 0, NULL, 0}};
	const char *alg = "rsa";
	char dir[4096], cert[4200], key[4200], chain[4200];
	struct cr_err err;
	struct cr_db *db;
	int ch;

	optind = 2;
	while ((ch = getopt_long(argc, argv, "k:", lo, NULL)) != -1) {
		if (ch == 'k')
			alg = optarg;
		else
			return usage();
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
	snprintf(cert, sizeof cert, "%s/ca.pem", dir);
	snprintf(key, sizeof key, "%s/ca.key", dir);
	snprintf(chain, sizeof chain, "%s/root.pem", dir);
	/* Audited where the database is there already (a first installation makes its CA before it). */
	if ((db = cr_ctl_db(cfg)) != NULL) {
		cr_ctl_record(db, "ca.init", "ca", dir,
		              json_pack("{s:s, s:s}", "cert", cert, "key_type", alg));
		cr_db_free(db);
	} else {
		fprintf(stderr, "certrenewctl: ca init: not audited (no database yet)\n");
	}
	cr_ctl_print(
	    json_pack("{s:s, s:s, s:s, s:s}", "cert", cert, "key", key, "chain", chain, "key_type", alg));
	return 0;
}

/* Verifies x against the issuing CA and its chain (the last one trusted); 1 when it holds. */
static int
verifies(const struct cr_ca *ca, X509 *x, const char **why)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	int ok = 0, n = sk_X509_num(ca->chain);

	*why = "out of memory";
	if (store && ctx && untrusted) {
		/* The root (last of the chain, or the issuing CA alone) is the anchor. */
		X509_STORE_add_cert(store, n ? sk_X509_value(ca->chain, n - 1) : ca->cert);
		sk_X509_push(untrusted, ca->cert);
		for (int i = 0; i + 1 < n; i++)
			sk_X509_push(untrusted, sk_X509_value(ca->chain, i));
		if (X509_STORE_CTX_init(ctx, store, x, untrusted) == 1) {
			ok = X509_verify_cert(ctx) == 1;
			*why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
		}
	}
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

static const char *
key_type(const EVP_PKEY *key)
{
	const char *t = EVP_PKEY_get0_type_name(key);

	return t ? t : "unknown";
}

static int
ca_check(const struct cr_config *cfg, int argc, char **argv)
{
	static const struct option lo[] = {{"out", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
	const char *out = NULL, *why = "";
	struct cr_x509_info info;
	struct cr_err err;
	struct cr_ca ca;
	X509_NAME *name = X509_NAME_new();
	EVP_PKEY *pub = cr_x509_key_new();
	X509 *x = NULL;
	int ch, rc = 1, ok;

	optind = 2;
	while ((ch = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		if (ch != 'o')
			return usage();
		out = optarg;
	}
	if (name == NULL || pub == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	                                (const unsigned char *)"certrenew ca check", -1, -1, 0)) {
		fprintf(stderr, "certrenewctl: ca check: out of memory\n");
		goto done;
	}
	if (cr_ca_load(&ca, cfg, 1, &err) != 0) {
		cr_ctl_fail(NULL, &err);
		goto done;
	}
	x = cr_ca_issue(&ca, cfg, name, NULL, pub, time(NULL), 1, &err);
	if (x == NULL || cr_x509_info(x, &info, &err) != 0) {
		cr_ctl_fail(NULL, &err);
	} else if (out && cr_x509_write(out, x, NULL, &err) != 0) {
		cr_ctl_fail(NULL, &err);
	} else {
		ok = verifies(&ca, x, &why);
		cr_ctl_print(json_pack("{s:s, s:s, s:s, s:b, s:b, s:s}", "issuer", info.issuer, "serial",
		                       info.serial, "ca_key_type", key_type(ca.key), "pkcs11",
		                       cr_hsm_is_uri(cfg->ca_key), "verified", ok, "verify_result", why));
		if (!ok)
			fprintf(stderr, "certrenewctl: ca check: the certificate does not verify: %s\n", why);
		rc = ok ? 0 : 1;
	}
	cr_ca_release(&ca);
done:
	X509_free(x);
	X509_NAME_free(name);
	EVP_PKEY_free(pub);
	return rc;
}

int
cr_ctl_ca(const struct cr_config *cfg, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "init") == 0)
		return ca_init(cfg, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return ca_check(cfg, argc, argv);
	return usage();
}
