/*
 * Online payments, whatever the provider (SPEC 8): the trades opened for
 * an order (what was asked, for checking what the provider reports) and
 * booking a verified payment through payments.c, once per provider
 * transaction whatever the provider resends.
 */
#ifndef CR_ONLINEPAY_H
#define CR_ONLINEPAY_H

#include "audit.h"
#include "db.h"

struct cr_pay_attempt {
	long long order_id;
	char order_no[9];
	long long amount_fen; /* what is still owed: asked of the provider */
	long long expires_in; /* seconds until the order expires */
};

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
