/* Request handlers, one file per resource under src/web/. */
#ifndef CR_WEB_HANDLERS_H
#define CR_WEB_HANDLERS_H

#include "http.h"

/* session.c */
void cr_h_login(struct cr_req *r);
void cr_h_logout(struct cr_req *r);
void cr_h_me(struct cr_req *r);
/* health.c */
void cr_h_healthz(struct cr_req *r);
void cr_h_metrics(struct cr_req *r);

/* applications.c */
void cr_h_app_list(struct cr_req *r);
void cr_h_app_create(struct cr_req *r);
void cr_h_app_get(struct cr_req *r);
void cr_h_app_patch(struct cr_req *r);
void cr_h_app_delete(struct cr_req *r);
void cr_h_app_submit(struct cr_req *r);
void cr_h_app_cancel(struct cr_req *r);
void cr_h_attachment_put(struct cr_req *r);
void cr_h_attachments_reuse(struct cr_req *r);
void cr_h_attachment_get(struct cr_req *r);
void cr_h_attachment_preview(struct cr_req *r);
void cr_h_app_form(struct cr_req *r);
/* settings.c */
void cr_h_settings(struct cr_req *r);
void cr_h_agency(struct cr_req *r);
/* help.c */
void cr_h_help(struct cr_req *r);
void cr_h_admin_help_set(struct cr_req *r);
/* certificates.c */
void cr_h_certificates(struct cr_req *r);
void cr_h_trading_centres(struct cr_req *r);
void cr_h_certificate_csr(struct cr_req *r);
void cr_h_certificate_issued(struct cr_req *r);
void cr_h_certificate_installed(struct cr_req *r);

/* review.c */
void cr_h_review_queue(struct cr_req *r);
void cr_h_review_approve(struct cr_req *r);
void cr_h_review_reject(struct cr_req *r);
void cr_h_review_withdraw(struct cr_req *r);
void cr_h_review_rule_list(struct cr_req *r);
/* orders.c */
void cr_h_orders(struct cr_req *r);
void cr_h_order(struct cr_req *r);
void cr_h_order_notice(struct cr_req *r);
/* messages.c */
void cr_h_messages(struct cr_req *r);
void cr_h_messages_read(struct cr_req *r);
/* pay.c */
void cr_h_order_pay(struct cr_req *r);
void cr_h_alipay_notify(struct cr_req *r);
void cr_h_alipay_return(struct cr_req *r);
void cr_h_wechat_notify(struct cr_req *r);
void cr_h_online_payments(struct cr_req *r);
void cr_h_online_payment_refund(struct cr_req *r);
/* invoices.c */
void cr_h_invoices(struct cr_req *r);
void cr_h_invoices_csv(struct cr_req *r);
void cr_h_invoice_issue(struct cr_req *r);
/* statements.c */
void cr_h_statements(struct cr_req *r);
void cr_h_statement(struct cr_req *r);
void cr_h_statement_upload(struct cr_req *r);
void cr_h_payments(struct cr_req *r);
void cr_h_payment_assign(struct cr_req *r);
void cr_h_payment_dismiss(struct cr_req *r);
void cr_h_payment_unassign(struct cr_req *r);
void cr_h_payment_refund(struct cr_req *r);
void cr_h_order_refund(struct cr_req *r);
void cr_h_report_daily(struct cr_req *r);
void cr_h_report_daily_csv(struct cr_req *r);
/* admin.c */
void cr_h_admin_users(struct cr_req *r);
void cr_h_admin_user_add(struct cr_req *r);
void cr_h_admin_user_password(struct cr_req *r);
void cr_h_admin_user_unlock(struct cr_req *r);
void cr_h_admin_prices(struct cr_req *r);
void cr_h_admin_prices_set(struct cr_req *r);
void cr_h_admin_rules(struct cr_req *r);
void cr_h_admin_rules_set(struct cr_req *r);
void cr_h_admin_centres(struct cr_req *r);
void cr_h_admin_centre_add(struct cr_req *r);
void cr_h_admin_centre_update(struct cr_req *r);
void cr_h_admin_audit(struct cr_req *r);

#endif
