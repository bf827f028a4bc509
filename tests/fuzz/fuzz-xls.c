/*
 * libFuzzer target: Excel workbooks through a file, as the importer reads them (libfreexl opens .xls only by
 * path; .xlsx goes through libzip and libxml2): any bytes written to a temporary file, opened as .xls and as
 * .xlsx, their rows given to the export recogniser.  Never a crash, and every record that comes out is whole.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank/bankexport.h"
#include "bank/xls.h"
#include "bank/xlsx.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check(const struct cr_txn *c, void *arg)
{
	(void)arg;
	if (c->amount_fen <= 0 || strlen(c->booking_date) != 10 || strlen(c->currency) != 3 ||
	    cr_utf8_chars(c->text, strlen(c->text)) < 0 ||
	    cr_utf8_chars(c->debtor_name, strlen(c->debtor_name)) < 0)
		__builtin_trap();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct cr_statement_info info;
	struct cr_rows rows;
	struct cr_err err;
	struct cr_xls *x;
	struct cr_xlsx *y;
	FILE *f;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/fuzz-xls-%ld", (long)getpid());
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	if (cr_xls_open(path, &x, &err) == 0) {
		cr_xls_rows(x, &rows);
		cr_export_read_rows(&rows, "6228480012345678901", NULL, check, NULL, &info, &err);
		cr_xls_close(x);
	}
	if (cr_xlsx_open(path, &y, &err) == 0) {
		cr_xlsx_rows(y, &rows);
		cr_export_read_rows(&rows, "6228480012345678901", NULL, check, NULL, &info, &err);
		cr_xlsx_close(y);
	}
	unlink(path);
	return 0;
}
