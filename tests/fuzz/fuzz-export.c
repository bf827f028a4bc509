/*
 * libFuzzer target: bank exports (table.c's tokenizer, htmltable.c's
 * reading of web pages when the bytes start like one, and bankexport.c's
 * header recogniser) on any bytes: never a crash, and every record that
 * comes out is whole.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bank/bankexport.h"
#include "bank/htmltable.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check(const struct cr_txn *c, void *arg)
{
	(void)arg;
	if (c->amount_fen <= 0 || strlen(c->booking_date) != 10 || c->booking_date[4] != '-' ||
	    strlen(c->currency) != 3 || strcmp(c->status, "BOOK") != 0 || c->line < 1 ||
	    !strcmp(c->account, "") || cr_utf8_chars(c->text, strlen(c->text)) < 0 ||
	    cr_utf8_chars(c->debtor_name, strlen(c->debtor_name)) < 0)
		__builtin_trap();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_statement_info info;
	struct cr_table *t;
	struct cr_err err;

	if (cr_html_sniff(data, size)) {
		struct cr_html *h;
		struct cr_rows rows;

		if (cr_html_open_memory(data, size, &h, &err) != 0)
			return 0;
		cr_html_rows(h, &rows);
		cr_export_read_rows(&rows, "6228480012345678901", NULL, check, NULL, &info, &err);
		cr_html_close(h);
		return 0;
	}
	if (cr_table_open_memory(data, size, &t, &err) != 0)
		return 0;
	cr_export_read_table(t, "6228480012345678901", NULL, check, NULL, &info, &err);
	cr_table_close(t);
	return 0;
}
