#include "ledger.h"

/* Each query answers the rows breaking the rule: a subject and what is wrong with it, in English. */
static const struct {
	const char *name, *what, *sql;
} checks[] = {
    {"order_paid", "an order's paid_fen equals the payments that reached it",
     "SELECT CONCAT('order ', order_no), CONCAT('paid_fen ', paid_fen, ' but its payments add up to ', "
     "applied)"
     " FROM (SELECT o.order_no, o.paid_fen, (SELECT COALESCE(SUM(p.amount_fen), 0) FROM payments p"
     " WHERE p.order_id = o.id) AS applied FROM orders o) x WHERE paid_fen <> applied ORDER BY order_no"},
    {"order_status", "an order's status agrees with what it was paid",
     "SELECT CONCAT('order ', order_no), CONCAT(status, ' with ', paid_fen, ' paid of ', amount_fen) FROM "
     "orders"
     " WHERE (status = 'awaiting_payment' AND paid_fen <> 0)"
     " OR (status = 'partially_paid' AND (paid_fen <= 0 OR paid_fen >= amount_fen))"
     " OR (status IN ('paid', 'issuing', 'completed') AND paid_fen < amount_fen) ORDER BY order_no"},
    {"credit_state", "a bank credit is applied to orders and refunded exactly as its status says",
     "SELECT CONCAT('credit ', id), CONCAT(status, ': ', applied, ' applied and ', refunded, ' refunded of ',"
     " amount_fen, ' (surplus ', surplus_fen, ')') FROM (SELECT c.id, c.status, c.amount_fen, c.surplus_fen,"
     " (SELECT COALESCE(SUM(p.amount_fen), 0) FROM payments p WHERE p.credit_id = c.id) AS applied,"
     " (SELECT COALESCE(SUM(r.amount_fen), 0) FROM refunds r WHERE r.credit_id = c.id"
     " AND r.status = 'succeeded') AS refunded FROM credits c) x"
     " WHERE (status IN ('matched', 'partial', 'overpaid') AND applied <> amount_fen - surplus_fen)"
     " OR (status IN ('needs_review', 'unmatched') AND applied <> 0)"
     " OR (status = 'dismissed' AND applied <> 0 AND applied <> amount_fen - surplus_fen)"
     " OR (status = 'refunded' AND (applied <> amount_fen - surplus_fen OR refunded <> surplus_fen"
     " OR surplus_fen <= 0))"
     " OR (status = 'overpaid' AND refunded >= surplus_fen AND refunded <> 0)"
     " OR (status NOT IN ('refunded', 'overpaid') AND refunded <> 0) ORDER BY id"},
    {"credit_duplicate", "no bank transfer is booked twice",
     "SELECT CONCAT('credit ', c.id), CONCAT('repeats credit ', c.duplicate_of, ' (the same transfer, ',"
     " c.amount_fen, ' fen, booked twice before migration 014)') FROM credits c WHERE c.duplicate_of IS NOT "
     "NULL"
     " UNION ALL SELECT CONCAT('credits ', GROUP_CONCAT(id ORDER BY id)), CONCAT('one reference ', "
     "acct_svcr_ref,"
     " ' on account ', acct, ', ', amount_fen, ' fen with the same remittance, booked ', COUNT(*), ' times')"
     " FROM (SELECT id, acct_svcr_ref, amount_fen, remittance, REPLACE(REPLACE(account, ' ', ''), '-', '') "
     "AS acct"
     " FROM credits WHERE acct_svcr_ref <> '' AND duplicate_of IS NULL) x"
     " GROUP BY acct, acct_svcr_ref, amount_fen, remittance HAVING COUNT(*) > 1"},
    {"online_state", "an online payment is applied to its order exactly as its status says",
     "SELECT CONCAT(provider, ' ', trade_no), CONCAT(status, ': ', applied, ' applied of ', amount_fen,"
     " ' (surplus ', surplus_fen, ')') FROM (SELECT op.provider, op.trade_no, op.status, op.amount_fen,"
     " op.surplus_fen, (SELECT COALESCE(SUM(p.amount_fen), 0) FROM payments p WHERE p.online_payment_id = "
     "op.id)"
     " AS applied FROM online_payments op) x"
     " WHERE (status = 'booked' AND applied <> amount_fen) OR (status = 'unapplied' AND applied <> 0)"
     " OR (status = 'overpaid' AND (applied <> amount_fen - surplus_fen OR surplus_fen <= 0))"},
    {"refund_bound", "no more is refunded than was received, and only money no order took",
     "SELECT CONCAT(op.provider, ' ', op.trade_no), CONCAT(op.status, ': ', SUM(r.amount_fen),"
     " ' refunded of ', IF(op.status = 'overpaid', op.surplus_fen, op.amount_fen), ' no order took')"
     " FROM refunds r JOIN online_payments op ON op.id = r.online_payment_id WHERE r.status = 'succeeded'"
     " GROUP BY op.id, op.provider, op.trade_no, op.status, op.amount_fen, op.surplus_fen"
     " HAVING SUM(r.amount_fen) > IF(op.status = 'overpaid', op.surplus_fen, op.amount_fen)"
     " OR op.status NOT IN ('unapplied', 'overpaid')"},
};

int
cr_ledger_check(struct cr_db *db, long long max, json_t **out, struct cr_err *err)
{
	json_t *list = json_array(), *found = json_array();
	long long total = 0;
	int rc;

	*out = NULL;
	if ((rc = cr_db_begin_snapshot(db, err)) != 0)
		goto fail;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		struct cr_res res;

		if ((rc = cr_db_exec(db, &res, err, checks[i].sql, "")) != 0)
			break;
		for (size_t r = 0; r < res.nrows; r++)
			if (total + (long long)r < max)
				json_array_append_new(found,
				                      json_pack("{s:s, s:s, s:s}", "check", checks[i].name,
				                                "subject", cr_res_str(&res, r, 0), "detail",
				                                cr_res_str(&res, r, 1)));
		total += (long long)res.nrows;
		json_array_append_new(list, json_pack("{s:s, s:s, s:I}", "name", checks[i].name, "what",
		                                      checks[i].what, "violations", (json_int_t)res.nrows));
		cr_res_release(&res);
	}
	if ((rc = cr_db_end(db, rc, err)) != 0)
		goto fail;
	*out = json_pack("{s:b, s:I, s:o, s:o}", "ok", total == 0, "count", (json_int_t)total, "checks", list,
	                 "violations", found);
	return 0;
fail:
	json_decref(list);
	json_decref(found);
	return rc;
}
