/*
 * Paying online (SPEC 8): POST /api/v1/orders/{no}/pay opens a trade with
 * the provider; the providers' notifications and the customer's return.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "log.h"
#include "pay/pay.h"
#include "qr.h"

void
cr_h_order_pay(struct cr_req *r)
{
	const struct cr_config *cfg = r->web->cfg;
	const char *method = NULL, *device = NULL;
	const struct cr_provider *p;
	struct cr_pay_attempt a;
	struct cr_err err;
	char url[8192];
	json_t *in, *out;
	int rc;

	if ((in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "method", 1, 16, &method) != 0 ||
	    cr_json_string(r, in, "device", 0, 16, &device) != 0) {
		json_decref(in);
		return;
	}
	if (device == NULL)
		device = "desktop";
	p = cr_provider_find(method);
	if (strcmp(device, "desktop") != 0 && strcmp(device, "mobile") != 0) {
		cr_reply_error(r, 422, "invalid", "device", "device 须为 desktop 或 mobile");
	} else if (p == NULL) {
		cr_reply_error(r, 422, "invalid", "method", "付款方式须为 alipay 或 wechat");
	} else if (!p->enabled(cfg)) {
		cr_reply_error(r, 422, "method_unavailable", "method", "暂未开通%s，请选择其他付款方式",
		               p->label);
	} else if (p->scan && strcmp(device, "mobile") == 0 &&
	           (p->mobile_enabled == NULL || !p->mobile_enabled(cfg))) {
		/* A phone cannot scan the code on its own screen. */
		cr_reply_error(r, 422, "method_unavailable_on_phone", "method",
		               "手机上无法使用%s扫码付款：请在电脑上打开本页扫码，或选择其他付款方式",
		               p->label);
	} else {
		/* On a phone a provider of codes gives a page to go to instead (微信支付 H5). */
		int scan = p->scan && strcmp(device, "mobile") != 0;
		char *svg = NULL;

		rc = cr_online_attempt(r->web->db, cr_req_account(r), r->args[0], p->name, device, &a, &err);
		if (rc == 0 && a.pending)
			rc = cr_online_attempt_wait(r->web->db, &a, &err);
		if (rc == 0 && a.url[0]) {
			snprintf(url, sizeof url, "%s", a.url); /* the same ask again: the same trade */
		} else if (rc == 0 &&
		           (rc = p->scan && !scan
		                     ? p->open_mobile(cfg, &a, r->remote_addr, url, sizeof url, &err)
		                     : p->open(cfg, &a, strcmp(device, "mobile") == 0, url, sizeof url,
		                               &err)) == 0 &&
		           cr_online_attempt_url(r->web->db, &a, url, &err) != 0) {
			cr_warn("pay: order %s: the trade's page could not be kept: %s", a.order_no, err.msg);
		}
		if (rc == 0 && scan && (svg = cr_qr_svg(url)) == NULL)
			rc = cr_err_set(&err, CR_ENOMEM, "pay: cannot draw the QR code");
		if (rc == 0)
			cr_info("pay: order %s: %s trade of %lld fen %s (%s)", a.order_no, p->name,
			        a.amount_fen, a.url[0] ? "given again" : "opened", device);
		if (rc != 0)
			out = NULL;
		else if (scan)
			out = json_pack("{s:s, s:s, s:I}", "code_url", url, "qr_svg", svg, "amount_fen",
			                (json_int_t)a.amount_fen);
		else
			out = json_pack("{s:s, s:I}", "redirect_url", url, "amount_fen",
			                (json_int_t)a.amount_fen);
		cr_reply_result(r, rc, &err, 200, out);
		free(svg);
	}
	json_decref(in);
}

/* Anybody can send these: refusals are logged in aggregate, at most a line a minute per worker. */
static struct cr_log_burst alipay_refused, return_refused, wechat_refused;

void
cr_h_alipay_notify(struct cr_req *r)
{
	struct cr_err err = {0};
	struct cr_db *db;
	int booked = 0, rc;

	if ((db = cr_req_db(r)) == NULL)
		return;
	rc = cr_alipay_notify(db, r->web->cfg, r->body ? r->body : "", r->body_len, &booked, &err);
	if (rc != 0) {
		/* Logged without the body: no keys or signatures in logs. */
		cr_log_burst(&alipay_refused, 60, CR_LOG_WARN, "pay: alipay notification from %s refused: %s",
		             r->remote_addr, err.msg);
		cr_reply(r, 400, "text/plain; charset=utf-8", "failure", 7);
		return;
	}
	if (booked)
		cr_info("pay: alipay notification booked");
	cr_reply(r, 200, "text/plain; charset=utf-8", "success", 7);
}

void
cr_h_alipay_return(struct cr_req *r)
{
	struct cr_err err;
	struct cr_db *db;
	char loc[80] = "/portal.html#/orders", no[9];

	if (cr_alipay_return_check(r->web->cfg, r->query ? r->query : "", no, &err) == 0 &&
	    (db = cr_web_db(r->web, &err)) != NULL && cr_online_returned(db, "alipay", no, &err) == 0)
		snprintf(loc, sizeof loc, "/portal.html#/orders/%s?paying=alipay", no);
	else
		cr_log_burst(&return_refused, 60, CR_LOG_WARN, "pay: alipay return from %s not taken: %s",
		             r->remote_addr, err.msg);
	cr_req_header(r, "Location: %s", loc);
	cr_reply(r, 303, "text/plain; charset=utf-8", "", 0);
}

void
cr_h_wechat_notify(struct cr_req *r)
{
	static const char fail[] = "{\"code\":\"FAIL\",\"message\":\"失败\"}";
	struct cr_wechat_sig s = {
	    cr_req_param(r, "HTTP_WECHATPAY_TIMESTAMP"), cr_req_param(r, "HTTP_WECHATPAY_NONCE"),
	    cr_req_param(r, "HTTP_WECHATPAY_SIGNATURE"), cr_req_param(r, "HTTP_WECHATPAY_SERIAL")};
	struct cr_err err = {0};
	struct cr_db *db;
	int booked = 0, rc;

	if ((db = cr_req_db(r)) == NULL)
		return;
	rc = cr_wechat_notify(db, r->web->cfg, &s, r->body ? r->body : "", r->body_len, &booked, &err);
	if (rc != 0) {
		cr_log_burst(&wechat_refused, 60, CR_LOG_WARN, "pay: wechat notification from %s refused: %s",
		             r->remote_addr, err.msg);
		cr_reply(r, 400, "application/json", fail, sizeof fail - 1);
		return;
	}
	if (booked)
		cr_info("pay: wechat notification booked");
	cr_reply(r, 204, "application/json", "", 0);
}

void
cr_h_online_payments(struct cr_req *r)
{
	long long after, limit;
	struct cr_err err;
	json_t *out = NULL;
	int rc;

	if (cr_req_page(r, 200, 1000, &after, &limit) != 0)
		return;
	rc = cr_refund_list(r->web->db, after, limit, &out, &err);
	cr_reply_result(r, rc, &err, 200, out);
}

void
cr_h_online_payment_refund(struct cr_req *r)
{
	struct cr_actor actor = cr_req_actor(r);
	const char *reason = NULL;
	json_t *in, *out = NULL, *amount;
	struct cr_err err;
	int rc;

	if ((in = cr_req_json(r)) == NULL)
		return;
	amount = json_object_get(in, "amount_fen");
	if (amount && !json_is_integer(amount)) {
		cr_reply_error(r, 422, "invalid", "amount_fen", "退款金额须为整数（分）");
	} else if (cr_json_string(r, in, "reason", 1, 80, &reason) == 0) {
		rc = cr_refund_online(r->web->db, r->web->cfg, &actor, cr_req_id(r, 0),
		                      amount ? (long long)json_integer_value(amount) : 0, reason, &out, &err);
		cr_reply_result(r, rc, &err, 200, out);
	}
	json_decref(in);
}

void
cr_h_order_refund(struct cr_req *r)
{
	struct cr_actor actor = cr_req_actor(r);
	const char *reason = NULL;
	json_t *in, *out = NULL;
	struct cr_err err;
	int rc;

	if ((in = cr_req_json(r)) == NULL)
		return;
	if (cr_json_string(r, in, "reason", 1, 80, &reason) == 0) {
		rc = cr_order_refund_cancel(r->web->db, r->web->cfg, &actor, r->args[0], reason, &out, &err);
		cr_reply_result(r, rc, &err, 200, out);
	}
	json_decref(in);
}
