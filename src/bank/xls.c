#include <freexl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isolate.h"
#include "table.h"
#include "xls.h"

/*
 * libfreexl reads hostile bytes (a workbook uploaded by anyone with a finance login, or dropped into the
 * inbox) and has had memory errors on damaged files: it runs in an isolated child (isolate.h), which writes
 * the first sheet as text — cells ended by US (0x1f), rows by RS (0x1e), then EOT (0x04) when it got to the
 * end — and the rows are served from that text here.
 */
#define US '\x1f'
#define RS '\x1e'
#define EOT '\x04'

struct cr_xls {
	char *data; /* what the child wrote */
	size_t len, at;
	unsigned next; /* rows handed out */
	char row[CR_TABLE_ROW_MAX + CR_TABLE_FIELDS + 1];
	char *fields[CR_TABLE_FIELDS];
};

/* Refusals the child writes: a letter for the code, then the reason for people. */
static int refuse(FILE *f, char code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
refuse(FILE *f, char code, const char *fmt, ...)
{
	va_list ap;

	fputc(code, f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
	return 1;
}

/* A cell as text: numbers as the shortest decimal that reads back (15 digits), dates as YYYY-MM-DD. */
static void
cell_text(const FreeXL_CellValue *c, char *buf, size_t len)
{
	switch (c->type) {
	case FREEXL_CELL_INT: snprintf(buf, len, "%d", c->value.int_value); break;
	case FREEXL_CELL_DOUBLE: snprintf(buf, len, "%.15g", c->value.double_value); break;
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_DATETIME:
	case FREEXL_CELL_TIME:
		snprintf(buf, len, "%s", c->value.text_value ? c->value.text_value : "");
		break;
	default: buf[0] = '\0';
	}
	for (char *p = buf; *p; p++) /* the separators of the child's text cannot be in a cell */
		if (*p == US || *p == RS || *p == EOT)
			*p = ' ';
}

/* In the child: the first sheet as text on out; 0 when whole, 1 when refused (the reason written). */
static int
read_sheet(int out, void *arg)
{
	const char *path = arg;
	FILE *f = fdopen(out, "w");
	const void *h;
	unsigned info = 0, rows;
	unsigned short cols;
	int rc;

	if (f == NULL)
		return 2;
	if ((rc = freexl_open_info(path, &h)) != FREEXL_OK)
		return refuse(f, 'I',
		              "Excel 97-2003（.xls）文件已损坏或无法读取（错误 "
		              "%d），请在网银中重新导出，或导出 CSV 格式",
		              rc);
	if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK && info == FREEXL_BIFF_OBFUSCATED)
		return refuse(f, 'I', "该 Excel 文件设有密码，请在网银中重新导出不加密的文件");
	if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &info) != FREEXL_OK || info == 0 ||
	    freexl_select_active_worksheet(h, 0) != FREEXL_OK ||
	    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
		return refuse(f, 'I', "Excel 文件中没有可读取的工作表");
	freexl_close(h);
	/* The declared size first, from the file's information alone: libfreexl holds every cell in memory.
	 */
	if ((long long)rows * cols > CR_XLS_MAX_CELLS)
		return refuse(f, 'T', "Excel 工作表过大（%u 行 × %u 列），请按日期分段导出，或导出 CSV 格式",
		              rows, cols);
	if ((rc = freexl_open(path, &h)) != FREEXL_OK)
		return refuse(f, 'I',
		              "Excel 97-2003（.xls）文件已损坏或无法读取（错误 "
		              "%d），请在网银中重新导出，或导出 CSV 格式",
		              rc);
	if (freexl_select_active_worksheet(h, 0) != FREEXL_OK ||
	    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK ||
	    (long long)rows * cols > CR_XLS_MAX_CELLS)
		return refuse(f, 'I', "Excel 文件中没有可读取的工作表");
	for (unsigned r = 0; r < rows; r++) {
		int ncols = cols < CR_TABLE_FIELDS ? cols : CR_TABLE_FIELDS, last = 0;
		size_t used = 0;
		static char text[CR_TABLE_FIELDS][CR_TABLE_ROW_MAX];

		for (int c = 0; c < ncols; c++) {
			FreeXL_CellValue v;

			if (freexl_get_cell_value(h, r, (unsigned short)c, &v) != FREEXL_OK)
				v.type = FREEXL_CELL_NULL;
			cell_text(&v, text[c], sizeof text[c]);
			used += strlen(text[c]) + 1;
			if (text[c][0])
				last = c + 1;
		}
		if (used > CR_TABLE_ROW_MAX)
			return refuse(f, 'I', "第 %u 行过长", r + 1);
		for (int c = 0; c < last; c++)
			fprintf(f, "%s%c", text[c], US);
		fputc(RS, f);
	}
	freexl_close(h);
	fputc(EOT, f);
	return fclose(f) == 0 ? 0 : 2;
}

int
cr_xls_open(const char *path, struct cr_xls **out, struct cr_err *err)
{
	/* A sheet of CR_XLS_MAX_CELLS cells fits; more is refused (the child is killed, or says so). */
	static const struct cr_isolate_limits lim = {60, 120, (size_t)2 << 30, (size_t)256 << 20};
	struct cr_xls *x;
	struct cr_err why;
	char *data;
	size_t len;
	int rc;

	*out = NULL;
	rc = cr_isolate(read_sheet, (void *)path, &lim, &data, &len, &why);
	/* A refusal starts with its letter; a child that died otherwise (a sanitizer's exit 1 too) is damage.
	 */
	if (rc == 1 && (data[0] == 'I' || data[0] == 'T')) {
		rc = cr_err_user(err, data[0] == 'T' ? CR_ETOOBIG : CR_EINVAL, NULL, "%s",
		                 data[0] ? data + 1 : "");
		free(data);
		return rc;
	}
	if (rc != 0 || len == 0 || data[len - 1] != EOT) {
		free(data);
		return cr_err_user(
		    err, CR_EINVAL, NULL,
		    "Excel 97-2003（.xls）文件已损坏或无法读取，请在网银中重新导出，或导出 CSV 格式");
	}
	if ((x = calloc(1, sizeof *x)) == NULL) {
		free(data);
		return cr_err_set(err, CR_ENOMEM, "xls: out of memory");
	}
	x->data = data;
	x->len = len - 1;
	*out = x;
	return 0;
}

void
cr_xls_close(struct cr_xls *x)
{
	if (x == NULL)
		return;
	free(x->data);
	free(x);
}

static int
xls_rewind(void *ctx, char delim, struct cr_err *err)
{
	struct cr_xls *x = ctx;

	(void)delim;
	(void)err;
	x->next = 0;
	x->at = 0;
	return 0;
}

static int
xls_next(void *ctx, char ***fields, int *n, long *line, struct cr_err *err)
{
	struct cr_xls *x = ctx;
	const char *p = x->data + x->at, *end;
	int nf = 0;

	(void)err;
	if (x->at >= x->len || (end = memchr(p, RS, x->len - x->at)) == NULL)
		return 0;
	/* The child kept rows within CR_TABLE_ROW_MAX, so the row with its NULs fits. */
	memcpy(x->row, p, (size_t)(end - p));
	x->row[end - p] = '\0';
	for (char *q = x->row; q < x->row + (end - p) && nf < CR_TABLE_FIELDS;) {
		char *us = memchr(q, US, (size_t)(x->row + (end - p) - q));

		if (us == NULL)
			break;
		*us = '\0';
		x->fields[nf++] = q;
		q = us + 1;
	}
	if (nf == 0) { /* an empty row is one empty field, as in a text table */
		x->row[0] = '\0';
		x->fields[0] = x->row;
		nf = 1;
	}
	x->at = (size_t)(end - x->data) + 1;
	*fields = x->fields;
	*n = nf;
	*line = (long)++x->next;
	return 1;
}

void
cr_xls_rows(struct cr_xls *x, struct cr_rows *rows)
{
	*rows = (struct cr_rows){x, 0, xls_rewind, xls_next, "xls", "utf-16"};
}
