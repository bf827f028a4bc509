/* GET /api/v1/certificates and GET /api/v1/trading-centres. */
#include "../centres.h"
#include "../certs.h"
#include "handlers.h"

void
cr_h_certificates(struct cr_req *r)
{
	struct cr_err err;
	json_t *items = NULL;
	int rc = cr_certs_list(r->web->db, r->web->cfg, r->sess.user.id, &items, &err);

	cr_reply_result(r, rc, &err, 200, rc ? NULL : json_pack("{s:o}", "items", items));
}

void
cr_h_trading_centres(struct cr_req *r)
{
	struct cr_err err;
	json_t *out = NULL;
	int rc = cr_centres_active(r->web->db, &out, &err);

	cr_reply_result(r, rc, &err, 200, out);
}
