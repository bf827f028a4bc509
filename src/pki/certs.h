/* Certificates held by customers (table certificates). */
#ifndef CR_CERTS_H
#define CR_CERTS_H

#include <jansson.h>

#include "db.h"
#include "x509.h"

/*
 * Records x as a certificate held by account_id on key token ("primary" or
 * "secondary"), whatever CA issued it.  CA certificates are refused.
 * Importing the same certificate again for the same account returns the
 * existing id (*created = 0).
 */
int cr_cert_import(struct cr_db *db, long long account_id, const char *token, X509 *x, long long *id,
                   int *created, struct cr_x509_info *info, struct cr_err *err);
/* How many certificates account_id holds (any status). */
int cr_certs_count(struct cr_db *db, long long account_id, long long *n, struct cr_err *err);

/*
 * The certificates of account_id as a JSON array (SPEC 10: id, serial,
 * subject, not_before, not_after, token, trading_centre_id, status,
 * renews_id, renewable, renewable_reason, open_application_id).
 */
int cr_certs_list(struct cr_db *db, const struct cr_config *cfg, long long account_id, json_t **out,
                  struct cr_err *err);
/*
 * The certificates order order_no issues (the one it renews first, then
 * the add-on centres'), as a JSON array: id, token, status, status_label,
 * subject, trading_centre_id, renews_id, serial, not_before, not_after,
 * trading_centre, renews_not_after.
 */
int cr_certs_of_order(struct cr_db *db, const char *order_no, json_t **out, struct cr_err *err);
/*
 * Checks that certificate_id belongs to account_id and can be renewed now
 * (not counting an open application); CR_ENOTFOUND or CR_EINVAL (field
 * "certificate_id", Chinese reason).
 */
int cr_cert_check_renewable(struct cr_db *db, const struct cr_config *cfg, long long account_id,
                            long long certificate_id, struct cr_err *err);

/*
 * Reminds each account once of every certificate it holds inside the
 * renewal window (ca.renew_before_days before expiry), unless a renewal is
 * under way, in its messages; *n: how many were reminded.
 */
int cr_certs_remind(struct cr_db *db, const struct cr_config *cfg, long long *n, struct cr_err *err);

#endif
