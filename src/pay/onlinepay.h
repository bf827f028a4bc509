/*
 * Online payments, whatever the provider (SPEC 8): the trades opened for
 * an order (what was asked, for checking what the provider reports) and
 * booking a verified payment through payments.c, once per provider
 * transaction whatever the provider resends.
 */
#ifndef CR_ONLINEPAY_H
#define CR_ONLINEPAY_H

#include <stddef.h>

#include "audit.h"
#include "config.h"
#include "db.h"

struct cr_pay_attempt {
	long long order_id;
	char order_no[9];
	long long amount_fen; /* what is still owed: asked of the provider */
	long long expires_in; /* seconds until the order expires */
};

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
 * no order, CR_ECONFLICT (Chinese reason) when it awaits no payment.
 */
int cr_online_attempt(struct cr_db *db, long long account, const char *order_no, const char *provider,
                      const char *device, struct cr_pay_attempt *out, struct cr_err *err);

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

/* A payment the provider vouched for (its signature verified by the caller). */
struct cr_online_payment {
	const char *provider;
	const char *trade_no; /* the provider's transaction id */
	const char *order_no;
	long long amount_fen;
	const char *payer;   /* as the provider shows the buyer, UTF-8, may be "" */
	const char *paid_at; /* "YYYY-MM-DD HH:MM:SS" or NULL */
	const char *source;  /* notify, query, return */
};

/*
 * Books p once: the order must have asked the provider for exactly that
 * amount (else CR_EINVAL, nothing booked); a transaction seen before is
 * *booked = 0 and success.  An order that can no longer take it (paid
 * meanwhile by bank, expired) keeps the money as 'unapplied' for finance,
 * audited; that is success too (the provider must stop resending).
 */
int cr_online_book(struct cr_db *db, const struct cr_online_payment *p, int *booked, struct cr_err *err);

#endif
