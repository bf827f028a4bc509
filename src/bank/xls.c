#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "xls.h"

struct cr_xls {
	const void *h;
	unsigned rows;
	unsigned short cols;
	unsigned next;
	char row[CR_TABLE_ROW_MAX + CR_TABLE_FIELDS + 1];
	char *fields[CR_TABLE_FIELDS];
};

/* The first sheet's size as the file declares it (no cells are loaded). */
static int
declared_size(const char *path, unsigned *rows, unsigned short *cols, struct cr_err *err)
{
	const void *h;
	unsigned info = 0;
	int rc;

	if ((rc = freexl_open_info(path, &h)) != FREEXL_OK)
		return cr_err_user(err, CR_EINVAL, NULL,
		                   "Excel 97-2003（.xls）文件已损坏或无法读取（错误 "
		                   "%d），请在网银中重新导出，或导出 CSV 格式",
		                   rc);
	if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK && info == FREEXL_BIFF_OBFUSCATED) {
		freexl_close(h);
		return cr_err_user(err, CR_EINVAL, NULL,
		                   "该 Excel 文件设有密码，请在网银中重新导出不加密的文件");
	}
	if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &info) != FREEXL_OK || info == 0 ||
	    freexl_select_active_worksheet(h, 0) != FREEXL_OK ||
	    freexl_worksheet_dimensions(h, rows, cols) != FREEXL_OK) {
		freexl_close(h);
		return cr_err_user(err, CR_EINVAL, NULL, "Excel 文件中没有可读取的工作表");
	}
	freexl_close(h);
	return 0;
}

int
cr_xls_open(const char *path, struct cr_xls **out, struct cr_err *err)
{
	struct cr_xls *x;
	unsigned rows;
	unsigned short cols;
	int rc;

	*out = NULL;
	if ((rc = declared_size(path, &rows, &cols, err)) != 0)
		return rc;
	if ((long long)rows * cols > CR_XLS_MAX_CELLS)
		return cr_err_user(err, CR_ETOOBIG, NULL,
		                   "Excel 工作表过大（%u 行 × %u 列），请按日期分段导出，或导出 CSV 格式",
		                   rows, cols);
	if ((x = calloc(1, sizeof *x)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "xls: out of memory");
	if ((rc = freexl_open(path, &x->h)) != FREEXL_OK) {
		free(x);
		return cr_err_user(err, CR_EINVAL, NULL,
		                   "Excel 97-2003（.xls）文件已损坏或无法读取（错误 "
		                   "%d），请在网银中重新导出，或导出 CSV 格式",
		                   rc);
	}
	if (freexl_select_active_worksheet(x->h, 0) != FREEXL_OK ||
	    freexl_worksheet_dimensions(x->h, &x->rows, &x->cols) != FREEXL_OK ||
	    (long long)x->rows * x->cols > CR_XLS_MAX_CELLS) {
		cr_xls_close(x);
		return cr_err_user(err, CR_EINVAL, NULL, "Excel 文件中没有可读取的工作表");
	}
	*out = x;
	return 0;
}

void
cr_xls_close(struct cr_xls *x)
{
	if (x == NULL)
		return;
	if (x->h)
		freexl_close(x->h);
	free(x);
}

static int
xls_rewind(void *ctx, char delim, struct cr_err *err)
{
	struct cr_xls *x = ctx;

	(void)delim;
	(void)err;
	x->next = 0;
	return 0;
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
}

static int
xls_next(void *ctx, char ***fields, int *n, long *line, struct cr_err *err)
{
	struct cr_xls *x = ctx;
	int ncols = x->cols < CR_TABLE_FIELDS ? x->cols : CR_TABLE_FIELDS, last = 0;
	size_t used = 0;

	if (x->next >= x->rows)
		return 0;
	for (int c = 0; c < ncols; c++) {
		FreeXL_CellValue v;
		char text[CR_TABLE_ROW_MAX];
		size_t len;

		if (freexl_get_cell_value(x->h, x->next, (unsigned short)c, &v) != FREEXL_OK)
			v.type = FREEXL_CELL_NULL;
		cell_text(&v, text, sizeof text);
		if ((len = strlen(text)) + 1 > sizeof x->row - used)
			return cr_err_user(err, CR_EINVAL, NULL, "第 %u 行过长", x->next + 1);
		memcpy(x->row + used, text, len + 1);
		x->fields[c] = x->row + used;
		used += len + 1;
		if (len > 0)
			last = c + 1;
	}
	if (last == 0) { /* an empty row is one empty field, as in a text table */
		x->row[0] = '\0';
		x->fields[0] = x->row;
		last = 1;
	}
	*fields = x->fields;
	*n = last;
	*line = (long)++x->next;
	return 1;
}

void
cr_xls_rows(struct cr_xls *x, struct cr_rows *rows)
{
	*rows = (struct cr_rows){x, 0, xls_rewind, xls_next, "xls", "utf-16"};
}
