/* Help pages: GET /api/v1/help/{name} (anyone, logged in or not), PUT /api/v1/admin/help/{name}. */
#include "help.h"
#include "handlers.h"

void
cr_h_help(struct cr_req *r)
{
	struct cr_err err;
	json_t *out = NULL;
	int rc = cr_help_get(r->web->db, r->args[0], &out, &err);

	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_admin_help_set(struct cr_req *r)
{
	struct cr_actor actor = cr_req_actor(r);
	struct cr_err err;
	json_t *in;

	if ((in = cr_req_json(r)) == NULL)
		return;
	if (cr_help_update(r->web->db, &actor, r->args[0], json_string_value(json_object_get(in, "title")),
	                   json_string_value(json_object_get(in, "body")), &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		cr_h_help(r);
	json_decref(in);
}
