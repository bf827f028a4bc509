#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bankexport.h"
#include "camt.h"
#include "format.h"
#include "htmltable.h"

enum cr_stmt_format
cr_stmt_format(const void *head, size_t len)
{
	if (len >= 4 && memcmp(head, "\xD0\xCF\x11\xE0", 4) == 0)
		return CR_STMT_XLS;
	if (len >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
		return CR_STMT_XLSX;
	if (cr_html_sniff(head, len))
		return CR_STMT_HTML;
	if (cr_camt_sniff(head, len))
		return CR_STMT_CAMT;
	return CR_STMT_TEXT;
}

const char *
cr_stmt_format_ext(enum cr_stmt_format f)
{
	switch (f) {
	case CR_STMT_CAMT: return "xml";
	case CR_STMT_XLS: return "xls";
	case CR_STMT_XLSX: return "xlsx";
	case CR_STMT_HTML: return "html";
	case CR_STMT_TEXT: break;
	}
	return "txt";
}

void
cr_stmt_keep_name(const char *sha, enum cr_stmt_format fmt, char out[72])
{
	snprintf(out, 72, "%.64s.%s", sha, cr_stmt_format_ext(fmt));
}

int
cr_stmt_format_file(const char *path, enum cr_stmt_format *fmt, struct cr_err *err)
{
	unsigned char head[CR_STMT_HEAD];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return cr_err_set(err, CR_EIO, "%s: %s", path, strerror(errno));
	n = fread(head, 1, sizeof head, fp);
	fclose(fp);
	*fmt = cr_stmt_format(head, n);
	return 0;
}

int
cr_statement_read(const char *path, const char *own_account, const struct cr_export_labels *labels,
                  cr_txn_fn fn, void *arg, struct cr_statement_info *info, enum cr_stmt_format *fmt,
                  struct cr_err *err)
{
	enum cr_stmt_format f;
	int rc;

	if ((rc = cr_stmt_format_file(path, &f, err)) != 0)
		return rc;
	if (fmt)
		*fmt = f;
	if (f == CR_STMT_CAMT)
		return cr_camt_read(path, fn, arg, info, err);
	return cr_export_read(path, f, own_account, labels, fn, arg, info, err);
}
