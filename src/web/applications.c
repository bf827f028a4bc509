/* The renewal wizard's API: /api/v1/applications[/{id}[/submit|/cancel|/attachments/{kind}]]. */
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "handlers.h"

/* Answers with the application as it is now (after a change). */
static void
reply_app(struct cr_req *r, int status, long long id)
{
	struct cr_err err;
	json_t *out = NULL;
	int rc = cr_app_get(r->web->db, r->web->cfg, cr_req_account(r), id, &out, &err);

	cr_reply_result(r, rc, &err, status, out);
}

void
cr_h_app_list(struct cr_req *r)
{
	char period[16], status[32], from[11], to[11];
	struct cr_app_query q = {period, status, NULL, from, to, 0, 0};
	struct cr_search s;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 50, 500, &q.after, &q.limit) != 0 || cr_req_search(r, &s, from, to) != 0)
		return;
	q.s = &s;
	cr_req_query(r, "period", period, sizeof period);
	cr_req_query(r, "status", status, sizeof status);
	rc = cr_app_list(r->web->db, r->web->cfg, r->sess.user.id, &q, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_app_create(struct cr_req *r)
{
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	long long id;
	json_t *in;

	if ((in = cr_req_json(r)) == NULL)
		return;
	if (cr_app_create(r->web->db, r->web->cfg, &actor, in, &id, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		reply_app(r, 201, id);
	json_decref(in);
}

void
cr_h_app_get(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);

	if (id)
		reply_app(r, 200, id);
}

void
cr_h_app_patch(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_err err;
	json_t *in;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	if (cr_app_patch(r->web->db, r->web->cfg, r->sess.user.id, id, in, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		reply_app(r, 200, id);
	json_decref(in);
}

void
cr_h_app_delete(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	int rc;

	if (!id)
		return;
	rc = cr_app_delete(r->web->db, r->web->cfg, &actor, id, &err);
	cr_reply_result(r, rc, &err, 200, json_pack("{s:b}", "deleted", 1));
}

void
cr_h_app_submit(struct cr_req *r)
{
	long long id = cr_req_id(r, 0), seen = -1;
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	json_t *in, *price;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	/* The price the page showed, when it says: a price changed since is put to the customer first. */
	price = json_object_get(in, "price_fen");
	if (price && !json_is_null(price) && (!json_is_integer(price) || json_integer_value(price) < 0)) {
		json_decref(in);
		cr_reply_error(r, 400, "invalid_input", "price_fen", "price_fen 须为以分计的非负整数");
		return;
	}
	if (json_is_integer(price))
		seen = json_integer_value(price);
	json_decref(in);
	if (cr_app_submit(r->web->db, r->web->cfg, &actor, r->sess.user.role == CR_ROLE_ENTERPRISE, id, seen,
	                  &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		reply_app(r, 200, id);
}

void
cr_h_app_cancel(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;

	if (!id)
		return;
	if (cr_app_cancel(r->web->db, &actor, id, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		reply_app(r, 200, id);
}

void
cr_h_attachment_put(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (!id)
		return;
	rc = cr_attachment_put(r->web->db, r->web->cfg, r->sess.user.id, id, r->args[1],
	                       r->body ? r->body : "", r->body_len, &out, &err);
	cr_reply_result(r, rc, &err, 201, out);
}

/*
 * The attachment the path names as the requester may see it, whole or (with
 * preview) as the picture the review page shows; 0, or the refusal has been
 * answered.
 */
static int
attachment_of(struct cr_req *r, int preview, char **data, size_t *len, char ctype[41])
{
	long long id = cr_req_id(r, 0);
	struct cr_err err;
	int rc;

	if (!id)
		return -1;
	rc = (preview ? cr_attachment_preview : cr_attachment_get)(r->web->db, r->web->cfg, cr_req_account(r),
	                                                           id, r->args[1], data, len, ctype, &err);
	if (rc != 0) {
		cr_reply_cr_err(r, &err);
		return -1;
	}
	return 0;
}

/* POST .../reuse-attachments {"from": ID}: the documents of the account's earlier application, copied. */
void
cr_h_attachments_reuse(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	json_t *in, *from;
	int copied;

	if (!id || (in = cr_req_json(r)) == NULL)
		return;
	from = json_object_get(in, "from");
	if (!json_is_integer(from) || json_integer_value(from) <= 0) {
		json_decref(in);
		cr_reply_error(r, 400, "invalid_input", "from", "from 须为要沿用材料的申请编号");
		return;
	}
	if (cr_attachments_reuse(r->web->db, r->web->cfg, &actor, id, json_integer_value(from), &copied,
	                         &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		reply_app(r, 200, id);
	json_decref(in);
}

void
cr_h_attachment_get(struct cr_req *r)
{
	char ctype[41], *data = NULL;
	size_t len;

	if (attachment_of(r, 0, &data, &len, ctype) != 0)
		return;
	cr_req_header(r, "Content-Disposition: inline; filename=\"%s.%s\"", r->args[1],
	              strcmp(ctype, "application/pdf") == 0 ? "pdf"
	              : strcmp(ctype, "image/png") == 0     ? "png"
	                                                    : "jpg");
	cr_reply(r, 200, ctype, data, len);
	free(data);
}

/* GET .../attachments/{kind}/preview: a PDF's first page as a PNG (an image as it is). */
void
cr_h_attachment_preview(struct cr_req *r)
{
	char ctype[41], *data = NULL;
	size_t len;

	if (attachment_of(r, 1, &data, &len, ctype) != 0)
		return;
	if (strcmp(ctype, "image/png") == 0)
		cr_req_header(r, "Cache-Control: private, max-age=300");
	cr_reply(r, 200, ctype, data, len);
	free(data);
}

/* GET .../forms/{kind}.pdf: the form filled from the application, to print, stamp and scan back. */
void
cr_h_app_form(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	char filename[128], *pdf = NULL;
	struct cr_err err;
	size_t len;

	if (!id)
		return;
	if (cr_form_pdf(r->web->db, r->web->cfg, cr_req_account(r), id, r->args[1], &pdf, &len, filename,
	                &err) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	cr_reply_pdf(r, filename, pdf, len);
}
