/*
 * Finance's bank statements and credits: /api/v1/statements[/{id}] (upload and the list of every
 * import), /api/v1/payments[?status=] and …/{id}/assign, …/{id}/dismiss.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bank/bankexport.h"
#include "bank/camt.h"
#include "bank/credits.h"
#include "bank/statements.h"
#include "bank/xls.h"
#include "bytes.h"
#include "handlers.h"
#include "jobs.h"
#include "utf8.h"

void
cr_h_statements(struct cr_req *r)
{
	struct cr_err err;
	json_t *out = NULL;
	int rc = cr_statements_list(r->web->db, &out, &err);

	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_statement(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (!id)
		return;
	rc = cr_statement_get(r->web->db, id, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

/* The file's name for the list: ?name=, its last path part, printable, at most 200 characters. */
static void
upload_name(struct cr_req *r, char *out, size_t len)
{
	char q[801];
	const char *base;
	time_t now = time(NULL);
	struct tm tm;

	cr_req_query(r, "name", q, sizeof q);
	base = strrchr(q, '/') ? strrchr(q, '/') + 1 : q;
	if (*base && cr_utf8_chars(base, strlen(base)) > 0 && cr_utf8_chars(base, strlen(base)) <= 200 &&
	    cr_utf8_printable(base)) {
		snprintf(out, len, "%s", base);
		return;
	}
	gmtime_r(&now, &tm);
	strftime(out, len, "upload-%Y%m%d-%H%M%S.xml", &tm);
}

/*
 * Streams the body into dir (bounded by bank.max_file), hashing it on the
 * way; the file is renamed to its SHA-256.  0, or -1 after answering.
 */
static int
receive(struct cr_req *r, const char *dir, char path[4300], char sha[65])
{
	const struct cr_config *cfg = r->web->cfg;
	const char *cl = cr_req_param(r, "CONTENT_LENGTH");
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE], head[1024] = {0};
	long long len = *cl ? strtoll(cl, NULL, 10) : -1, got = 0;
	char tmp[4300];
	EVP_MD_CTX *ctx = NULL;
	unsigned mdlen = 0;
	int fd = -1, xml = 0;

	if (len <= 0) {
		cr_reply_error(r, 400, "empty_body", NULL, "请上传对账单文件");
		return -1;
	}
	if (len > cfg->bank_max_file) {
		cr_reply_error(r, 413, "body_too_large", NULL, "文件过大（最多 %lld 字节）",
		               (long long)cfg->bank_max_file);
		return -1;
	}
	mkdir(dir, 0750);
	snprintf(tmp, sizeof tmp, "%s/.upload-XXXXXX", dir);
	if ((fd = mkstemp(tmp)) < 0 || (ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		r->why = "cannot store an uploaded statement";
		goto fail_500;
	}
	while (got < len) {
		int n = FCGX_GetStr(
		    (char *)buf, (int)(len - got < (long long)sizeof buf ? len - got : (long long)sizeof buf),
		    r->fr->in);

		if (n <= 0)
			break;
		if (got == 0)
			memcpy(head, buf, n < (int)sizeof head ? (size_t)n : sizeof head);
		if (write(fd, buf, (size_t)n) != n) {
			r->why = "writing an uploaded statement failed (disk full?)";
			goto fail_500;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		got += n;
	}
	if (got != len) {
		cr_reply_error(r, 400, "bad_request", NULL, "上传不完整，请重试");
		goto fail;
	}
	{
		size_t hn = got < (long long)sizeof head ? (size_t)got : sizeof head;

		if (got == 0) {
			cr_reply_error(r, 422, "invalid_file", "file", "文件是空的");
			goto fail;
		}
		xml = cr_camt_sniff(head, hn);
	}
	/* A workbook that cannot be opened is said at once, not after the import job has failed. */
	if (got >= 4 && memcmp(head, "\xD0\xCF\x11\xE0", 4) == 0) {
		struct cr_xls *x;
		struct cr_err xe;

		if (cr_xls_open(tmp, &x, &xe) != 0) {
			cr_reply_error(r, 422, "invalid_file", "file", "%s", xe.user);
			goto fail;
		}
		cr_xls_close(x);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	cr_hex(sha, md, mdlen);
	snprintf(path, 4300, "%s/%s.%s", dir, sha, xml ? "xml" : "txt");
	if (fsync(fd) != 0 || rename(tmp, path) != 0) {
		r->why = "cannot keep an uploaded statement";
		goto fail_500;
	}
	close(fd);
	EVP_MD_CTX_free(ctx);
	return 0;
fail_500:
	cr_reply_error(r, 500, "internal", NULL, "服务器内部错误");
fail:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	EVP_MD_CTX_free(ctx);
	return -1;
}

void
cr_h_statement_upload(struct cr_req *r)
{
	char dir[4200], path[4300], sha[65], name[801], key[120];
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	long long id, job;
	json_t *out = NULL, *payload;
	char *text;
	int rc, done;

	snprintf(dir, sizeof dir, "%s/statements", r->web->cfg->paths_data_dir);
	upload_name(r, name, sizeof name);
	if (receive(r, dir, path, sha) != 0)
		return;
	if ((rc = cr_statement_queue(r->web->db, sha, name, "upload", &actor, &id, &done, &err)) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	if (!done) {
		payload =
		    json_pack("{s:s, s:s, s:I}", "path", path, "name", name, "by", (json_int_t)actor.id);
		text = json_dumps(payload, JSON_COMPACT);
		json_decref(payload);
		/* One job per upload of the file (a failed one may be uploaded again). */
		snprintf(key, sizeof key, "import_statement:%lld:%lld", id, (long long)time(NULL));
		rc = text ? cr_job_enqueue(r->web->db, "import_statement", text, key, 0, &job, &err)
		          : cr_err_set(&err, CR_ENOMEM, "out of memory");
		free(text);
		if (rc != 0) {
			cr_reply_cr_err(r, &err);
			return;
		}
	}
	rc = cr_statement_get(r->web->db, id, &out, &err);
	if (rc == 0)
		json_object_set_new(out, "skipped", json_boolean(done));
	cr_reply_result(r, rc, &err, done ? 200 : 202, out);
}

void
cr_h_payments(struct cr_req *r)
{
	char status[32], statement[24];
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	cr_req_query(r, "status", status, sizeof status);
	cr_req_query(r, "statement_id", statement, sizeof statement);
	rc = cr_credits_list(r->web->db, status, strtoll(statement, NULL, 10), &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_payment_assign(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	const char *no;
	struct cr_err err;
	json_t *in, *out = NULL;
	int rc;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "order_no", 1, 20, &no) == 0) {
		rc = cr_credit_assign(r->web->db, &actor, id, no, &out, &err);
		cr_reply_result(r, rc, &err, 200, out);
	}
	json_decref(in);
}

void
cr_h_payment_dismiss(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	const char *reason;
	struct cr_err err;
	json_t *in, *out = NULL;
	int rc;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "reason", 1, 500, &reason) == 0) {
		rc = cr_credit_dismiss(r->web->db, &actor, id, reason, &out, &err);
		cr_reply_result(r, rc, &err, 200, out);
	}
	json_decref(in);
}

void
cr_h_payment_unassign(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (!id)
		return;
	rc = cr_credit_unassign(r->web->db, &actor, id, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_report_daily(struct cr_req *r)
{
	char from[16], to[16];
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	cr_req_query(r, "from", from, sizeof from);
	cr_req_query(r, "to", to, sizeof to);
	rc = cr_credits_daily(r->web->db, from, to, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_report_daily_csv(struct cr_req *r)
{
	char from[16], to[16], *csv = NULL;
	struct cr_err err;
	size_t len;

	cr_req_query(r, "from", from, sizeof from);
	cr_req_query(r, "to", to, sizeof to);
	if (cr_credits_daily_csv(r->web->db, from, to, &csv, &len, &err) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	cr_req_header(r, "Content-Disposition: attachment; filename=\"reconciliation.csv\"");
	cr_reply(r, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
}
