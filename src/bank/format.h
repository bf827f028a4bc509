/*
 * The format of a bank statement, judged once by content (never by name:
 * a ".xls" is often a web page or a CSV), and the one reading of a file
 * whatever its format.  The upload, the inbox and the import all judge
 * through here.
 */
#ifndef CR_FORMAT_H
#define CR_FORMAT_H

#include <stddef.h>

#include "txn.h"

#define CR_STMT_HEAD 1024 /* bytes of a file's start that are enough to judge it */

enum cr_stmt_format {
	CR_STMT_CAMT, /* ISO 20022 XML (camt.c) */
	CR_STMT_XLS,  /* Excel 97-2003, an OLE compound file (xls.c) */
	CR_STMT_XLSX, /* Excel 2007 and later, a zip (xlsx.c) */
	CR_STMT_HTML, /* a web page holding a table (htmltable.c) */
	CR_STMT_TEXT, /* delimited text, CSV or TXT (table.c) */
};

/* The format of a file that starts with head (its first CR_STMT_HEAD bytes, or all of a shorter file). */
enum cr_stmt_format cr_stmt_format(const void *head, size_t len);
/* The format of the file at path, judged from its first bytes; CR_EIO when it cannot be read. */
int cr_stmt_format_file(const char *path, enum cr_stmt_format *fmt, struct cr_err *err);
/* The file name extension a statement of format f is kept under: "xml", "xls", "xlsx", "html", "txt". */
const char *cr_stmt_format_ext(enum cr_stmt_format f);
/*
 * The name a statement is kept under once judged: "<sha256>.<ext>" (at most
 * 72 bytes with NUL), ext the one of the name it came with (given, may be
 * NULL) when that fits the format (.csv stays .csv), else the format's own.
 */
void cr_stmt_keep_name(const char *sha, enum cr_stmt_format fmt, const char *given, char out[72]);
/*
 * Reads the statement at path, calling fn for every transaction in file
 * order (as cr_camt_read): its format judged from its first bytes, then
 * read by that format's reader (own_account: the agency's account for an
 * export that does not name it; labels: the configured export labels, or
 * NULL).  *fmt (may be NULL) receives the format.
 */
struct cr_export_labels;
int cr_statement_read(const char *path, const char *own_account, const struct cr_export_labels *labels,
                      cr_txn_fn fn, void *arg, struct cr_statement_info *info, enum cr_stmt_format *fmt,
                      struct cr_err *err);

#endif
