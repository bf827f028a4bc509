/*
 * The credits finance resolves (SPEC 7, 10): those left for review,
 * unmatched, overpaid (a refund owed) or second payments.  Finance assigns
 * one to an order (the rules of SPEC 7 then apply to that order alone, and
 * the money goes through payments.c) or dismisses it with a reason; both
 * audited.  JSON results are new references.
 */
#ifndef CR_CREDITS_H
#define CR_CREDITS_H

#include <jansson.h>

#include "audit.h"
#include "db.h"

/*
 * status: NULL/"" or "open" (needs_review, unmatched, overpaid), or one
 * stored status; statement_id: those of one import, or 0 for all.  Newest
 * first, at most 1000: {"items":[...]}.
 */
int cr_credits_list(struct cr_db *db, const char *status, long long statement_id, json_t **out,
                    struct cr_err *err);
/* Assigns credit id to order_no; CR_ECONFLICT with the reason when that order cannot take it. */
int cr_credit_assign(struct cr_db *db, const struct cr_actor *actor, long long id, const char *order_no,
                     json_t **out, struct cr_err *err);
/* Dismisses credit id (1..500 characters of reason); for an overpaid one: its surplus was refunded. */
int cr_credit_dismiss(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason,
                      json_t **out, struct cr_err *err);

/*
 * Undoes a manual assignment while its orders are not issuing yet: the
 * money is taken back from them and the credit waits for review again.
 */
int cr_credit_unassign(struct cr_db *db, const struct cr_actor *actor, long long id, json_t **out,
                       struct cr_err *err);
/*
 * The daily reconciliation (Asia/Shanghai days, from/to "YYYY-MM-DD" or
 * NULL): credits received, the sums matched, still open, owed back and
 * dismissed.  {"items":[{day, credits, received_fen, matched_fen, open_fen,
 * refund_fen, dismissed_fen, open}]}, newest day first.
 */
int cr_credits_daily(struct cr_db *db, const char *from, const char *to, json_t **out, struct cr_err *err);
/* The same as CSV for Excel; *csv is the caller's to free. */
int cr_credits_daily_csv(struct cr_db *db, const char *from, const char *to, char **csv, size_t *len,
                         struct cr_err *err);

#endif
