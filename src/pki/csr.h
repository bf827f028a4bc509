/*
 * Certificate requests from the customer's key (SPEC 9): PKCS#10 in PEM or
 * DER (judged by content, at most CR_CSR_MAX bytes), its signature
 * verified, its key one we issue for: RSA of at least 2048 bits, ECDSA on
 * P-256 or P-384, or SM2 (signed with SM3 under the default distinguishing ID).  Refusals are CR_EINVAL with
 * a Chinese reason.
 */
#ifndef CR_CSR_H
#define CR_CSR_H

#include <openssl/x509.h>
#include <stddef.h>

#include "err.h"

#define CR_CSR_MAX (16 * 1024)

/*
 * Parses and checks a request; *req (the caller's to X509_REQ_free), its
 * PEM text into pem (at least 2 * CR_CSR_MAX bytes) and the SHA-256 of its
 * DER encoding.
 */
int cr_csr_parse(const void *data, size_t len, X509_REQ **req, char *pem, size_t pemlen, char sha[65],
                 struct cr_err *err);

#endif
