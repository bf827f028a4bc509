#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "handlers.h"
#include "log.h"
#include "router.h"
#include "utf8.h"

static const struct cr_route routes[] = {
    {"GET", "/healthz", cr_h_healthz, CR_WHO_PUBLIC, 0, 0},
    {"GET", "/metrics", cr_h_metrics, CR_WHO_LOOPBACK, 0, 0},
    {"POST", "/api/v1/session", cr_h_login, CR_WHO_PUBLIC, 1, 0},
    {"DELETE", "/api/v1/session", cr_h_logout, CR_WHO_ANY, 0, 0},
    {"GET", "/api/v1/me", cr_h_me, CR_WHO_ANY, 0, 0},
    {"GET", "/api/v1/certificates", cr_h_certificates, CR_WHO_CUSTOMER, 0, 0},
    {"POST", "/api/v1/certificates/{id}/csr", cr_h_certificate_csr, CR_WHO_CUSTOMER, 0, 0},
    {"GET", "/api/v1/certificates/{id}/issued", cr_h_certificate_issued, CR_WHO_CUSTOMER | CR_WHO_STAFF, 0,
     0},
    {"POST", "/api/v1/certificates/{id}/installed", cr_h_certificate_installed, CR_WHO_CUSTOMER, 0, 0},
    {"GET", "/api/v1/trading-centres", cr_h_trading_centres, CR_WHO_ANY, 0, 0},
    {"GET", "/api/v1/settings", cr_h_settings, CR_WHO_ANY, 0, 0},
    {"GET", "/api/v1/agency", cr_h_agency, CR_WHO_PUBLIC, 0, 0},
    {"GET", "/api/v1/help/{name}", cr_h_help, CR_WHO_PUBLIC, 0, 0},
    {"GET", "/api/v1/applications", cr_h_app_list, CR_WHO_CUSTOMER, 0, 0},
    {"POST", "/api/v1/applications", cr_h_app_create, CR_WHO_CUSTOMER, 0, 0},
    {"GET", "/api/v1/applications/{id}", cr_h_app_get, CR_WHO_ANY, 0, 0},
    {"PATCH", "/api/v1/applications/{id}", cr_h_app_patch, CR_WHO_CUSTOMER, 0, 0},
    {"DELETE", "/api/v1/applications/{id}", cr_h_app_delete, CR_WHO_CUSTOMER, 0, 0},
    {"POST", "/api/v1/applications/{id}/submit", cr_h_app_submit, CR_WHO_CUSTOMER, 0, 0},
    {"POST", "/api/v1/applications/{id}/cancel", cr_h_app_cancel, CR_WHO_CUSTOMER, 0, 0},
    {"PUT", "/api/v1/applications/{id}/attachments/{kind}", cr_h_attachment_put, CR_WHO_CUSTOMER, 0, 1},
    {"POST", "/api/v1/applications/{id}/reuse-attachments", cr_h_attachments_reuse, CR_WHO_CUSTOMER, 0, 0},
    {"GET", "/api/v1/applications/{id}/attachments/{kind}", cr_h_attachment_get, CR_WHO_ANY, 0, 0},
    {"GET", "/api/v1/applications/{id}/forms/{kind}.pdf", cr_h_app_form, CR_WHO_ANY, 0, 0},
    {"GET", "/api/v1/applications/{id}/attachments/{kind}/preview", cr_h_attachment_preview, CR_WHO_ANY, 0,
     0},
    {"GET", "/api/v1/orders", cr_h_orders, CR_WHO_CUSTOMER | CR_WHO_STAFF, 0, 0},
    {"GET", "/api/v1/orders/{no}", cr_h_order, CR_WHO_CUSTOMER | CR_WHO_STAFF, 0, 0},
    {"GET", "/api/v1/orders/{no}/notice.pdf", cr_h_order_notice, CR_WHO_CUSTOMER | CR_WHO_STAFF, 0, 0},
    {"POST", "/api/v1/orders/{no}/pay", cr_h_order_pay, CR_WHO_CUSTOMER, 0, 0},
    {"POST", "/api/v1/orders/{no}/refund", cr_h_order_refund, CR_WHO(CR_ROLE_FINANCE), 0, 0},
    {"POST", "/api/v1/pay/alipay/notify", cr_h_alipay_notify, CR_WHO_PUBLIC, 1, 0},
    {"GET", "/api/v1/pay/alipay/return", cr_h_alipay_return, CR_WHO_PUBLIC, 0, 0},
    {"POST", "/api/v1/pay/wechat/notify", cr_h_wechat_notify, CR_WHO_PUBLIC, 1, 0},
    {"GET", "/api/v1/messages", cr_h_messages, CR_WHO_CUSTOMER, 0, 0},
    {"POST", "/api/v1/messages/read", cr_h_messages_read, CR_WHO_CUSTOMER, 0, 0},
    {"GET", "/api/v1/review/applications", cr_h_review_queue,
     CR_WHO(CR_ROLE_REVIEWER) | CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"POST", "/api/v1/review/applications/{id}/approve", cr_h_review_approve, CR_WHO(CR_ROLE_REVIEWER), 0, 0},
    {"POST", "/api/v1/review/applications/{id}/reject", cr_h_review_reject, CR_WHO(CR_ROLE_REVIEWER), 0, 0},
    {"POST", "/api/v1/review/applications/{id}/withdraw", cr_h_review_withdraw, CR_WHO(CR_ROLE_REVIEWER), 0,
     0},
    {"GET", "/api/v1/review/rule-approved", cr_h_review_rule_list,
     CR_WHO(CR_ROLE_REVIEWER) | CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"GET", "/api/v1/invoices", cr_h_invoices, CR_WHO(CR_ROLE_FINANCE) | CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"GET", "/api/v1/invoices.csv", cr_h_invoices_csv, CR_WHO(CR_ROLE_FINANCE) | CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"POST", "/api/v1/invoices/{id}/issue", cr_h_invoice_issue, CR_WHO(CR_ROLE_FINANCE), 0, 0},
    {"GET", "/api/v1/statements", cr_h_statements, CR_WHO(CR_ROLE_FINANCE) | CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"POST", "/api/v1/statements", cr_h_statement_upload, CR_WHO(CR_ROLE_FINANCE), 0, CR_BODY_STREAM},
    {"GET", "/api/v1/statements/{id}", cr_h_statement, CR_WHO(CR_ROLE_FINANCE) | CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"GET", "/api/v1/payments", cr_h_payments, CR_WHO(CR_ROLE_FINANCE) | CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"POST", "/api/v1/payments/{id}/assign", cr_h_payment_assign, CR_WHO(CR_ROLE_FINANCE), 0, 0},
    {"POST", "/api/v1/payments/{id}/dismiss", cr_h_payment_dismiss, CR_WHO(CR_ROLE_FINANCE), 0, 0},
    {"POST", "/api/v1/payments/{id}/unassign", cr_h_payment_unassign, CR_WHO(CR_ROLE_FINANCE), 0, 0},
    {"POST", "/api/v1/payments/{id}/refund", cr_h_payment_refund, CR_WHO(CR_ROLE_FINANCE), 0, 0},
    {"GET", "/api/v1/online-payments", cr_h_online_payments, CR_WHO(CR_ROLE_FINANCE) | CR_WHO(CR_ROLE_ADMIN),
     0, 0},
    {"POST", "/api/v1/online-payments/{id}/refund", cr_h_online_payment_refund, CR_WHO(CR_ROLE_FINANCE), 0,
     0},
    {"GET", "/api/v1/reports/daily", cr_h_report_daily, CR_WHO(CR_ROLE_FINANCE) | CR_WHO(CR_ROLE_ADMIN), 0,
     0},
    {"GET", "/api/v1/reports/daily.csv", cr_h_report_daily_csv,
     CR_WHO(CR_ROLE_FINANCE) | CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"GET", "/api/v1/admin/users", cr_h_admin_users, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"POST", "/api/v1/admin/users", cr_h_admin_user_add, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"POST", "/api/v1/admin/users/{id}/password", cr_h_admin_user_password, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"POST", "/api/v1/admin/users/{id}/unlock", cr_h_admin_user_unlock, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"GET", "/api/v1/admin/prices", cr_h_admin_prices, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"PUT", "/api/v1/admin/prices", cr_h_admin_prices_set, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"GET", "/api/v1/admin/approval-rules", cr_h_admin_rules, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"PUT", "/api/v1/admin/approval-rules", cr_h_admin_rules_set, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"GET", "/api/v1/admin/trading-centres", cr_h_admin_centres, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"POST", "/api/v1/admin/trading-centres", cr_h_admin_centre_add, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"PATCH", "/api/v1/admin/trading-centres/{id}", cr_h_admin_centre_update, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"GET", "/api/v1/admin/audit", cr_h_admin_audit, CR_WHO(CR_ROLE_ADMIN), 0, 0},
    {"PUT", "/api/v1/admin/help/{name}", cr_h_admin_help_set, CR_WHO(CR_ROLE_ADMIN), 0, 0},
};

#define NROUTES ((int)(sizeof routes / sizeof routes[0]))

int
cr_route_count(void)
{
	return NROUTES;
}

const char *
cr_route_label(int i)
{
	static char labels[NROUTES][128];

	if (i < 0 || i >= NROUTES)
		return "unmatched";
	if (labels[i][0] == '\0')
		snprintf(labels[i], sizeof labels[i], "%s %s", routes[i].method, routes[i].pattern);
	return labels[i];
}

int
cr_route_index(const struct cr_route *route)
{
	return route ? (int)(route - routes) : -1;
}

static int
arg_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

/* Matches path against pattern, filling args; 1 on a match. */
static int
match(const char *pattern, const char *path, char args[CR_ROUTE_ARGS][CR_ARG_MAX + 1])
{
	int nargs = 0;

	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *close = strchr(pattern, '}');
			size_t n = 0;

			while (arg_char(path[n]))
				n++;
			/* What follows the placeholder in the pattern ("/", ".pdf" or the end) follows it in
			 * the path. */
			if (close == NULL || n == 0 || n > CR_ARG_MAX || path[n] != close[1] ||
			    nargs == CR_ROUTE_ARGS)
				return 0;
			memcpy(args[nargs], path, n);
			args[nargs++][n] = '\0';
			path += n;
			pattern = close + 1;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *pattern == '\0' && *path == '\0';
}

const struct cr_route *
cr_route_find(const char *method, const char *path, char args[CR_ROUTE_ARGS][CR_ARG_MAX + 1], int *path_known)
{
	char scratch[CR_ROUTE_ARGS][CR_ARG_MAX + 1];

	*path_known = 0;
	for (int i = 0; i < NROUTES; i++) {
		if (!match(routes[i].pattern, path, scratch))
			continue;
		if (strcmp(routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
			memcpy(args, scratch, sizeof scratch);
			return &routes[i];
		}
		*path_known = 1;
	}
	return NULL;
}

static void
allow_header(struct cr_req *r)
{
	char allow[128] = "", scratch[CR_ROUTE_ARGS][CR_ARG_MAX + 1];

	for (int i = 0; i < NROUTES; i++)
		if (match(routes[i].pattern, r->path, scratch) &&
		    strlen(allow) + strlen(routes[i].method) + 3 < sizeof allow) {
			if (allow[0])
				strcat(allow, ", ");
			strcat(allow, routes[i].method);
		}
	cr_req_header(r, "Allow: %s", allow);
}

static int
is_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0;
}

/*
 * Uploads may be as large as attachments.max_bytes; everything else web.max_body; a stream is the handler's.
 */
static int
read_body(struct cr_req *r)
{
	const struct cr_config *cfg = r->web->cfg;

	if (r->route->upload == CR_BODY_STREAM)
		return 0; /* the handler streams it, bounded by its own limit */
	return cr_req_read_body(r, r->route->upload ? cfg->attachments_max_bytes : cfg->web_max_body);
}

static int
changes_state(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
}

/* Looks the session cookie up; 1 when the request carries a live session, -1 after answering an error. */
static int
authenticate(struct cr_req *r, struct cr_db *db)
{
	struct cr_err err;
	int rc;

	if (cr_req_cookie(r, "certrenew_session", r->token, sizeof r->token) != 0)
		return 0;
	rc = cr_session_lookup(db, r->web->cfg, r->token, &r->sess, &err);
	if (rc == CR_ENOTFOUND)
		return 0;
	if (rc != 0) {
		cr_reply_cr_err(r, &err);
		return -1;
	}
	return 1;
}

void
cr_route_dispatch(struct cr_req *r)
{
	const struct cr_route *rt;
	struct cr_db *db;
	int known, who, a;

	/* Paths and queries are text: bytes that are not UTF-8 name nothing here, and are never echoed. */
	if (cr_utf8_chars(r->path, strlen(r->path)) < 0 || !cr_utf8_printable(r->path)) {
		cr_reply_error(r, 404, "not_found", NULL, "未找到");
		return;
	}
	if (!cr_req_query_is_text(r)) {
		cr_reply_error(r, 400, "bad_request", NULL, "查询参数须为有效的 UTF-8 文本");
		return;
	}
	rt = cr_route_find(r->method, r->path, r->args, &known);
	if (rt == NULL) {
		if (known) {
			allow_header(r);
			cr_reply_error(r, 405, "method_not_allowed", NULL, "不支持该请求方法：%s", r->method);
		} else {
			cr_reply_error(r, 404, "not_found", NULL, "未找到：%s", r->path);
		}
		return;
	}
	r->route = rt;
	who = rt->who;
	if (who & CR_WHO_LOOPBACK) {
		if (!is_loopback(r->remote_addr))
			cr_reply_error(r, 403, "forbidden", NULL, "仅允许本机访问");
		else
			rt->handler(r);
		return;
	}
	if (who & CR_WHO_PUBLIC) {
		if (read_body(r) == 0)
			rt->handler(r);
		return;
	}
	if ((db = cr_req_db(r)) == NULL)
		return;
	if ((a = authenticate(r, db)) < 0)
		return;
	if (a == 0) {
		cr_reply_error(r, 401, "unauthenticated", NULL, "请先登录");
		return;
	}
	r->authed = 1;
	if (changes_state(r->method) && !rt->no_csrf) {
		const char *sent = cr_req_param(r, "HTTP_X_CSRF_TOKEN");

		if (strlen(sent) != CR_CSRF_HEX || !cr_ct_equal(sent, r->sess.csrf, CR_CSRF_HEX)) {
			cr_reply_error(r, 403, "csrf_failed", NULL, "页面已过期，请刷新后重试");
			return;
		}
	}
	if (!(who & CR_WHO(r->sess.user.role))) {
		cr_reply_error(r, 403, "forbidden", NULL, "您的账号无权执行此操作");
		return;
	}
	if (read_body(r) == 0)
		rt->handler(r);
}
