/*
 * The PKI wing's public interface: the certificates customers hold
 * (certs.c), issuing the new ones of a paid order (issue.c) by the issuing
 * CA (ca.c), and the X.509 helpers the command line uses to make and read
 * CAs and certificates (x509.c).  Certificate requests, the renewal window
 * and the PKCS#11 token are the wing's own.
 */
#ifndef CR_PKI_H
#define CR_PKI_H

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <time.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "err.h"

/*
 * X.509 helpers over OpenSSL: reading a certificate's facts, and making
 * keys and certificates for the local demo CA.
 */
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
/* When the first certificate of a PEM file expires, seconds since the epoch; 0 when none can be read. */
long long cr_x509_file_expiry(const char *path);
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
/* The reason of OpenSSL's last error (the queue cleared), for messages. */
const char *cr_x509_ssl_reason(void);
/* Writes a PEM certificate or private key (mode 0600 for keys). */
int cr_x509_write(const char *path, X509 *x, EVP_PKEY *key, struct cr_err *err);
/* Loads a PEM certificate and private key pair. */
int cr_x509_load_pair(const char *cert_path, const char *key_path, X509 **x, EVP_PKEY **key,
                      struct cr_err *err);

/*
 * The issuing CA (SPEC 9): a local two-level CA for development
 * (certrenewctl ca init), loading the one in use (ca.cert, ca.key,
 * ca.chain) and issuing a customer's certificate with it.  Only the
 * process that signs (certrenewd) loads the key.
 */
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
/* Whether a ca.key value names a PKCS#11 object rather than a file. */
int cr_hsm_is_uri(const char *key);

/*
 * Issuing the certificates of a paid order (SPEC 9), run by certrenewd's
 * job issue_order: every certificate of the order whose request is in is
 * signed by the issuing CA, stored and marked issued; the certificate it
 * renews is superseded; the order goes to issuing, then completed when all
 * are issued.  Audited, the customer told (已签发).  Idempotent: what is
 * issued already is not issued again.
 */
/* Issues what order_id can have now; *issued: how many. */
int cr_issue_order(struct cr_db *db, const struct cr_config *cfg, const struct cr_ca *ca, long long order_id,
                   int *issued, struct cr_err *err);
/*
 * Issues, in one transaction, what up to max_orders paid orders whose
 * requests wait can have now, oldest first (orders another run holds are
 * skipped): many certificates a commit.  *orders: how many orders it took
 * (0: none waits), *issued: certificates issued.  A crash before the commit
 * issues nothing of the batch; the next run issues it again.
 */
int cr_issue_batch(struct cr_db *db, const struct cr_config *cfg, const struct cr_ca *ca, int max_orders,
                   int *orders, int *issued, struct cr_err *err);
/* How many paid orders wait for issuing, counted up to max. */
int cr_issue_waiting(struct cr_db *db, int max, int *n, struct cr_err *err);
/*
 * Queues an issue run (job issue_paid) for order_id's certificates: one run
 * waits at a time, whatever pays or asks meanwhile (its dedup key holds only
 * while it is queued), and it issues every paid order whose requests are in.
 */
int cr_issue_enqueue(struct cr_db *db, long long order_id, struct cr_err *err);
/*
 * Withdraws the issue jobs of order_id that wait (the order was cancelled
 * and refunded), inside the caller's transaction: they end done, saying
 * why.  One running meanwhile holds the order's row and finds it no longer
 * paid.
 */
int cr_issue_withdraw(struct cr_db *db, long long order_id, struct cr_err *err);

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

/* Certificates held by customers (table certificates). */
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

/* What a page of an account's certificates asks for (all optional: zero or empty). */
struct cr_certs_query {
	const char *after;  /* the previous page's "next" */
	long long limit;    /* how many */
	const char *status; /* one status */
	int expiring_days;  /* expiring within this many days (or expired already) */
	const char *text;   /* in the subject, the serial or the trading centre's name */
	long long id;       /* this one only */
};

/*
 * A page of the certificates of account_id (SPEC 10: id, serial, subject,
 * not_before, not_after, token, trading_centre_id, status, renews_id,
 * renewable, renewable_reason, open_application_id): {items, next}.  Those
 * with a renewal under way first, then the held ones, then the history
 * (superseded, revoked), each soonest to expire first; paged by that order's
 * key.  CR_EINVAL naming a bad filter or cursor.
 */
int cr_certs_list(struct cr_db *db, const struct cr_config *cfg, long long account_id,
                  const struct cr_certs_query *q, json_t **out, struct cr_err *err);
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
