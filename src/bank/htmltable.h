/*
 * Bank exports that are web pages: several 企业网银 save 交易明细 as an HTML
 * table, often named .xls so that Excel opens it.  Read as a stream through
 * libxml2's HTML push parser with SAX callbacks (no document tree): each <tr>
 * is a row of its <td>/<th> texts (whitespace collapsed, colspan kept as
 * empty cells, script and style ignored).  The encoding is the page's
 * declared charset, else judged as for CSV (UTF-8 or GB18030).
 */
#ifndef CR_HTMLTABLE_H
#define CR_HTMLTABLE_H

#include <stddef.h>

#include "table.h"

struct cr_html;

/* 1 when head (a file's first bytes) is a web page: it starts with a tag and names <html> or <table>. */
int cr_html_sniff(const void *head, size_t len);
int cr_html_open(const char *path, struct cr_html **h, struct cr_err *err);
/* The same over len bytes that must outlive the reader (tests, fuzzing). */
int cr_html_open_memory(const void *data, size_t len, struct cr_html **h, struct cr_err *err);
void cr_html_close(struct cr_html *h);
/* The page's table rows for the recogniser. */
void cr_html_rows(struct cr_html *h, struct cr_rows *rows);

#endif
