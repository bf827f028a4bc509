/*
 * Booking a payment a provider vouched for (onlinepay.c): what alipay.c and
 * wechat.c hand over once a signature holds.
 */
#ifndef CR_ONLINEPAY_H
#define CR_ONLINEPAY_H

#include "pay.h"

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
