/*
 * libFuzzer target: the remittance-text scanner and the name folding on any bytes, and a decision over them.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bank/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char cand[CR_MATCH_MAX_CANDIDATES][9], folded[600];
	static struct cr_txn c;
	struct cr_order_due open[2];
	struct cr_match m;
	int n;

	memset(&c, 0, sizeof c);
	memcpy(c.text, data, size < CR_TXN_TEXT_MAX ? size : CR_TXN_TEXT_MAX);
	memcpy(c.debtor_name, data, size < CR_TXN_NAME_MAX ? size : CR_TXN_NAME_MAX);
	n = cr_match_candidates(c.text, cand, CR_MATCH_MAX_CANDIDATES);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 8; k++)
			if (cand[i][k] < '0' || cand[i][k] > '9' || cand[i][8] != '\0')
				__builtin_trap();
	cr_match_fold_name(c.debtor_name, folded, sizeof folded);
	if (strlen(folded) >= sizeof folded)
		__builtin_trap();
	memset(open, 0, sizeof open);
	open[0].id = 1;
	memcpy(open[0].order_no, "00000228", 9);
	strcpy(open[0].status, "awaiting_payment");
	open[0].amount_fen = 20000;
	memcpy(open[0].payer_name, folded, strlen(folded) < 400 ? strlen(folded) + 1 : 1);
	open[1] = open[0];
	open[1].id = 2;
	memcpy(open[1].order_no, "00000236", 9);
	c.amount_fen = 20000;
	cr_match_decide(&c, NULL, 0, open, 2, &m);
	if (m.nalloc != 0 || (m.result == CR_MATCH_NEEDS_REVIEW && m.suggested_order_id != 1 &&
	                      m.suggested_order_id != 2 && m.suggested_order_id != 0))
		__builtin_trap();
	return 0;
}
