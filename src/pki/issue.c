#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "csr.h"
#include "jobs.h"
#include "messages.h"
#include "pki.h"
#include "timefmt.h"
#include "x509.h"

int
cr_issue_enqueue(struct cr_db *db, long long order_id, struct cr_err *err)
{
	(void)order_id;
	/*
	 * One run waiting is enough: it issues every order paid by then.  The
	 * key is dropped when the run is claimed ("q:"), so an order paid while
	 * a run is under way queues the next one.
	 */
	return cr_job_enqueue(db, "issue_paid", "{}", "q:issue_paid", 0, NULL, err);
}

int
cr_issue_withdraw(struct cr_db *db, long long order_id, struct cr_err *err)
{
	char payload[64];

	snprintf(payload, sizeof payload, "{\"order_id\":%lld}", order_id);
	return cr_db_exec(db, NULL, err,
	                  "UPDATE jobs SET status = 'done', last_error = 'withdrawn: the order was refunded',"
	                  " finished_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6)"
	                  " WHERE kind = 'issue_order' AND payload = ? AND status IN ('queued', 'failed')",
	                  "s", payload);
}

/* The subject (and old expiry) of the certificate the order renews. */
static int
renewed(struct cr_db *db, long long application_id, X509_NAME **subject, time_t *old_expiry,
        struct cr_err *err)
{
	struct cr_res res;
	X509 *x = NULL;
	BIO *bio;
	int rc;

	rc = cr_db_one(
	    db, &res, err, "renewed certificate",
	    "SELECT c.pem, c.not_after FROM applications a JOIN certificates c ON c.id = a.certificate_id"
	    " WHERE a.id = ?",
	    "i", application_id);
	if (rc != 0)
		return rc;
	if (cr_res_str(&res, 0, 0) && (bio = BIO_new_mem_buf(cr_res_str(&res, 0, 0), -1)) != NULL) {
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	*old_expiry = cr_res_str(&res, 0, 1) ? cr_time_parse(cr_res_str(&res, 0, 1)) : 0;
	cr_res_release(&res);
	if (x == NULL)
		return cr_err_set(err, CR_EINVAL,
		                  "issue: the renewed certificate of application %lld has no PEM",
		                  application_id);
	*subject = X509_NAME_dup(X509_get_subject_name(x));
	X509_free(x);
	return *subject ? 0 : cr_err_set(err, CR_ENOMEM, "issue: out of memory");
}

/*
 * The audit rows of an issue run, appended at the end of its transaction:
 * the chain's head is locked by the first append until the commit, so
 * appending as each certificate is signed would hold it through all the
 * signing and make runs side by side wait for each other.
 */
struct later {
	size_t n, cap;
	struct later_row {
		const char *action, *type;
		char id[24];
		json_t *before, *after;
	} * row;
	/*
	 * The certificates the run's certificates renew, marked superseded at
	 * the end too: another run may renew the same one (two add-ons of one
	 * centre), and its lock is then held only for the moment of the commit.
	 */
	size_t nrenewed, caprenewed;
	long long *renewed;
};

static int
later_renews(struct later *l, long long id, struct cr_err *err)
{
	if (l->nrenewed == l->caprenewed) {
		size_t cap = l->caprenewed ? 2 * l->caprenewed : 64;
		long long *r = realloc(l->renewed, cap * sizeof *r);

		if (r == NULL)
			return cr_err_set(err, CR_ENOMEM, "issue: out of memory");
		l->renewed = r;
		l->caprenewed = cap;
	}
	l->renewed[l->nrenewed++] = id;
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

#define SUPERSEDE_CHUNK 32

/* Marks the renewed certificates superseded, in the order of their keys (so that runs never deadlock). */
static int
supersede(struct cr_db *db, struct later *l, struct cr_err *err)
{
	const char *sql =
	    cr_db_sql_repeat("UPDATE certificates SET status = 'superseded' WHERE id IN (", "?",
	                     SUPERSEDE_CHUNK, ") AND status IN ('active', 'expired', 'issued', 'installed')");
	struct cr_db_arg args[SUPERSEDE_CHUNK];
	int rc = 0;

	if (sql == NULL)
		return cr_err_set(err, CR_ENOMEM, "issue: out of memory");
	qsort(l->renewed, l->nrenewed, sizeof *l->renewed, cmp_id);
	for (size_t i = 0; rc == 0 && i < l->nrenewed; i += SUPERSEDE_CHUNK) {
		/* One text for every chunk: filled up with 0, which no certificate has. */
		for (size_t j = 0; j < SUPERSEDE_CHUNK; j++)
			args[j] = (struct cr_db_arg){'i', i + j < l->nrenewed ? l->renewed[i + j] : 0, NULL};
		rc = cr_db_exec_args(db, NULL, err, sql, args, SUPERSEDE_CHUNK);
	}
	return rc;
}

static int
later_add(struct later *l, const char *action, const char *type, const char *id, json_t *before,
          json_t *after, struct cr_err *err)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct later_row *r = realloc(l->row, cap * sizeof *r);

		if (r == NULL) {
			json_decref(before);
			json_decref(after);
			return cr_err_set(err, CR_ENOMEM, "issue: out of memory");
		}
		l->row = r;
		l->cap = cap;
	}
	l->row[l->n].action = action;
	l->row[l->n].type = type;
	snprintf(l->row[l->n].id, sizeof l->row[l->n].id, "%s", id);
	l->row[l->n].before = before;
	l->row[l->n].after = after;
	l->n++;
	return 0;
}

/*
 * Marks the renewed certificates and appends the rows (rc 0), or drops
 * them; the list is empty after.  Rows of
 * one action and kind of object go in one cr_audit_many (many rows a
 * statement), in the order they were added.
 */
static int
later_flush(struct cr_db *db, struct later *l, int rc, struct cr_err *err)
{
	struct cr_actor sys = {0, "system", ""};
	struct cr_audit_row *rows = l->n ? calloc(l->n, sizeof *rows) : NULL;
	size_t i = 0;

	if (l->n && rows == NULL && rc == 0)
		rc = cr_err_set(err, CR_ENOMEM, "issue: out of memory");
	if (rc == 0 && l->nrenewed)
		rc = supersede(db, l, err);
	while (i < l->n) {
		size_t k = 0;

		while (i + k < l->n && strcmp(l->row[i + k].action, l->row[i].action) == 0 &&
		       strcmp(l->row[i + k].type, l->row[i].type) == 0)
			k++;
		if (rc == 0) {
			for (size_t j = 0; j < k; j++)
				rows[j] = (struct cr_audit_row){l->row[i + j].id, l->row[i + j].after,
				                                l->row[i + j].before};
			rc = cr_audit_many(db, &sys, l->row[i].action, l->row[i].type, rows, k, err);
		} else {
			for (size_t j = 0; j < k; j++) {
				json_decref(l->row[i + j].before);
				json_decref(l->row[i + j].after);
			}
		}
		i += k;
	}
	free(rows);
	free(l->row);
	free(l->renewed);
	memset(l, 0, sizeof *l);
	return rc;
}

/* Signs and stores one certificate of the order. */
static int
issue_one(struct cr_db *db, const struct cr_config *cfg, const struct cr_ca *ca, const struct cr_res *c,
          size_t i, const X509_NAME *subject, time_t not_before, int years, const char *order_no,
          struct later *later, struct cr_err *err)
{
	long long id = cr_res_i64(c, i, 0), renews = cr_res_i64(c, i, 3);
	const char *csr = cr_res_str(c, i, 4), *centre = cr_res_str(c, i, 2);
	char *pem = NULL, csr_pem[2 * CR_CSR_MAX], csr_sha[65];
	struct cr_x509_info info;
	char idtext[24];
	X509_REQ *req = NULL;
	X509 *x = NULL;
	int rc;

	snprintf(idtext, sizeof idtext, "%lld", id);
	if ((rc = cr_csr_parse(csr, strlen(csr), &req, csr_pem, sizeof csr_pem, csr_sha, err)) != 0)
		return rc;
	x = cr_ca_issue(ca, cfg, subject, centre, X509_REQ_get0_pubkey(req), not_before, years, err);
	X509_REQ_free(req);
	if (x == NULL)
		return err ? err->code : CR_EIO;
	if ((rc = cr_x509_info(x, &info, err)) != 0 || (pem = cr_x509_pem(x)) == NULL) {
		X509_free(x);
		return rc ? rc : cr_err_set(err, CR_ENOMEM, "issue: out of memory");
	}
	X509_free(x);
	rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE certificates SET status = 'issued', serial = ?, issuer = ?, not_before = ?, not_after = "
	    "?,"
	    " pem = ?, sha256 = ?, issued_at = UTC_TIMESTAMP(6) WHERE id = ? AND status = 'awaiting_csr'",
	    "ssssssi", info.serial, info.issuer, info.not_before, info.not_after, pem, info.sha256, id);
	free(pem);
	/* Locked above as awaiting its certificate: anything else means the run must not count it. */
	if (rc == 0 && cr_db_affected(db) != 1)
		rc = cr_err_set(err, CR_ERETRY,
		                "issue: certificate %lld changed under its lock; the run starts over", id);
	if (rc == 0 && renews)
		rc = later_renews(later, renews, err);
	if (rc == 0)
		rc = later_add(later, "certificate.issue", "certificate", idtext,
		               json_pack("{s:s}", "status", "awaiting_csr"),
		               json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "status", "issued", "order_no",
		                         order_no, "serial", info.serial, "not_before", info.not_before,
		                         "not_after", info.not_after, "csr_sha256", csr_sha),
		               err);
	return rc;
}

/* Inside the caller's transaction: issues what order_id can have now (its row locked here); *issued: how
 * many. */
static int
issue_locked(struct cr_db *db, const struct cr_config *cfg, const struct cr_ca *ca, long long order_id,
             struct later *later, int *issued, struct cr_err *err)
{
	char order_no[9], status[20], title[120], link[40];
	struct cr_res o, certs = {0};
	X509_NAME *subject = NULL;
	time_t now = time(NULL), old_expiry, not_before;
	long long account, application, left;
	int years, rc;

	*issued = 0;
	rc = cr_db_one(
	    db, &o, err, "order",
	    "SELECT order_no, account_id, status, years, application_id FROM orders WHERE id = ? FOR UPDATE",
	    "i", order_id);
	if (rc != 0)
		return rc;
	snprintf(order_no, sizeof order_no, "%s", cr_res_str(&o, 0, 0));
	account = cr_res_i64(&o, 0, 1);
	snprintf(status, sizeof status, "%s", cr_res_str(&o, 0, 2));
	years = (int)cr_res_i64(&o, 0, 3);
	application = cr_res_i64(&o, 0, 4);
	cr_res_release(&o);
	if (strcmp(status, "paid") != 0 && strcmp(status, "issuing") != 0)
		return 0; /* not paid (yet), refunded, or done */
	if ((rc = renewed(db, application, &subject, &old_expiry, err)) != 0)
		return rc;
	not_before = strcmp(cfg->ca_validity_from, "old_expiry") == 0 && old_expiry > now ? old_expiry : now;
	rc = cr_db_exec(db, &certs, err,
	                /*
	                 * The centre's name by a subquery, which locks nothing: a
	                 * join would lock its row too, and runs signing for the same
	                 * centre would wait for each other.
	                 */
	                "SELECT c.id, c.token, (SELECT t.name FROM trading_centres t WHERE t.id ="
	                " c.trading_centre_id), c.renews_id, c.csr FROM certificates c"
	                " WHERE c.order_id = ? AND c.status = 'awaiting_csr' AND c.csr IS NOT NULL ORDER BY "
	                "c.id FOR UPDATE",
	                "i", order_id);
	for (size_t i = 0; rc == 0 && i < certs.nrows; i++)
		if ((rc = issue_one(db, cfg, ca, &certs, i, subject, not_before, years, order_no, later,
		                    err)) == 0)
			(*issued)++;
	cr_res_release(&certs);
	X509_NAME_free(subject);
	if (rc != 0)
		return rc;
	if ((rc =
	         cr_db_one(db, &o, err, "order",
	                   "SELECT COUNT(*) FROM certificates WHERE order_id = ? AND status = 'awaiting_csr'",
	                   "i", order_id)) != 0)
		return rc;
	left = cr_res_i64(&o, 0, 0);
	cr_res_release(&o);
	if (left == 0 || (*issued && strcmp(status, "paid") == 0)) {
		const char *to = left == 0 ? "completed" : "issuing";

		rc = cr_db_exec(db, NULL, err,
		                "UPDATE orders SET status = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?",
		                "si", to, order_id);
		/* Every certificate issued: the renewal is over, its application no longer open. */
		if (rc == 0 && left == 0)
			rc = cr_db_exec(db, NULL, err, "UPDATE applications SET closed = 1 WHERE id = ?", "i",
			                application);
		if (rc == 0)
			rc = later_add(later,
			               strcmp(to, "completed") == 0 ? "order.completed" : "order.issuing",
			               "order", order_no, json_pack("{s:s}", "status", status),
			               json_pack("{s:s}", "status", to), err);
	}
	if (rc == 0 && *issued) {
		snprintf(title, sizeof title, "订单 %s 的新证书已签发", order_no);
		snprintf(link, sizeof link, "#/orders/%s", order_no);
		rc = cr_message_post(db, account, "issued", title,
		                     left ? "部分证书已签发，其余证书在提交证书请求后签发。"
		                          : "请在“证书服务”中下载并写入证书。",
		                     link, err);
	}
	return rc;
}

int
cr_issue_order(struct cr_db *db, const struct cr_config *cfg, const struct cr_ca *ca, long long order_id,
               int *issued, struct cr_err *err)
{
	int rc;

	struct later later = {0};

	*issued = 0;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	rc = later_flush(db, &later, issue_locked(db, cfg, ca, order_id, &later, issued, err), err);
	if ((rc = cr_db_end(db, rc, err)) != 0)
		*issued = 0;
	return rc;
}

int
cr_issue_waiting(struct cr_db *db, int max, int *n, struct cr_err *err)
{
	struct cr_res res;
	int rc =
	    cr_db_exec(db, &res, err,
	               "SELECT COUNT(*) FROM (SELECT o.id FROM orders o WHERE o.status IN ('paid', 'issuing')"
	               " AND EXISTS (SELECT 1 FROM certificates c WHERE c.order_id = o.id"
	               " AND c.status = 'awaiting_csr' AND c.csr IS NOT NULL) LIMIT ?) x",
	               "i", (long long)max);

	*n = 0;
	if (rc == 0) {
		*n = (int)cr_res_i64(&res, 0, 0);
		cr_res_release(&res);
	}
	return rc;
}

/* How many orders waiting a batch reads for each it takes: enough to pass those other runs hold. */
#define ISSUE_CANDIDATES 8

int
cr_issue_batch(struct cr_db *db, const struct cr_config *cfg, const struct cr_ca *ca, int max_orders,
               int *orders, int *issued, struct cr_err *err)
{
	struct cr_res res = {0};
	struct later later = {0};
	int rc, n;

	*orders = *issued = 0;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	/*
	 * Orders whose requests wait, oldest first, read without locks; then as
	 * many of them as a batch takes are locked by their key, skipping rows
	 * another run holds, so that runs side by side take different orders.
	 * (Locking through the status index, as the optimiser would choose, locks
	 * every paid order of its range, not only the batch, and leaves the other
	 * runs nothing: hence the primary key, forced.)
	 */
	rc = cr_db_exec(db, &res, err,
	                "SELECT o.id FROM orders o WHERE o.status IN ('paid', 'issuing') AND EXISTS (SELECT 1"
	                " FROM certificates c WHERE c.order_id = o.id AND c.status = 'awaiting_csr'"
	                " AND c.csr IS NOT NULL) ORDER BY o.id LIMIT ?",
	                "i", (long long)max_orders * ISSUE_CANDIDATES);
	if (rc == 0 && res.nrows > 0) {
		size_t nc = (size_t)max_orders * ISSUE_CANDIDATES;
		const char *sql =
		    cr_db_sql_repeat("SELECT id FROM orders FORCE INDEX (PRIMARY) WHERE id IN (", "?", nc,
		                     ") AND status IN ('paid', 'issuing') ORDER BY id LIMIT ?"
		                     " FOR UPDATE SKIP LOCKED");
		struct cr_db_arg *args = calloc(nc + 1, sizeof *args);

		/* One text for every call: the list is filled up with 0, which no order has. */
		for (size_t i = 0; args && i <= nc; i++)
			args[i] = (struct cr_db_arg){'i', i < res.nrows ? cr_res_i64(&res, i, 0) : 0, NULL};
		if (args)
			args[nc].i = max_orders;
		cr_res_release(&res);
		rc = sql && args ? cr_db_exec_args(db, &res, err, sql, args, (unsigned)nc + 1)
		                 : cr_err_set(err, CR_ENOMEM, "issue: out of memory");
		free(args);
	}
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		if ((rc = issue_locked(db, cfg, ca, cr_res_i64(&res, i, 0), &later, &n, err)) == 0) {
			*issued += n;
			(*orders)++;
		}
	}
	cr_res_release(&res);
	rc = later_flush(db, &later, rc, err);
	if ((rc = cr_db_end(db, rc, err)) != 0)
		*orders = *issued = 0;
	return rc;
}

/* A request the key sent, as its transaction (cr_db_tx) sees it. */
struct submit {
	const struct cr_actor *actor;
	long long cert_id;
	const char *pem, *sha;
	char order_status[20], order_no[9];
};

static int
submit_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct submit *sb = arg;
	struct cr_res res;
	long long order;
	int rc, issued;

	rc = cr_db_one(db, &res, err, "certificate",
	               "SELECT c.status, o.status, o.id, o.order_no FROM certificates c JOIN orders o ON "
	               "o.id = c.order_id"
	               " WHERE c.id = ? AND c.account_id = ? FOR UPDATE",
	               "ii", sb->cert_id, sb->actor->id);
	if (rc != 0)
		return rc;
	snprintf(sb->order_status, sizeof sb->order_status, "%s", cr_res_str(&res, 0, 1));
	order = cr_res_i64(&res, 0, 2);
	snprintf(sb->order_no, sizeof sb->order_no, "%s", cr_res_str(&res, 0, 3));
	issued = strcmp(cr_res_str(&res, 0, 0), "awaiting_csr") != 0;
	cr_res_release(&res);
	if (issued)
		return cr_err_user(err, CR_ECONFLICT, NULL, "该证书已签发，不能再提交证书请求");
	if (!cr_choice_has("awaiting_payment|partially_paid|paid|issuing", sb->order_status))
		return cr_err_user(err, CR_ECONFLICT, NULL,
		                   "订单 %s 已过期、已取消或已撤单退款，不能提交证书请求", sb->order_no);
	rc = cr_db_exec(db, NULL, err, "UPDATE certificates SET csr = ?, csr_sha256 = ? WHERE id = ?", "ssi",
	                sb->pem, sb->sha, sb->cert_id);
	if (rc == 0)
		rc = cr_audit(db, sb->actor, "certificate.csr", "certificate", sb->cert_id, NULL,
		              json_pack("{s:s, s:s}", "csr_sha256", sb->sha, "order_no", sb->order_no), err);
	/* Paid already: issued at once. */
	if (rc == 0 && cr_choice_has("paid|issuing", sb->order_status))
		rc = cr_issue_enqueue(db, order, err);
	return rc;
}

int
cr_issue_submit(struct cr_db *db, const struct cr_actor *actor, long long cert_id, const void *data,
                size_t len, json_t **out, struct cr_err *err)
{
	char pem[2 * CR_CSR_MAX], sha[65];
	struct submit sb = {.actor = actor, .cert_id = cert_id, .pem = pem, .sha = sha};
	struct cr_err why;
	X509_REQ *req = NULL;
	int rc;

	if ((rc = cr_csr_parse(data, len, &req, pem, sizeof pem, sha, &why)) != 0)
		return rc == CR_EINVAL ? cr_err_user(err, CR_EBADFILE, "csr", "%s", why.user)
		                       : (*err = why, rc);
	X509_REQ_free(req);
	if ((rc = cr_db_tx(db, submit_tx, &sb, err)) != 0)
		return rc;
	*out = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)cert_id, "status", "awaiting_csr",
	                 "csr_sha256", sha, "order_no", sb.order_no, "order_status", sb.order_status);
	return 0;
}

int
cr_issue_download(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long cert_id,
                  const char *format, char **data, size_t *len, const char **ctype, struct cr_err *err)
{
	struct cr_ca ca = {0};
	struct cr_res res;
	X509 *x = NULL;
	BIO *in = NULL, *out = NULL;
	BUF_MEM *mem;
	int rc;

	*data = NULL;
	if (strcmp(format, "pem") != 0 && strcmp(format, "der") != 0 && strcmp(format, "p7b") != 0)
		return cr_err_user(err, CR_EINVAL, "format", "format 只能是 pem、der 或 p7b");
	rc = cr_db_one(db, &res, err, "certificate",
	               "SELECT pem, status FROM certificates WHERE id = ? AND (account_id = ? OR ? = 0)",
	               "iii", cert_id, account_id, account_id);
	if (rc != 0)
		return rc;
	if (!cr_choice_has("issued|installed", cr_res_str(&res, 0, 1)) || cr_res_str(&res, 0, 0) == NULL) {
		cr_res_release(&res);
		return cr_err_user(err, CR_ECONFLICT, NULL, "证书尚未签发");
	}
	if ((in = BIO_new_mem_buf(cr_res_str(&res, 0, 0), -1)) != NULL)
		x = PEM_read_bio_X509(in, NULL, NULL, NULL);
	BIO_free(in);
	cr_res_release(&res);
	if (x == NULL || (out = BIO_new(BIO_s_mem())) == NULL) {
		rc = cr_err_set(err, CR_EIO, "issue: certificate %lld does not parse", cert_id);
		goto out;
	}
	if (strcmp(format, "pem") == 0) {
		*ctype = "application/x-pem-file";
		rc = PEM_write_bio_X509(out, x) == 1 ? 0 : CR_EIO;
	} else if (strcmp(format, "der") == 0) {
		*ctype = "application/pkix-cert";
		rc = i2d_X509_bio(out, x) == 1 ? 0 : CR_EIO;
	} else {
		/* The certificate with its chain: the issuing CA and the CAs above it. */
		STACK_OF(X509) *certs = sk_X509_new_null();
		BIO *empty = BIO_new(BIO_s_mem()); /* certificates only: no content */
		PKCS7 *p7 = NULL;

		*ctype = "application/pkcs7-mime";
		if ((rc = cr_ca_load(&ca, cfg, 0, err)) == 0 && certs) {
			sk_X509_push(certs, x);
			sk_X509_push(certs, ca.cert);
			for (int i = 0; i < sk_X509_num(ca.chain); i++)
				sk_X509_push(certs, sk_X509_value(ca.chain, i));
			p7 = empty ? PKCS7_sign(NULL, NULL, certs, empty,
			                        PKCS7_DETACHED | PKCS7_NOSMIMECAP | PKCS7_BINARY)
			           : NULL;
			rc = p7 && i2d_PKCS7_bio(out, p7) == 1 ? 0 : CR_EIO;
		}
		PKCS7_free(p7);
		BIO_free(empty);
		sk_X509_free(certs);
	}
	if (rc != 0) {
		if (rc != CR_EIO)
			goto out; /* the CA's certificates did not load; err says why */
		rc = cr_err_set(err, CR_EIO, "issue: cannot encode certificate %lld as %s", cert_id, format);
		goto out;
	}
	BIO_get_mem_ptr(out, &mem);
	if ((*data = malloc(mem->length ? mem->length : 1)) == NULL) {
		rc = cr_err_set(err, CR_ENOMEM, "issue: out of memory");
		goto out;
	}
	memcpy(*data, mem->data, mem->length);
	*len = mem->length;
out:
	BIO_free(out);
	X509_free(x);
	cr_ca_release(&ca);
	return rc;
}

struct installed {
	const struct cr_actor *actor;
	long long cert_id;
};

static int
installed_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct installed *in = arg;
	int rc = cr_db_exec(db, NULL, err,
	                    "UPDATE certificates SET status = 'installed', installed_at = UTC_TIMESTAMP(6)"
	                    " WHERE id = ? AND account_id = ? AND status = 'issued'",
	                    "ii", in->cert_id, in->actor->id);

	if (rc == 0 && cr_db_affected(db) != 1)
		rc = cr_err_user(err, CR_ECONFLICT, NULL, "只有已签发的证书可以确认写入");
	if (rc == 0)
		rc = cr_audit(db, in->actor, "certificate.installed", "certificate", in->cert_id,
		              json_pack("{s:s}", "status", "issued"),
		              json_pack("{s:s}", "status", "installed"), err);
	return rc;
}

int
cr_issue_installed(struct cr_db *db, const struct cr_actor *actor, long long cert_id, struct cr_err *err)
{
	struct installed in = {actor, cert_id};

	return cr_db_tx(db, installed_tx, &in, err);
}
