/*
 * The one path by which money reaches an order (SPEC 7, 8): a bank credit
 * matched by the importer, one finance assigns, and (later) a verified
 * online payment all come through cr_payment_apply.  Orders do not learn
 * about payments: this module moves them.
 */
#ifndef CR_PAYMENTS_H
#define CR_PAYMENTS_H

#include "audit.h"
#include "db.h"
#include "orders.h"

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
 * Takes back what credit_id paid (a wrong manual assignment), inside the
 * caller's transaction: each order it reached goes back by that amount
 * (partially_paid or awaiting_payment), audited, the customer told.
 * CR_ECONFLICT when an order is issuing or done already.
 */
int cr_payment_undo(struct cr_db *db, const struct cr_actor *actor, long long credit_id, struct cr_err *err);

#endif
