/*
 * Excel 97-2003 workbooks (.xls, BIFF8 and older, inside an OLE compound
 * file) as saved by 企业网银: the first worksheet read through Debian's
 * libfreexl as rows of text.  libfreexl holds a sheet's cells in memory, so
 * the sheet's declared size is checked first (CR_XLS_MAX_CELLS) from the
 * file's information alone; a file with a password is refused.
 */
#ifndef CR_XLS_H
#define CR_XLS_H

#include "table.h"

#define CR_XLS_MAX_CELLS (4LL * 1000 * 1000)

struct cr_xls;

int cr_xls_open(const char *path, struct cr_xls **x, struct cr_err *err);
void cr_xls_close(struct cr_xls *x);
/* The workbook's first sheet as rows for the recogniser. */
void cr_xls_rows(struct cr_xls *x, struct cr_rows *rows);

#endif
