#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsm.h"
#include "pki.h"
#include "x509.h"

void
cr_ca_release(struct cr_ca *ca)
{
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
	sk_X509_pop_free(ca->chain, X509_free);
	memset(ca, 0, sizeof *ca);
}

int
cr_ca_load(struct cr_ca *ca, const struct cr_config *cfg, int with_key, struct cr_err *err)
{
	X509 *certs[16];
	int n, rc;

	memset(ca, 0, sizeof *ca);
	if (cfg->ca_cert[0] == '\0' || (with_key && cfg->ca_key[0] == '\0'))
		return cr_err_set(
		    err, CR_EINVAL,
		    "ca: ca.cert and ca.key are not set (certrenewctl ca init makes a local CA)");
	if (with_key && cr_hsm_is_uri(cfg->ca_key)) {
		if ((n = cr_x509_read_file(cfg->ca_cert, certs, 1, err)) < 0)
			return n;
		ca->cert = certs[0];
		if ((ca->key = cr_hsm_load_key(cfg->ca_key, cfg->ca_pkcs11_module, cfg->ca_pin_file, err)) ==
		    NULL) {
			cr_ca_release(ca);
			return err->code ? err->code : CR_EIO;
		}
	} else if (with_key) {
		if ((rc = cr_x509_load_pair(cfg->ca_cert, cfg->ca_key, &ca->cert, &ca->key, err)) != 0)
			return rc;
	}
	if (with_key) {
		if (X509_check_private_key(ca->cert, ca->key) != 1) {
			cr_ca_release(ca);
			return cr_err_set(err, CR_EINVAL, "ca: %s does not hold the key of %s", cfg->ca_key,
			                  cfg->ca_cert);
		}
	} else {
		if ((n = cr_x509_read_file(cfg->ca_cert, certs, 1, err)) < 0)
			return n;
		ca->cert = certs[0];
	}
	ca->chain = sk_X509_new_null();
	if (cfg->ca_chain[0]) {
		if ((n = cr_x509_read_file(cfg->ca_chain, certs, 16, err)) < 0) {
			cr_ca_release(ca);
			return n;
		}
		for (int i = 0; i < n; i++)
			sk_X509_push(ca->chain, certs[i]);
	}
	return 0;
}

/* t plus years calendar years (29 February becomes 28 February when it must). */
static time_t
add_years(time_t t, int years)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_year += years;
	if (tm.tm_mon == 1 && tm.tm_mday == 29)
		tm.tm_mday = 28;
	return timegm(&tm);
}

X509 *
cr_ca_issue(const struct cr_ca *ca, const struct cr_config *cfg, const X509_NAME *subject, const char *ou,
            EVP_PKEY *pub, time_t not_before, int years, struct cr_err *err)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_dup(subject);
	char value[600];
	int ok = 0, i;

	if (x == NULL || name == NULL || ca->key == NULL)
		goto out;
	if (ou) {
		while ((i = X509_NAME_get_index_by_NID(name, NID_organizationalUnitName, -1)) >= 0)
			X509_NAME_ENTRY_free(X509_NAME_delete_entry(name, i));
		if (!X509_NAME_add_entry_by_NID(name, NID_organizationalUnitName, MBSTRING_UTF8,
		                                (const unsigned char *)ou, -1, -1, 0))
			goto out;
	}
	if (!X509_set_version(x, 2) || !cr_x509_random_serial(x) || !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), add_years(not_before, years)) || !X509_set_pubkey(x, pub))
		goto out;
	if (!cr_x509_add_ext(x, ca->cert, NID_basic_constraints, "critical,CA:FALSE") ||
	    !cr_x509_add_ext(x, ca->cert, NID_key_usage,
	                     EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA
	                         ? "critical,digitalSignature,keyEncipherment"
	                         : "critical,digitalSignature") ||
	    !cr_x509_add_ext(x, ca->cert, NID_ext_key_usage, "clientAuth,emailProtection") ||
	    !cr_x509_add_ext(x, ca->cert, NID_subject_key_identifier, "hash") ||
	    !cr_x509_add_ext(x, ca->cert, NID_authority_key_identifier, "keyid:always"))
		goto out;
	if (cfg->ca_policy_oid[0] &&
	    !cr_x509_add_ext(x, ca->cert, NID_certificate_policies, cfg->ca_policy_oid))
		goto out;
	snprintf(value, sizeof value, "URI:%s", cfg->ca_crl_url);
	if (cfg->ca_crl_url[0] && !cr_x509_add_ext(x, ca->cert, NID_crl_distribution_points, value))
		goto out;
	if (X509_sign(x, ca->key, cr_x509_md(ca->key)) <= 0)
		goto out;
	ok = 1;
out:
	X509_NAME_free(name);
	if (!ok) {
		cr_err_set(err, CR_EIO, "ca: cannot issue: %s", cr_x509_ssl_reason());
		X509_free(x);
		return NULL;
	}
	return x;
}

#define ORG "certrenew 本地开发 CA"

static EVP_PKEY *
new_key(const char *alg)
{
	if (strcmp(alg, "p384") == 0)
		return EVP_EC_gen("P-384");
	if (strcmp(alg, "sm2") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	if (strcmp(alg, "rsa2048") == 0)
		return EVP_RSA_gen(2048);
	return EVP_RSA_gen(3072);
}

int
cr_ca_init(const char *dir, const char *alg, struct cr_err *err)
{
	char path[4][4200];
	EVP_PKEY *rkey = NULL, *ikey = NULL;
	X509 *root = NULL, *issuing = NULL;
	struct stat st;
	int rc = 0;

	if (strcmp(alg, "rsa") != 0 && strcmp(alg, "rsa2048") != 0 && strcmp(alg, "p384") != 0 &&
	    strcmp(alg, "sm2") != 0)
		return cr_err_set(
		    err, CR_EINVAL,
		    "ca init: the key is rsa (RSA 3072), rsa2048, p384 (ECDSA P-384) or sm2, not %s", alg);
	/* Certificates are public (the FastCGI workers send them in p7b); the keys alone are 0600. */
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return cr_err_set(err, CR_EIO, "%s: %s", dir, strerror(errno));
	snprintf(path[0], sizeof path[0], "%s/root.pem", dir);
	snprintf(path[1], sizeof path[1], "%s/root.key", dir);
	snprintf(path[2], sizeof path[2], "%s/ca.pem", dir);
	snprintf(path[3], sizeof path[3], "%s/ca.key", dir);
	if (stat(path[3], &st) == 0)
		return cr_err_set(err, CR_ECONFLICT, "ca init: %s exists; not overwritten", path[3]);
	if ((rkey = new_key(alg)) == NULL || (ikey = new_key(alg)) == NULL ||
	    (root = cr_x509_sign(rkey, ORG, "certrenew 开发根 CA", NULL, rkey, -1, 20 * 365, 1, err)) ==
	        NULL ||
	    (issuing = cr_x509_sign(ikey, ORG, "certrenew 开发签发 CA", root, rkey, -1, 10 * 365, 1, err)) ==
	        NULL) {
		rc = cr_err_set(err, CR_EIO, "ca init: %s", cr_x509_ssl_reason());
		goto out;
	}
	if ((rc = cr_x509_write(path[1], NULL, rkey, err)) != 0 ||
	    (rc = cr_x509_write(path[0], root, NULL, err)) != 0 ||
	    (rc = cr_x509_write(path[3], NULL, ikey, err)) != 0 ||
	    (rc = cr_x509_write(path[2], issuing, NULL, err)) != 0)
		goto out;
out:
	EVP_PKEY_free(rkey);
	EVP_PKEY_free(ikey);
	X509_free(root);
	X509_free(issuing);
	return rc;
}
