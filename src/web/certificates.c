/*
 * GET /api/v1/certificates, GET /api/v1/trading-centres, and the key's side of reissue:
 * POST …/{id}/csr, GET …/{id}/issued?format=pem|der|p7b, POST …/{id}/installed.
 */
#include <stdlib.h>
#include <string.h>

#include "centres.h"
#include "handlers.h"
#include "pki/pki.h"

void
cr_h_certificates(struct cr_req *r)
{
	char after[48], status[24], days[8], text[256], id[24], *end;
	struct cr_certs_query q = {after, 0, status, 0, text, 0};
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_limit(r, 100, 500, &q.limit) != 0)
		return;
	cr_req_query(r, "after", after, sizeof after);
	cr_req_query(r, "status", status, sizeof status);
	cr_req_query(r, "q", text, sizeof text);
	cr_req_query(r, "expiring_days", days, sizeof days);
	q.expiring_days = days[0] ? (int)strtol(days, &end, 10) : 0;
	if (days[0] && (*end || q.expiring_days < 1))
		q.expiring_days = -1; /* refused, naming the parameter */
	cr_req_query(r, "id", id, sizeof id);
	if (id[0] && ((q.id = strtoll(id, &end, 10)) <= 0 || *end || id[0] == '+')) {
		cr_reply_error(r, 400, "invalid_input", "id", "id 须为证书编号");
		return;
	}
	rc = cr_certs_list(r->web->db, r->web->cfg, r->sess.user.id, &q, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_trading_centres(struct cr_req *r)
{
	struct cr_err err;
	json_t *out = NULL;
	int rc = cr_centres_active(r->web->db, &out, &err);

	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_certificate_csr(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (!id)
		return;
	rc = cr_issue_submit(r->web->db, &actor, id, r->body ? r->body : "", r->body_len, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_certificate_issued(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	char format[8], *data = NULL;
	const char *ctype = "application/octet-stream";
	struct cr_err err;
	size_t len;

	if (!id)
		return;
	cr_req_query(r, "format", format, sizeof format);
	if (format[0] == '\0')
		strcpy(format, "pem");
	if (cr_issue_download(r->web->db, r->web->cfg, cr_req_account(r), id, format, &data, &len, &ctype,
	                      &err) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	cr_req_header(r, "Content-Disposition: attachment; filename=\"certificate-%lld.%s\"", id,
	              strcmp(format, "der") == 0 ? "cer" : format);
	cr_reply(r, 200, ctype, data, len);
	free(data);
}

void
cr_h_certificate_installed(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	int rc;

	if (!id)
		return;
	rc = cr_issue_installed(r->web->db, &actor, id, &err);
	cr_reply_result(r, rc, &err, 200,
	                json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "installed"));
}
