/*
 * The pay wing's public interface: the one path by which money reaches an
 * order (payments.c), online payments whatever the provider (onlinepay.c,
 * with its table of providers), what the providers send us (alipay.c,
 * wechat.c) and refunds (refunds.c).  Each provider's wire format, its
 * keys and the form codec are the wing's own.
 */
#ifndef CR_PAY_H
#define CR_PAY_H

#include <jansson.h>
#include <stddef.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "orders.h"

/*
 * The one path by which money reaches an order (SPEC 7, 8): a bank credit
 * matched by the importer, one finance assigns, and (later) a verified
 * online payment all come through cr_payment_apply.  Orders do not learn
 * about payments: this module moves them.
 */
/* Where money came from: a bank credit or an online payment (one of them is set). */
struct cr_payment_src {
	long long credit_id;
	long long online_id;
};

/*
 * Inside the caller's transaction: locks order_id, adds amount_fen of
 * the source to it (partially_paid, or paid once the amount is reached),
 * marks payer_mismatch when asked, records the payment, writes the audit
 * row and the customer's message.  CR_ECONFLICT when the order is not
 * awaiting payment (any more); nothing is changed then.
 */
int cr_payment_apply(struct cr_db *db, const struct cr_actor *actor, const struct cr_payment_src *src,
                     long long order_id, long long amount_fen, int payer_mismatch, struct cr_err *err);

/*
 * Tells the customer of order_id that of received_fen, received by
 * channel ("银行转账", "支付宝支付"), surplus_fen was more than the order
 * needed and will be refunded (inside the caller's transaction).
 */
int cr_payment_tell_surplus(struct cr_db *db, long long order_id, const char *channel, long long received_fen,
                            long long surplus_fen, struct cr_err *err);
/*
 * Takes back what credit_id paid (a wrong manual assignment), inside the
 * caller's transaction: each order it reached goes back by that amount
 * (partially_paid or awaiting_payment), audited, the customer told.
 * CR_ECONFLICT when an order is issuing or done already.
 */
int cr_payment_undo(struct cr_db *db, const struct cr_actor *actor, long long credit_id, struct cr_err *err);

/*
 * Online payments, whatever the provider (SPEC 8): the trades opened for
 * an order (what was asked, for checking what the provider reports) and
 * booking a verified payment through payments.c, once per provider
 * transaction whatever the provider resends.
 */
struct cr_pay_attempt {
	long long id; /* its pay_attempts row */
	long long order_id;
	char order_no[9];
	long long amount_fen; /* what is still owed: asked of the provider */
	long long expires_in; /* seconds until the order expires */
	char url[8192];       /* the page or code of a trade opened before for the same ask, or "" */
	int pending;          /* that trade is being opened right now by another click: wait for its url */
};

#define CR_PAY_REUSE 1800  /* seconds a trade's page or code is given again for the same ask */
#define CR_PAY_ATTEMPTS 10 /* new trades an order may open in an hour */
#define CR_PAY_OPENING 15  /* seconds a trade being opened makes other clicks wait for it */

/*
 * The online payment providers, one row each: what the rest of the product
 * asks of a provider without knowing which one it is.  Their own wire
 * formats (notifications, the customer's return) stay in alipay.c and
 * wechat.c.
 */
struct cr_provider {
	const char *name;  /* "alipay", "wechat": as stored and in the API */
	const char *label; /* for people: "支付宝支付" */
	int scan; /* 1: the trade is a code the customer scans (drawn as a QR code); 0: a page to go to */
	int (*enabled)(const struct cr_config *cfg);
	/* Opens a trade for a: a page's address or a code to scan in out. */
	int (*open)(const struct cr_config *cfg, const struct cr_pay_attempt *a, int mobile, char *out,
	            size_t outlen, struct cr_err *err);
	/*
	 * For a provider whose trade is a code to scan: on a phone, which cannot
	 * scan its own screen, a page to go to instead (client_ip: the customer's
	 * address, which the provider asks for), or NULL / not enabled: the
	 * method is not offered on a phone.
	 */
	int (*mobile_enabled)(const struct cr_config *cfg);
	int (*open_mobile)(const struct cr_config *cfg, const struct cr_pay_attempt *a, const char *client_ip,
	                   char *out, size_t outlen, struct cr_err *err);
	/* Asks about order_no's trade and books what was paid; *booked: a payment was booked now. */
	int (*query)(struct cr_db *db, const struct cr_config *cfg, const char *order_no, int *booked,
	             struct cr_err *err);
	/* Closes order_no's open trade (the order expired). */
	int (*close)(const struct cr_config *cfg, const char *order_no, struct cr_err *err);
	/* Refunds amount_fen of a payment of total_fen; *done: finished now (else the provider reports
	 * later). */
	int (*refund)(const struct cr_config *cfg, const char *trade_no, long long total_fen,
	              long long amount_fen, const char *refund_no, const char *reason, int *done,
	              struct cr_err *err);
};
extern const struct cr_provider cr_providers[];
extern const int cr_provider_count;
/* The provider called name, or NULL. */
const struct cr_provider *cr_provider_find(const char *name);

/*
 * Opens a trade with provider ("alipay", "wechat") for the account's order
 * order_no from device ("desktop", "mobile"): CR_ENOTFOUND for another's or
 * no order, CR_ECONFLICT (Chinese reason) when it awaits no payment,
 * CR_ETHROTTLED when the order opened CR_PAY_ATTEMPTS trades in the last
 * hour.  A trade opened within CR_PAY_REUSE seconds for the same provider,
 * device and amount, and not closed, is given again: out->url is its page or
 * code, and the caller asks the provider nothing; one being opened by
 * another click (within CR_PAY_OPENING seconds) sets out->pending, and the
 * caller waits for it (cr_online_attempt_wait); else out->url is "" and the
 * caller opens the trade and keeps what it got (cr_online_attempt_url).
 */
int cr_online_attempt(struct cr_db *db, long long account, const char *order_no, const char *provider,
                      const char *device, struct cr_pay_attempt *out, struct cr_err *err);
/*
 * Waits up to CR_PAY_OPENING seconds for the page or code of the trade
 * another click is opening, into a->url; CR_ECONFLICT (a Chinese reason)
 * when it did not come.
 */
int cr_online_attempt_wait(struct cr_db *db, struct cr_pay_attempt *a, struct cr_err *err);
/* Keeps the page or code the provider gave the trade of attempt a, for the next same ask. */
int cr_online_attempt_url(struct cr_db *db, const struct cr_pay_attempt *a, const char *url,
                          struct cr_err *err);

/* The customer came back from provider's page for order_no: the active query may ask about it. */
int cr_online_returned(struct cr_db *db, const char *provider, const char *order_no, struct cr_err *err);

/* A trade to ask its provider about. */
struct cr_online_due {
	char provider[8];
	char order_no[9];
};

/*
 * The trades to ask about now (at most max, marked asked): those whose
 * customer came back at least after seconds ago and were not asked since,
 * and every open one after seconds, again every 10 × after seconds, for a
 * day.  Only orders still awaiting payment.
 */
int cr_online_due(struct cr_db *db, long long after, struct cr_online_due *out, int max, int *n,
                  struct cr_err *err);

/*
 * The trades of expired orders still open with their provider (at most max;
 * the caller closes each and marks it with cr_online_closed).
 */
int cr_online_to_close(struct cr_db *db, struct cr_online_due *out, int max, int *n, struct cr_err *err);
int cr_online_closed(struct cr_db *db, const char *provider, const char *order_no, struct cr_err *err);

/* 支付宝 and 微信支付: what they send to us (alipay.c, wechat.c). */
/*
 * A notification (the form body): verified, then app_id, seller_id,
 * out_trade_no, total_amount, trade_status, trade_no checked and the
 * payment booked once (onlinepay.c).  0: answer "success" (booked now, seen
 * before, or a status that books nothing); otherwise refused, nothing
 * booked, err saying why (without secrets).
 */
int cr_alipay_notify(struct cr_db *db, const struct cr_config *cfg, const char *body, size_t len, int *booked,
                     struct cr_err *err);
/*
 * The customer's return from Alipay's page (the query string as sent):
 * its signature checked, the order number into order_no.  CR_EINVAL when
 * it is not one Alipay signed.
 */
int cr_alipay_return_check(const struct cr_config *cfg, const char *query, char order_no[9],
                           struct cr_err *err);
/* The Wechatpay-* headers of a notification. */
struct cr_wechat_sig {
	const char *timestamp, *nonce, *signature, *serial;
};

/*
 * A notification: verified, decrypted, mchid, appid, out_trade_no,
 * amount.total and trade_state checked, booked once (onlinepay.c).  0:
 * answer success; otherwise refused, nothing booked, err saying why.
 */
int cr_wechat_notify(struct cr_db *db, const struct cr_config *cfg, const struct cr_wechat_sig *s,
                     const char *body, size_t len, int *booked, struct cr_err *err);

/*
 * Refunds of online payments (issue 10): money an order could not take (it
 * was paid twice, or had expired) goes back through its provider, in full
 * or in part, under a refund number the provider refunds once; a request
 * whose outcome was unknown is retried with the same number.  Finance only;
 * audited.
 */
/*
 * Refunds amount_fen (0: all that is left) of unapplied online payment id
 * for reason; *out {refund_no, status, amount_fen}.  CR_ENOTFOUND,
 * CR_ECONFLICT (not unapplied), CR_EINVAL (amount, reason, or the provider
 * refused), CR_EUPSTREAM (outcome unknown: ask again).
 */
int cr_refund_online(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                     long long id, long long amount_fen, const char *reason, json_t **out,
                     struct cr_err *err);

/*
 * Cancels order_no, paid in full or in part and with no certificate issued
 * yet, giving all its money back (finance; reason 1..80 characters): its
 * issue job withdrawn, what each bank credit gave it owed back by hand
 * (the credit overpaid by that much, for cr_credit_refund), each online
 * payment refunded through its provider now, the order refunded, the
 * certificate free for a new application, audited, the customer told.
 * *out {order_no, status, paid_fen, bank_refund_due_fen, online_fen,
 * credits:[id], online_refunds:[{refund_no, status, amount_fen} or
 * {status:"pending", message}]}.  CR_ENOTFOUND; CR_ECONFLICT with the reason
 * when a certificate was issued or the order holds no money.
 */
int cr_order_refund_cancel(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                           const char *order_no, const char *reason, json_t **out, struct cr_err *err);

/* Online payments that await finance (unapplied), with what was refunded, newest first and paged by key
 * (after: the previous page's next): {items:[...], next}. */
int cr_refund_list(struct cr_db *db, long long after, long long limit, json_t **out, struct cr_err *err);

/*
 * The payment notice (付款通知书) of order order_no (of account, or any for
 * 0) as a PDF in *pdf (caller frees): for the company's finance department,
 * who pay: the order number in large type, the amount still due in figures
 * and in capitals, the agency's account, the remark to write and the payer
 * that must match (notice.c).  CR_ECONFLICT (a Chinese reason) when the order
 * awaits no payment.
 */
int cr_order_notice_pdf(struct cr_db *db, const struct cr_config *cfg, long long account,
                        const char *order_no, char **pdf, size_t *len, char filename[64], struct cr_err *err);

#endif
