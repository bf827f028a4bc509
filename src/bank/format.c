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

/* Whether ext (lower case) is a name a file of format f goes by. */
static int
ext_fits(enum cr_stmt_format f, const char *ext)
{
	switch (f) {
	case CR_STMT_CAMT: return strcmp(ext, "xml") == 0 || strcmp(ext, "camt") == 0;
	case CR_STMT_XLS: return strcmp(ext, "xls") == 0;
	case CR_STMT_XLSX: return strcmp(ext, "xlsx") == 0;
	case CR_STMT_HTML:
		return strcmp(ext, "html") == 0 || strcmp(ext, "htm") == 0 || strcmp(ext, "xls") == 0;
	case CR_STMT_TEXT:
		return strcmp(ext, "txt") == 0 || strcmp(ext, "csv") == 0 || strcmp(ext, "tsv") == 0 ||
		       strcmp(ext, "xls") == 0;
	}
	return 0;
}

void
cr_stmt_keep_name(const char *sha, enum cr_stmt_format fmt, const char *given, char out[72])
{
	const char *dot = given ? strrchr(given, '.') : NULL;
	char ext[6];
	size_t n = 0;

	/* The extension the file came with, when it says what the file is (a bank's .xls that is a web page
	 * or tab-separated text keeps .xls); else the format's own. */
	if (dot && dot[1] && strlen(dot + 1) < sizeof ext) {
		for (const char *p = dot + 1; *p; p++)
			ext[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		ext[n] = '\0';
	}
	snprintf(out, 72, "%.64s.%s", sha, n && ext_fits(fmt, ext) ? ext : cr_stmt_format_ext(fmt));
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
