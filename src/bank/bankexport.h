/*
 * Chinese banks' 交易明细 / 账户明细 exports (issue 11) as CSV or TXT, in
 * GBK or UTF-8, recognised without configuration: the delimiter tried among
 * comma, tab, '|' and ';'; the header row found by its labels (a table of
 * synonyms: 交易日期, 贷方发生额, 对方户名, 摘要 …) after any preamble;
 * the direction from separate credit/debit columns, a 借贷 column, or a
 * signed amount; rows whose date cell is not a date (合计 …) are not
 * transactions.  Produces the same normalised records as the camt reader
 * (txn.h); the own account from a preamble line (账号 …) or, without
 * one, the configured one.  A file that cannot be recognised is refused
 * whole, saying what was looked for and what was found.  Workbooks and
 * web pages (judged by content in format.c) are read as rows: XLSX through
 * xlsx.c, XLS (BIFF) through xls.c, HTML tables through htmltable.c.
 */
#ifndef CR_BANKEXPORT_H
#define CR_BANKEXPORT_H

#include <stddef.h>

#include "format.h"
#include "table.h"
#include "txn.h"

/*
 * Labels beyond the built-in synonyms, from bank.export_labels:
 * "role:label,label;role:label" with roles date, time, credit, debit,
 * amount, direction, name, account, remark, txid, currency, balance.
 * Parsed at start (cr_bank_config_check) and for each reading, and passed
 * to the readers explicitly (NULL: none).
 */
#define CR_EXPORT_LABELS_MAX 32
struct cr_export_labels {
	int n;
	int role[CR_EXPORT_LABELS_MAX];
	char label[CR_EXPORT_LABELS_MAX][64];
};
/* Parses spec into out; CR_EINVAL naming what is wrong (an unknown role, a malformed item). */
int cr_export_labels_parse(const char *spec, struct cr_export_labels *out, struct cr_err *err);
/* Reads path, an export of format fmt (format.h), calling fn per transaction; as cr_camt_read. */
int cr_export_read(const char *path, enum cr_stmt_format fmt, const char *own_account,
                   const struct cr_export_labels *extra, cr_txn_fn fn, void *arg,
                   struct cr_statement_info *info, struct cr_err *err);
/* The same over rows of any source. */
int cr_export_read_rows(struct cr_rows *rows, const char *own_account, const struct cr_export_labels *extra,
                        cr_txn_fn fn, void *arg, struct cr_statement_info *info, struct cr_err *err);
/* The same over an opened table (tests, fuzzing). */
int cr_export_read_table(struct cr_table *t, const char *own_account, const struct cr_export_labels *extra,
                         cr_txn_fn fn, void *arg, struct cr_statement_info *info, struct cr_err *err);

#endif
