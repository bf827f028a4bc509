/*
 * X.509 helpers over OpenSSL: reading a certificate's facts, and making
 * keys and certificates for the local demo CA.
 */
#ifndef CR_X509_H
#define CR_X509_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <time.h>

#include "err.h"

#define CR_PEM_MAX (64 * 1024)

struct cr_x509_info {
	char subject[1024]; /* RFC 2253, UTF-8 */
	char issuer[1024];
	char serial[80];     /* lower-case hex */
	char not_before[20]; /* "YYYY-MM-DD HH:MM:SS" UTC */
	char not_after[20];
	char sha256[65]; /* of the DER encoding */
	int is_ca;
};

/* Reads every certificate in a PEM file (at most max); returns the count or a negative code. */
int cr_x509_read_file(const char *path, X509 **out, int max, struct cr_err *err);
int cr_x509_info(X509 *x, struct cr_x509_info *info, struct cr_err *err);
/* PEM text of x; caller frees. */
char *cr_x509_pem(X509 *x);

/* A new P-256 key. */
EVP_PKEY *cr_x509_key_new(void);
/*
 * Signs a certificate for pub with subject "/C=CN/O=org/CN=cn" (UTF-8),
 * valid from now + from_days to now + to_days, by issuer/ikey (or
 * self-signed when issuer is NULL; then ikey must hold pub's private key).
 * ca selects CA or end-entity extensions.
 */
X509 *cr_x509_sign(EVP_PKEY *pub, const char *org, const char *cn, X509 *issuer, EVP_PKEY *ikey,
                   int from_days, int to_days, int ca, struct cr_err *err);
/* The digest a key signs certificates with: SM3 for SM2, SHA-384 for P-384, SHA-256 otherwise. */
const EVP_MD *cr_x509_md(const EVP_PKEY *key);
/* The reason of OpenSSL's last error (the queue cleared), for messages. */
const char *cr_x509_ssl_reason(void);
/* Adds extension nid with its configuration value ("critical,CA:FALSE"); 0 on failure. */
int cr_x509_add_ext(X509 *x, X509 *issuer, int nid, const char *value);
/* A random positive serial of 16 bytes (at least 121 random bits); 0 on failure. */
int cr_x509_random_serial(X509 *x);
/* Writes a PEM certificate or private key (mode 0600 for keys). */
int cr_x509_write(const char *path, X509 *x, EVP_PKEY *key, struct cr_err *err);
/* Loads a PEM certificate and private key pair. */
int cr_x509_load_pair(const char *cert_path, const char *key_path, X509 **x, EVP_PKEY **key,
                      struct cr_err *err);

#endif
