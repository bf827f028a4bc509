#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "table.h"
#include "xlsx.h"

#define STRINGS_MAX (2 * 1000 * 1000)
#define STRINGS_BYTES (64 * 1024 * 1024)
#define READER_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

struct entry {
	zip_file_t *zf;
	long long bytes, packed; /* read so far; its compressed size */
	int too_big;
};

/* Past 4 MB, an entry that expands more than 50 times is a bomb (spreadsheets expand 5 to 20 times). */
#define BOMB_FLOOR (4LL * 1024 * 1024)
#define BOMB_RATIO 50

struct cr_xlsx {
	zip_t *zip;
	char sheet[256];
	char **strings;
	size_t nstrings, cap;
	size_t string_bytes;
	struct entry in;
	xmlTextReaderPtr reader;
	char row[CR_TABLE_ROW_MAX + CR_TABLE_FIELDS + 1];
	size_t rowlen;
	char *fields[CR_TABLE_FIELDS];
	int nf;
	long lastline;
};

/* libxml2's messages are not printed: a damaged sheet is reported to the user once, in Chinese. */
static void
quiet(void *arg, const char *msg, xmlParserSeverities severity, xmlTextReaderLocatorPtr loc)
{
	(void)arg;
	(void)msg;
	(void)severity;
	(void)loc;
}

static int
zip_read(void *ctx, char *buf, int len)
{
	struct entry *e = ctx;
	zip_int64_t n = zip_fread(e->zf, buf, (zip_uint64_t)len);

	if (n < 0)
		return -1;
	e->bytes += n;
	if (e->bytes > CR_XLSX_MAX_UNZIPPED || (e->bytes > BOMB_FLOOR && e->bytes > BOMB_RATIO * e->packed)) {
		e->too_big = 1;
		return -1;
	}
	return (int)n;
}

/* A reader over entry name of the archive; NULL when it is not there. */
static xmlTextReaderPtr
open_entry(struct cr_xlsx *x, const char *name, struct entry *e)
{
	zip_stat_t st;
	xmlTextReaderPtr r;

	memset(e, 0, sizeof *e);
	if (zip_stat(x->zip, name, 0, &st) != 0 || (e->zf = zip_fopen(x->zip, name, 0)) == NULL)
		return NULL;
	e->packed = (st.valid & ZIP_STAT_COMP_SIZE) ? (long long)st.comp_size : 0;
	if ((r = xmlReaderForIO(zip_read, NULL, e, NULL, NULL, READER_OPTIONS)) != NULL)
		xmlTextReaderSetErrorHandler(r, quiet, NULL);
	return r;
}

static void
close_entry(xmlTextReaderPtr r, struct entry *e)
{
	if (r)
		xmlFreeTextReader(r);
	if (e->zf)
		zip_fclose(e->zf);
	memset(e, 0, sizeof *e);
}

static int
is(xmlTextReaderPtr r, const char *name)
{
	const xmlChar *n = xmlTextReaderConstLocalName(r);

	return n && strcmp((const char *)n, name) == 0;
}

/* xl/sharedStrings.xml: every <si>'s text (its <t> runs joined, phonetic <rPh> left out). */
static int
load_strings(struct cr_xlsx *x, struct cr_err *err)
{
	struct entry e;
	xmlTextReaderPtr r = open_entry(x, "xl/sharedStrings.xml", &e);
	char *cur = NULL;
	size_t curlen = 0;
	int rc, in_rph = 0, ret = 0;

	if (r == NULL) {
		close_entry(NULL, &e);
		return 0; /* a workbook without shared strings */
	}
	while ((rc = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);

		if (type == XML_READER_TYPE_ELEMENT && is(r, "si")) {
			free(cur);
			cur = calloc(1, 1);
			curlen = 0;
		} else if (type == XML_READER_TYPE_ELEMENT && is(r, "rPh") &&
		           !xmlTextReaderIsEmptyElement(r)) {
			in_rph = 1;
		} else if (type == XML_READER_TYPE_END_ELEMENT && is(r, "rPh")) {
			in_rph = 0;
		} else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
		           cur && !in_rph) {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			size_t n = v ? strlen(v) : 0;
			char *grown;

			if (x->string_bytes + curlen + n > STRINGS_BYTES ||
			    (grown = realloc(cur, curlen + n + 1)) == NULL) {
				ret = cr_err_user(err, CR_ETOOBIG, NULL, "XLSX 文件的文字内容过多，拒绝读取");
				break;
			}
			cur = grown;
			memcpy(cur + curlen, v, n);
			curlen += n;
			cur[curlen] = '\0';
		} else if ((type == XML_READER_TYPE_END_ELEMENT && is(r, "si")) ||
		           (type == XML_READER_TYPE_ELEMENT && is(r, "si") &&
		            xmlTextReaderIsEmptyElement(r))) {
			if (x->nstrings == STRINGS_MAX) {
				ret = cr_err_user(err, CR_ETOOBIG, NULL, "XLSX 文件的文字内容过多，拒绝读取");
				break;
			}
			if (x->nstrings == x->cap) {
				size_t cap = x->cap ? x->cap * 2 : 1024;
				char **grown = realloc(x->strings, cap * sizeof *grown);

				if (grown == NULL) {
					ret = cr_err_set(err, CR_ENOMEM, "xlsx: out of memory");
					break;
				}
				x->strings = grown;
				x->cap = cap;
			}
			x->strings[x->nstrings++] = cur ? cur : calloc(1, 1);
			x->string_bytes += curlen + 1;
			cur = NULL;
		}
	}
	free(cur);
	if (ret == 0 && (rc < 0 || e.too_big))
		ret = e.too_big ? cr_err_user(err, CR_ETOOBIG, NULL,
		                              "XLSX 文件解压后过大或压缩比异常（疑似压缩炸弹），拒绝读取")
		                : cr_err_user(err, CR_EINVAL, NULL, "XLSX 文件已损坏（共享字符串无法读取）");
	close_entry(r, &e);
	return ret;
}

int
cr_xlsx_open(const char *path, struct cr_xlsx **out, struct cr_err *err)
{
	struct cr_xlsx *x = calloc(1, sizeof *x);
	zip_int64_t n;
	int zerr = 0, rc;

	*out = NULL;
	if (x == NULL)
		return cr_err_set(err, CR_ENOMEM, "xlsx: out of memory");
	if ((x->zip = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr)) == NULL) {
		free(x);
		return cr_err_user(err, CR_EINVAL, NULL, "不是有效的 XLSX 文件（压缩包损坏或不完整）");
	}
	if (zip_name_locate(x->zip, "xl/worksheets/sheet1.xml", 0) >= 0) {
		snprintf(x->sheet, sizeof x->sheet, "xl/worksheets/sheet1.xml");
	} else {
		n = zip_get_num_entries(x->zip, 0);
		for (zip_int64_t i = 0; i < n && !x->sheet[0]; i++) {
			const char *name = zip_get_name(x->zip, (zip_uint64_t)i, 0);

			if (name && strncmp(name, "xl/worksheets/", 14) == 0 &&
			    strchr(name + 14, '/') == NULL && strlen(name) > 18 &&
			    strcmp(name + strlen(name) - 4, ".xml") == 0)
				snprintf(x->sheet, sizeof x->sheet, "%s", name);
		}
	}
	if (!x->sheet[0]) {
		cr_xlsx_close(x);
		return cr_err_user(err, CR_EINVAL, NULL, "XLSX 文件中没有工作表");
	}
	if ((rc = load_strings(x, err)) != 0) {
		cr_xlsx_close(x);
		return rc;
	}
	*out = x;
	return 0;
}

void
cr_xlsx_close(struct cr_xlsx *x)
{
	if (x == NULL)
		return;
	close_entry(x->reader, &x->in);
	for (size_t i = 0; i < x->nstrings; i++)
		free(x->strings[i]);
	free(x->strings);
	if (x->zip)
		zip_discard(x->zip);
	free(x);
}

static int
xlsx_rewind(void *ctx, char delim, struct cr_err *err)
{
	struct cr_xlsx *x = ctx;

	(void)delim;
	x->lastline = 0;
	close_entry(x->reader, &x->in);
	if ((x->reader = open_entry(x, x->sheet, &x->in)) == NULL)
		return cr_err_user(err, CR_EINVAL, NULL, "XLSX 工作表无法读取");
	return 0;
}

/* The column (0-based) of a reference such as "C12"; -1 when none. */
static int
column(const char *ref)
{
	int c = 0, letters = 0;

	for (; ref && *ref >= 'A' && *ref <= 'Z' && letters < 3; ref++, letters++)
		c = c * 26 + (*ref - 'A' + 1);
	return letters ? c - 1 : -1;
}

/* Puts text as field col of the row (the gap before it filled with empty fields). */
static int
put_cell(struct cr_xlsx *x, int col, const char *text)
{
	size_t n = strlen(text);

	if (col < x->nf || col >= CR_TABLE_FIELDS)
		return 0;
	while (x->nf < col) {
		if (x->rowlen + 1 >= sizeof x->row)
			return -1;
		x->row[x->rowlen] = '\0';
		x->fields[x->nf++] = x->row + x->rowlen++;
	}
	if (x->rowlen + n + 1 >= sizeof x->row)
		return -1;
	memcpy(x->row + x->rowlen, text, n + 1);
	x->fields[x->nf++] = x->row + x->rowlen;
	x->rowlen += n + 1;
	return 0;
}

static int
xlsx_next(void *ctx, char ***fields, int *n, long *line, struct cr_err *err)
{
	struct cr_xlsx *x = ctx;
	xmlTextReaderPtr r = x->reader;
	char type[16] = "";
	int rc, col = -1, in_row = 0, next_col = 0;

	x->rowlen = 0;
	x->nf = 0;
	while ((rc = xmlTextReaderRead(r)) == 1) {
		int t = xmlTextReaderNodeType(r);

		if (t == XML_READER_TYPE_ELEMENT && is(r, "row")) {
			xmlChar *rn = xmlTextReaderGetAttribute(r, (const xmlChar *)"r");

			*line = rn ? atol((const char *)rn) : x->lastline + 1;
			x->lastline = *line;
			xmlFree(rn);
			in_row = 1;
			next_col = 0;
			if (xmlTextReaderIsEmptyElement(r))
				break;
		} else if (t == XML_READER_TYPE_END_ELEMENT && is(r, "row")) {
			break;
		} else if (in_row && t == XML_READER_TYPE_ELEMENT && is(r, "c")) {
			xmlChar *ref = xmlTextReaderGetAttribute(r, (const xmlChar *)"r");
			xmlChar *ty = xmlTextReaderGetAttribute(r, (const xmlChar *)"t");

			col = ref ? column((const char *)ref) : next_col;
			if (col < 0)
				col = next_col;
			next_col = col + 1;
			snprintf(type, sizeof type, "%s", ty ? (const char *)ty : "n");
			xmlFree(ref);
			xmlFree(ty);
		} else if (in_row && t == XML_READER_TYPE_ELEMENT && (is(r, "v") || is(r, "t"))) {
			xmlChar *v = xmlTextReaderReadString(r);
			const char *text = v ? (const char *)v : "";
			int bad = 0;

			if (strcmp(type, "s") == 0) {
				char *end;
				unsigned long k = strtoul(text, &end, 10);

				text = *end == '\0' && k < x->nstrings ? x->strings[k] : "";
			}
			bad = put_cell(x, col, text) != 0;
			xmlFree(v);
			if (bad)
				return cr_err_user(err, CR_EINVAL, NULL, "XLSX 第 %ld 行过长", *line);
		}
	}
	if (rc < 0 || x->in.too_big)
		return x->in.too_big
		           ? cr_err_user(err, CR_ETOOBIG, NULL,
		                         "XLSX 文件解压后过大或压缩比异常（疑似压缩炸弹），拒绝读取")
		           : cr_err_user(err, CR_EINVAL, NULL, "XLSX 工作表已损坏（第 %ld 行附近）", *line);
	if (rc == 0 && !in_row)
		return 0;
	*fields = x->fields;
	*n = x->nf;
	return 1;
}

void
cr_xlsx_rows(struct cr_xlsx *x, struct cr_rows *rows)
{
	*rows = (struct cr_rows){x, 0, xlsx_rewind, xlsx_next, "xlsx", "utf-8"};
}
