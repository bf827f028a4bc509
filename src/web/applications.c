/* The renewal wizard's API: /api/v1/applications[/{id}[/submit|/cancel|/attachments/{kind}]]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../applications.h"
#include "../log.h"
#include "handlers.h"

static void
reply_app(struct cr_req *r, int status, long long id)
{
	struct cr_err err;
	json_t *out;

	if (cr_app_get(&r->web->db, r->web->cfg, cr_req_account(r), id, &out, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		cr_reply_json(r, status, out);
}

void
cr_h_app_list(struct cr_req *r)
{
	char period[16], status[32];
	struct cr_err err;
	json_t *out;

	cr_req_query(r, "period", period, sizeof period);
	cr_req_query(r, "status", status, sizeof status);
	if (cr_app_list(&r->web->db, r->web->cfg, r->sess.user.id, period, status, &out, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		cr_reply_json(r, 200, out);
}

void
cr_h_app_create(struct cr_req *r)
{
	struct cr_err err;
	long long id;
	json_t *in;

	if ((in = cr_req_json(r)) == NULL)
		return;
	struct cr_actor actor = cr_req_actor(r);

	if (cr_app_create(&r->web->db, r->web->cfg, &actor, in, &id, &err) != 0)
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
	if (cr_app_patch(&r->web->db, r->web->cfg, r->sess.user.id, id, in, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		reply_app(r, 200, id);
	json_decref(in);
}

void
cr_h_app_delete(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_err err;

	struct cr_actor actor = cr_req_actor(r);

	if (!id)
		return;
	if (cr_app_delete(&r->web->db, r->web->cfg, &actor, id, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		cr_reply_json(r, 200, json_pack("{s:b}", "deleted", 1));
}

void
cr_h_app_submit(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	json_t *missing = NULL, *e;
	struct cr_err err;

	struct cr_actor actor = cr_req_actor(r);

	if (!id)
		return;
	if (cr_app_submit(&r->web->db, r->web->cfg, &actor, r->sess.user.role == CR_ROLE_ENTERPRISE, id, &missing,
			  &err) == 0) {
		reply_app(r, 200, id);
		return;
	}
	if (missing == NULL) {
		cr_reply_cr_err(r, &err);
		return;
	}
	e = json_pack("{s:s, s:s, s:s, s:o}", "code", "incomplete", "message", err.msg, "field", err.field, "missing",
		      missing);
	cr_reply_json(r, 422, json_pack("{s:o}", "error", e));
}

void
cr_h_app_cancel(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_err err;

	struct cr_actor actor = cr_req_actor(r);

	if (!id)
		return;
	if (cr_app_cancel(&r->web->db, &actor, id, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		reply_app(r, 200, id);
}

void
cr_h_attachment_put(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	struct cr_err err;
	json_t *out;
	int rc;

	if (!id)
		return;
	rc = cr_app_attach(&r->web->db, r->web->cfg, r->sess.user.id, id, r->args[1], r->body ? r->body : "",
			   r->body_len, &out, &err);
	if (rc == 0)
		cr_reply_json(r, 201, out);
	else if (rc == CR_EINVAL && strncmp(err.field, "attachments.", 12) == 0)
		cr_reply_error(r, 422, "invalid_file", err.field, "%s", err.msg);
	else
		cr_reply_cr_err(r, &err);
}

void
cr_h_attachment_get(struct cr_req *r)
{
	long long id = cr_req_id(r, 0);
	char ctype[41], *data = NULL;
	struct cr_err err;
	size_t len;

	if (!id)
		return;
	if (cr_app_attachment(&r->web->db, r->web->cfg, cr_req_account(r), id, r->args[1], &data, &len, ctype, &err) != 0) {
		if (err.code != CR_ENOTFOUND)
			cr_warn("%s", err.msg);
		cr_reply_cr_err(r, &err);
		return;
	}
	cr_req_header(r, "Content-Disposition: inline; filename=\"%s.%s\"", r->args[1],
		      strcmp(ctype, "application/pdf") == 0 ? "pdf" : "jpg");
	cr_reply(r, 200, ctype, data, len);
	free(data);
}
