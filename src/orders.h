/*
 * Orders (SPEC 4, 5, 10): made when a reviewer approves an application,
 * with the amount fixed then, an order number from the order_no_seq
 * SEQUENCE plus a Damm digit, the new certificates it will issue (status
 * awaiting_csr), and the invoice request; unpaid ones expire after
 * order.ttl_days.
 */
#ifndef CR_ORDERS_H
#define CR_ORDERS_H

#include <jansson.h>

#include "audit.h"
#include "db.h"
#include "search.h"

/* An order as money sees it: what bank matching and online payment read. */
struct cr_order_due {
	long long id;
	char order_no[9];
	char status[20]; /* awaiting_payment, partially_paid, paid, issuing, completed, expired, cancelled */
	long long amount_fen, paid_fen;
	char payer_name[401];
	long long account_id; /* whose order: the customer told of what happened to their money */
};
/* The columns of an order as money sees it, in the order cr_order_due_row reads them. */
#define CR_ORDER_DUE_COLUMNS "id, order_no, status, amount_fen, paid_fen, payer_name, account_id"
/* Row i of a result of those columns. */
void cr_order_due_row(const struct cr_res *res, size_t i, struct cr_order_due *o);
/* The order order_no as money sees it (locked FOR UPDATE when lock); CR_ENOTFOUND when none. */
int cr_order_due(struct cr_db *db, const char *order_no, int lock, struct cr_order_due *o,
                 struct cr_err *err);

/*
 * Creates the order of application app_id inside the caller's transaction
 * (the application row already locked).  Writes order_no and amount.
 */
int cr_order_create(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                    long long app_id, char order_no[9], long long *amount, struct cr_err *err);
/* Which orders a list shows. */
struct cr_orders_query {
	long long account_id;      /* the customer's own; 0: all (staff) */
	const struct cr_search *s; /* an order number, or a payer's or customer's name or code; NULL: none */
	const char *status;        /* "" for all */
	const char *from, *to;     /* made on or after the day from, before the day to (Asia/Shanghai,
	                              cr_search_days); "" for none */
	long long after, limit;    /* the page: older than the order after (0: the newest) */
};
/*
 * The orders q names, newest first: {"items", "next"}; a number that fails its
 * check digit also gets "suggestions", the orders one slip from it.
 */
int cr_orders_list(struct cr_db *db, const struct cr_orders_query *q, json_t **out, struct cr_err *err);
/* One order by number, SPEC 10 fields plus bank details; CR_ENOTFOUND for another account's. */
int cr_order_get(struct cr_db *db, const struct cr_config *cfg, long long account_id, const char *order_no,
                 json_t **out, struct cr_err *err);
/*
 * Order id (number no, of application application_id), awaiting payment,
 * closed as to ("expired", "cancelled") in the caller's transaction: the
 * application closed (its certificate free for a new one) and the change
 * audited as action on the order, with why (a reference taken, or NULL)
 * added to its after state.
 */
int cr_order_close(struct cr_db *db, const struct cr_actor *actor, long long id, const char *no,
                   long long application_id, const char *to, const char *action, json_t *why,
                   struct cr_err *err);
/* Expires orders unpaid past their time; *n: how many.  Idempotent. */
int cr_orders_expire(struct cr_db *db, long long *n, struct cr_err *err);

#endif
