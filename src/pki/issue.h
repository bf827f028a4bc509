/*
 * Issuing the certificates of a paid order (SPEC 9), run by certrenewd's
 * job issue_order: every certificate of the order whose request is in is
 * signed by the issuing CA, stored and marked issued; the certificate it
 * renews is superseded; the order goes to issuing, then completed when all
 * are issued.  Audited, the customer told (已签发).  Idempotent: what is
 * issued already is not issued again.
 */
#ifndef CR_ISSUE_H
#define CR_ISSUE_H

#include <jansson.h>

#include "audit.h"
#include "ca.h"
#include "db.h"

/* Issues what order_id can have now; *issued: how many. */
int cr_issue_order(struct cr_db *db, const struct cr_config *cfg, const struct cr_ca *ca, long long order_id,
                   int *issued, struct cr_err *err);
/* Queues the issue job of order_id (one at a time per order). */
int cr_issue_enqueue(struct cr_db *db, long long order_id, struct cr_err *err);

/*
 * The key's request for certificate cert_id (of actor's account, from the
 * order's approval on; it replaces an earlier one until issue): PEM or DER,
 * checked (csr.h); issued at once when the order is paid.  A refused request
 * is CR_EBADFILE naming "csr".  *out: {id, status, csr_sha256, order_no, order_status}.
 */
int cr_issue_submit(struct cr_db *db, const struct cr_actor *actor, long long cert_id, const void *data,
                    size_t len, json_t **out, struct cr_err *err);
/*
 * An issued certificate of account_id (0: any) as format "pem", "der" or
 * "p7b" (with the chain); *data is the caller's to free.
 */
int cr_issue_download(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long cert_id,
                      const char *format, char **data, size_t *len, const char **ctype, struct cr_err *err);
/* The key wrote the issued certificate: it becomes installed. */
int cr_issue_installed(struct cr_db *db, const struct cr_actor *actor, long long cert_id, struct cr_err *err);

#endif
