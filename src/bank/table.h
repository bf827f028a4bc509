/*
 * Delimited text tables (bank exports as CSV or TXT), read as a stream:
 * the encoding judged from the first 64 KiB (UTF-8 with or without BOM,
 * else GB18030, which GBK is a subset of) and converted to UTF-8 as it is
 * read; rows split on a delimiter the caller chooses, fields quoted or not
 * ("" inside quotes is a quote; quoted fields may hold delimiters and line
 * breaks).  Bounded: a row of at most CR_TABLE_ROW_MAX bytes and
 * CR_TABLE_FIELDS fields; memory does not grow with the file.
 *
 * struct cr_rows is the row interface every table reader offers the
 * recogniser (bankexport.c): this one, xls.c, xlsx.c and htmltable.c.
 */
#ifndef CR_TABLE_H
#define CR_TABLE_H

#include <stddef.h>

#include "err.h"

#define CR_TABLE_ROW_MAX (64 * 1024)
#define CR_TABLE_FIELDS 128

struct cr_table;

/* Rows of a table, whatever it came from (delimited text, a spreadsheet). */
struct cr_rows {
	void *ctx;
	int delimited; /* 1: the delimiter is tried among the usual ones; 0: one reading */
	/* From the top again (delim for delimited text); 0 or an error. */
	int (*rewind)(void *ctx, char delim, struct cr_err *err);
	/* As cr_table_next. */
	int (*next)(void *ctx, char ***fields, int *n, long *line, struct cr_err *err);
	const char *format; /* for the kind when not delimited: "xlsx" */
	const char *encoding;
};

/* Opens path (or, with cr_table_open_memory, len bytes that must outlive the table). */
int cr_table_open(const char *path, struct cr_table **t, struct cr_err *err);
int cr_table_open_memory(const void *data, size_t len, struct cr_table **t, struct cr_err *err);
void cr_table_close(struct cr_table *t);
/* "utf-8" or "gbk". */
const char *cr_table_encoding(const struct cr_table *t);
/* Starts reading again from the top, splitting on delim. */
int cr_table_rewind(struct cr_table *t, char delim, struct cr_err *err);
/*
 * The next row: *fields (n of them, NUL-terminated UTF-8, valid until the
 * next call) and the line it starts on.  1 with a row, 0 at the end, or an
 * error (CR_EINVAL with the line: a row too long, bytes that are not text).
 */
int cr_table_next(struct cr_table *t, char ***fields, int *n, long *line, struct cr_err *err);

#endif
