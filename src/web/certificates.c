/* GET /api/v1/certificates and GET /api/v1/trading-centres. */
#include "../certs.h"
#include "handlers.h"

void
cr_h_certificates(struct cr_req *r)
{
	struct cr_err err;
	json_t *items;

	if (cr_certs_list(&r->web->db, r->web->cfg, r->sess.user.id, &items, &err) != 0)
		cr_reply_cr_err(r, &err);
	else
		cr_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void
cr_h_trading_centres(struct cr_req *r)
{
	struct cr_res res;
	struct cr_err err;
	json_t *items;

	if (cr_db_exec(&r->web->db, &res, &err,
		       "SELECT id, name FROM trading_centres WHERE active = 1 ORDER BY sort, id", "") != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, json_pack("{s:I, s:s}", "id", (json_int_t)cr_res_i64(&res, i, 0), "name",
						       cr_res_str(&res, i, 1)));
	cr_res_release(&res);
	cr_reply_json(r, 200, json_pack("{s:o}", "items", items));
}
