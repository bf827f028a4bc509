/* libFuzzer target: the camt statement reader on any bytes; every record it hands out must hold together. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bank/camt.h"
#include "bank/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check(const struct cr_txn *c, void *arg)
{
	char cand[CR_MATCH_MAX_CANDIDATES][9];
	int n;

	(void)arg;
	/* Strings are terminated within their buffers, amounts are not negative. */
	if (c->amount_fen < 0 || strlen(c->text) > CR_TXN_TEXT_MAX || strlen(c->currency) > 3 || c->tx < 1 ||
	    c->tx > c->ntx)
		__builtin_trap();
	n = cr_match_candidates(c->text, cand, CR_MATCH_MAX_CANDIDATES);
	for (int i = 0; i < n; i++)
		if (strlen(cand[i]) != 8)
			__builtin_trap();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_statement_info info;
	struct cr_err err;

	cr_camt_read_memory(data, size, check, NULL, &info, &err);
	return 0;
}
