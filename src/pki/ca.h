/*
 * The issuing CA (SPEC 9): a local two-level CA for development
 * (certrenewctl ca init), loading the one in use (ca.cert, ca.key,
 * ca.chain) and issuing a customer's certificate with it.  Only the
 * process that signs (certrenewd) loads the key.
 */
#ifndef CR_CA_H
#define CR_CA_H

#include <openssl/x509.h>
#include <time.h>

#include "config.h"
#include "err.h"

struct cr_ca {
	X509 *cert;             /* the issuing CA */
	EVP_PKEY *key;          /* its private key (NULL when loaded without it) */
	STACK_OF(X509) * chain; /* the CAs above it (its root), may be empty */
};

/* Loads ca.cert and ca.chain, and ca.key when with_key; release with cr_ca_release. */
int cr_ca_load(struct cr_ca *ca, const struct cr_config *cfg, int with_key, struct cr_err *err);
void cr_ca_release(struct cr_ca *ca);
/*
 * Makes a root and an issuing CA in dir ("rsa": RSA 3072, "rsa2048",
 * "p384": ECDSA P-384, "sm2": SM2 signing with SM3): root.pem, root.key,
 * ca.pem, ca.key (keys 0600).  Refuses to
 * overwrite an existing ca.key.
 */
int cr_ca_init(const char *dir, const char *alg, struct cr_err *err);
/*
 * A customer's certificate for pub: subject copied (ou, when not NULL,
 * replaces its OU: the trading centre of an add-on), a random serial, valid
 * from not_before for years, the extensions of SPEC 9.
 */
X509 *cr_ca_issue(const struct cr_ca *ca, const struct cr_config *cfg, const X509_NAME *subject,
                  const char *ou, EVP_PKEY *pub, time_t not_before, int years, struct cr_err *err);

#endif
