/*
 * Refunds of online payments (issue 10): money an order could not take (it
 * was paid twice, or had expired) goes back through its provider, in full
 * or in part, under a refund number the provider refunds once; a request
 * whose outcome was unknown is retried with the same number.  Finance only;
 * audited.
 */
#ifndef CR_REFUNDS_H
#define CR_REFUNDS_H

#include <jansson.h>

#include "audit.h"
#include "config.h"
#include "db.h"

/*
 * Refunds amount_fen (0: all that is left) of unapplied online payment id
 * for reason; *out {refund_no, status, amount_fen}.  CR_ENOTFOUND,
 * CR_ECONFLICT (not unapplied), CR_EINVAL (amount, reason, or the provider
 * refused), CR_EUPSTREAM (outcome unknown: ask again).
 */
int cr_refund_online(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                     long long id, long long amount_fen, const char *reason, json_t **out,
                     struct cr_err *err);

/* Online payments that await finance (unapplied), with what was refunded: {items:[...]}. */
int cr_refund_list(struct cr_db *db, json_t **out, struct cr_err *err);

#endif
