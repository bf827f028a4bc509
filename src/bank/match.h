/*
 * Matching a bank credit to orders (SPEC 7): the rules, in order, as a pure
 * function of the credit and the candidate orders the caller looked up.
 * No SQL, no I/O: every rule and edge is unit-tested without a database.
 *
 * The caller (statements.c) passes
 *  - named: the orders whose numbers stand in the remittance text and pass
 *    the Damm check (cr_match_candidates, cr_orderno_valid), any status;
 *  - open: the orders awaiting payment whose amount equals the credit's
 *    (for the suggestions of rules 2 and 3).
 */
#ifndef CR_MATCH_H
#define CR_MATCH_H

#include "orders.h"
#include "txn.h"

#define CR_MATCH_MAX_ORDERS 16
#define CR_MATCH_MAX_CANDIDATES 32
#define CR_MATCH_MAX_OPEN 2000 /* open orders of one amount considered for a suggestion */

enum cr_match_result {
	CR_MATCH_MATCHED,
	CR_MATCH_PARTIAL,
	CR_MATCH_OVERPAID,
	CR_MATCH_NEEDS_REVIEW,
	CR_MATCH_UNMATCHED,
};

struct cr_match {
	enum cr_match_result result;
	int nalloc; /* orders the money goes to (matched, partial, overpaid) */
	struct {
		long long order_id;
		long long amount_fen;
	} alloc[CR_MATCH_MAX_ORDERS];
	long long surplus_fen;        /* overpaid: what is owed back */
	long long suggested_order_id; /* needs_review: the order finance is offered, or 0 */
	int payer_mismatch;           /* the debtor is not the order's payer */
	char reason[256];             /* Chinese, for finance */
};

/* "matched", "partial", ... as stored. */
const char *cr_match_result_name(enum cr_match_result r);
/*
 * The order-number candidates in text: runs of exactly eight digits (full
 * width counts), not part of a longer run, a single space or hyphen allowed
 * between digits; normalised to eight ASCII digits, each once.  Returns
 * how many (at most max).
 */
int cr_match_candidates(const char *text, char out[][9], int max);
/*
 * Folds a name for comparison: no spaces (ASCII or ideographic), full-width forms to ASCII, ASCII lower case.
 */
void cr_match_fold_name(const char *in, char *out, size_t outlen);
/* Decides what credit c is, by the rules of SPEC 7. */
void cr_match_decide(const struct cr_txn *c, const struct cr_order_due *named, int nnamed,
                     const struct cr_order_due *open, int nopen, struct cr_match *out);

/*
 * A credit above max_fen (bank.max_credit_fen) is never booked to an order
 * on its own: it becomes needs_review, the order it would have paid
 * suggested, whatever cr_match_decide said.
 */
void cr_match_bound(const struct cr_txn *c, long long max_fen, struct cr_match *m);

#endif
