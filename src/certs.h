/* Certificates held by customers (table certificates). */
#ifndef CR_CERTS_H
#define CR_CERTS_H

#include "db.h"
#include "x509.h"

/*
 * Records x as a certificate held by account_id on key token ("primary" or
 * "secondary"), whatever CA issued it.  CA certificates are refused.
 * Importing the same certificate again for the same account returns the
 * existing id (*created = 0).
 */
int cr_cert_import(struct cr_db *db, long long account_id, const char *token, X509 *x,
		   long long *id, int *created, struct cr_x509_info *info, struct cr_err *err);

#endif
