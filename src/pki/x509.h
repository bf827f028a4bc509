/*
 * The X.509 helpers only the PKI wing uses (pki.h has the public ones):
 * PEM text, the signing digest of a key, extensions and serials.
 */
#ifndef CR_X509_H
#define CR_X509_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <time.h>

#include "err.h"
#include "pki.h"

#define CR_PEM_MAX (64 * 1024)

/* PEM text of x; caller frees. */
char *cr_x509_pem(X509 *x);

/* The digest a key signs certificates with: SM3 for SM2, SHA-384 for P-384, SHA-256 otherwise. */
const EVP_MD *cr_x509_md(const EVP_PKEY *key);
/* Adds extension nid with its configuration value ("critical,CA:FALSE"); 0 on failure. */
int cr_x509_add_ext(X509 *x, X509 *issuer, int nid, const char *value);
/* A random positive serial of 16 bytes (at least 121 random bits); 0 on failure. */
int cr_x509_random_serial(X509 *x);

#endif
