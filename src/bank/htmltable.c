#include <ctype.h>
#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "htmltable.h"
#include "table.h"
#include "utf8.h"

#define CHUNK 16384
#define QUEUE_MAX (4 * 1024 * 1024) /* rows parsed from one chunk and not yet taken */
#define COLSPAN_MAX 64
/* The page's own charset declaration is read by judge(): libxml2 is not to switch on it again. */
#define PARSE_OPTIONS                                                                                        \
	(HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NOIMPLIED |               \
	 HTML_PARSE_IGNORE_ENC)

struct cr_html {
	FILE *f;          /* the file, or NULL over memory */
	const char *data; /* the bytes, over memory */
	size_t len, pos;  /* over memory */
	char enc[16];     /* for libxml2: "UTF-8" or "GB18030" */
	htmlParserCtxtPtr ctxt;
	int eof;
	int skip; /* inside <script> or <style> */
	int in_row, in_cell, space;
	int bad;    /* 1: a row too long or with too many cells */
	int broken; /* 1: libxml2 stopped reading the page */
	long badrow;
	char cur[CR_TABLE_ROW_MAX + CR_TABLE_FIELDS + 1]; /* the row being read: NUL-separated cells */
	size_t curlen;
	int curn;
	char *q; /* rows read and not yet taken: [cells (1 byte)][cells, NUL-terminated]… */
	size_t qlen, qpos, qcap;
	char row[CR_TABLE_ROW_MAX + CR_TABLE_FIELDS + 1]; /* the row handed out */
	char *fields[CR_TABLE_FIELDS];
	long rows; /* rows read so far: the "line" of the messages */
};

int
cr_html_sniff(const void *head, size_t len)
{
	const char *p = head, *end = p + len;
	size_t n;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (p >= end || *p != '<')
		return 0;
	n = (size_t)(end - p) < 1024 ? (size_t)(end - p) : 1024;
	for (size_t i = 0; i + 6 <= n; i++)
		if (p[i] == '<' &&
		    (strncasecmp(p + i, "<html", 5) == 0 || strncasecmp(p + i, "<table", 6) == 0))
			return 1;
	return 0;
}

/* The declared charset in the first bytes ("charset=gb2312"), as libxml2 names it; "" when none. */
static const char *
declared(const char *p, size_t n)
{
	for (size_t i = 0; i + 8 < n; i++) {
		char name[24];
		size_t k = 0;

		if (strncasecmp(p + i, "charset=", 8) != 0)
			continue;
		for (i += 8; i < n && (p[i] == '"' || p[i] == '\'' || p[i] == ' '); i++)
			;
		while (i < n && k + 1 < sizeof name &&
		       (isalnum((unsigned char)p[i]) || p[i] == '-' || p[i] == '_'))
			name[k++] = (char)tolower((unsigned char)p[i++]);
		name[k] = '\0';
		if (strcmp(name, "gb2312") == 0 || strcmp(name, "gbk") == 0 || strcmp(name, "gb18030") == 0 ||
		    strcmp(name, "x-gbk") == 0 || strcmp(name, "cp936") == 0)
			return "GB18030";
		if (strcmp(name, "utf-8") == 0 || strcmp(name, "utf8") == 0)
			return "UTF-8";
		return "";
	}
	return "";
}

/* The encoding of the first n bytes: a BOM or a declaration, else UTF-8 when they are UTF-8, else GB18030. */
static void
judge(struct cr_html *h, const char *p, size_t n)
{
	const char *d = declared(p, n < 4096 ? n : 4096);
	size_t valid = n;

	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		d = "UTF-8";
	if (!*d) {
		/* A character cut at the end of what was read is not a fault. */
		while (valid > 0 && (unsigned char)p[valid - 1] >= 0x80 && n - valid < 4)
			valid--;
		d = cr_utf8_chars(p, valid) >= 0 ? "UTF-8" : "GB18030";
	}
	snprintf(h->enc, sizeof h->enc, "%s", d);
}

static void
cell_append(struct cr_html *h, const char *s, size_t n)
{
	if (h->bad)
		return;
	if (h->curlen + n + 1 >= sizeof h->cur) {
		h->bad = 1;
		h->badrow = h->rows + 1;
		return;
	}
	memcpy(h->cur + h->curlen, s, n);
	h->curlen += n;
}

static void
cell_end(struct cr_html *h, int colspan)
{
	if (!h->in_cell)
		return;
	h->in_cell = 0;
	for (int i = 0; i < colspan; i++) {
		if (h->curlen > 0 && h->cur[h->curlen - 1] == ' ' && i == 0 && !h->bad)
			h->curlen--; /* the collapsed space at the end */
		if (h->curn + 1 > CR_TABLE_FIELDS) {
			h->bad = 1;
			h->badrow = h->rows + 1;
		}
		cell_append(h, "", 1);
		h->curn++;
	}
}

static void
row_end(struct cr_html *h)
{
	if (h->in_cell)
		cell_end(h, 1);
	if (!h->in_row)
		return;
	h->in_row = 0;
	if (h->curn == 0 || h->bad)
		return;
	if (h->qlen + h->curlen + 1 > QUEUE_MAX) {
		h->bad = 1;
		h->badrow = h->rows + 1;
		return;
	}
	if (h->qlen + h->curlen + 1 > h->qcap) {
		size_t cap = h->qcap ? h->qcap * 2 : 65536;
		char *q;

		while (cap < h->qlen + h->curlen + 1)
			cap *= 2;
		if ((q = realloc(h->q, cap)) == NULL) {
			h->bad = 1;
			return;
		}
		h->q = q;
		h->qcap = cap;
	}
	h->q[h->qlen++] = (char)h->curn;
	memcpy(h->q + h->qlen, h->cur, h->curlen);
	h->qlen += h->curlen;
}

static int
is(const xmlChar *name, const char *tag)
{
	return strcasecmp((const char *)name, tag) == 0;
}

static void
on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct cr_html *h = ctx;

	if (is(name, "script") || is(name, "style")) {
		h->skip++;
		return;
	}
	if (is(name, "tr")) {
		row_end(h);
		h->in_row = 1;
		h->curlen = 0;
		h->curn = 0;
	} else if (is(name, "td") || is(name, "th")) {
		int span = 1;

		if (!h->in_row) {
			h->in_row = 1;
			h->curlen = 0;
			h->curn = 0;
		}
		if (h->in_cell)
			cell_end(h, 1);
		for (int i = 0; atts && atts[i]; i += 2)
			if (is(atts[i], "colspan") && atts[i + 1])
				span = atoi((const char *)atts[i + 1]);
		h->in_cell = span < 1 ? 1 : span > COLSPAN_MAX ? COLSPAN_MAX : span;
		h->space = 1;
	} else if (h->in_cell && (is(name, "br") || is(name, "p") || is(name, "div"))) {
		if (!h->space)
			cell_append(h, " ", 1);
		h->space = 1;
	}
}

static void
on_end(void *ctx, const xmlChar *name)
{
	struct cr_html *h = ctx;

	if (is(name, "script") || is(name, "style")) {
		if (h->skip > 0)
			h->skip--;
	} else if (is(name, "td") || is(name, "th")) {
		cell_end(h, h->in_cell);
	} else if (is(name, "tr") || is(name, "table")) {
		row_end(h);
	}
}

/*
 * A cell's text, its runs of white space (tabs, line breaks, no-break and ideographic spaces) as one space.
 */
static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	struct cr_html *h = ctx;
	const unsigned char *p = ch, *end = ch + len;

	if (!h->in_cell || h->skip)
		return;
	while (p < end) {
		size_t w = 0;

		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			w = 1;
		else if (end - p >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
			w = 2;
		else if (end - p >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
			w = 3;
		if (w) {
			if (!h->space)
				cell_append(h, " ", 1);
			h->space = 1;
			p += w;
			continue;
		}
		cell_append(h, (const char *)p, 1);
		h->space = 0;
		p++;
	}
}

static size_t
take(struct cr_html *h, char *buf, size_t n)
{
	if (h->f)
		return fread(buf, 1, n, h->f);
	if (n > h->len - h->pos)
		n = h->len - h->pos;
	memcpy(buf, h->data + h->pos, n);
	h->pos += n;
	return n;
}

/* Parses more; a page libxml2 stops reading (bytes that are not text in its encoding) is marked broken. */
static void
feed(struct cr_html *h, const char *buf, size_t n)
{
	htmlParseChunk(h->ctxt, buf, (int)n, buf == NULL);
	if (h->ctxt->disableSAX || h->ctxt->instate == XML_PARSER_EOF) {
		if (!h->eof && buf != NULL)
			h->broken = 1;
	}
}

static int
start(struct cr_html *h, struct cr_err *err)
{
	htmlSAXHandler sax;
	char first[CHUNK];
	size_t n;

	if (h->ctxt)
		htmlFreeParserCtxt(h->ctxt);
	h->ctxt = NULL;
	if (h->f)
		rewind(h->f);
	h->pos = 0;
	h->eof = h->skip = h->in_row = h->in_cell = h->bad = h->broken = 0;
	h->curlen = h->qlen = h->qpos = 0;
	h->curn = 0;
	h->rows = 0;
	n = take(h, first, sizeof first);
	judge(h, first, n);
	memset(&sax, 0, sizeof sax);
	sax.startElement = on_start;
	sax.endElement = on_end;
	sax.characters = on_text;
	h->ctxt = htmlCreatePushParserCtxt(&sax, h, NULL, 0, NULL, XML_CHAR_ENCODING_NONE);
	if (h->ctxt == NULL)
		return cr_err_set(err, CR_ENOMEM, "html: cannot make a parser");
	htmlCtxtUseOptions(h->ctxt, PARSE_OPTIONS);
	if (xmlSwitchToEncoding(h->ctxt, xmlFindCharEncodingHandler(h->enc)) != 0)
		return cr_err_set(err, CR_EIO, "html: no converter from %s", h->enc);
	if (n > 0)
		feed(h, first, n);
	return 0;
}

static int
html_rewind(void *ctx, char delim, struct cr_err *err)
{
	(void)delim;
	return start(ctx, err);
}

static int
html_next(void *ctx, char ***fields, int *n, long *line, struct cr_err *err)
{
	struct cr_html *h = ctx;
	char buf[CHUNK];

	while (h->qpos >= h->qlen && !h->eof && !h->bad) {
		size_t got = take(h, buf, sizeof buf);

		h->qlen = h->qpos = 0;
		if (got > 0) {
			feed(h, buf, got);
		} else {
			if (h->f && ferror(h->f))
				return cr_err_set(err, CR_EIO, "html: read: %s", strerror(errno));
			feed(h, NULL, 0);
			row_end(h);
			h->eof = 1;
		}
		if (h->broken)
			return cr_err_user(
			    err, CR_EINVAL, NULL,
			    "网页格式的对账单读到第 %ld 行后无法继续（其后的文字编码有误或文件已损坏）",
			    h->rows);
	}
	if (h->qpos >= h->qlen) {
		if (h->bad)
			return cr_err_user(err, CR_EINVAL, NULL, "网页表格第 %ld 行过长或单元格过多",
			                   h->badrow);
		return 0;
	}
	{
		int cells = (unsigned char)h->q[h->qpos++];
		char *p = h->row;

		for (int i = 0; i < cells; i++) {
			size_t k = strlen(h->q + h->qpos) + 1;

			memcpy(p, h->q + h->qpos, k);
			h->fields[i] = p;
			p += k;
			h->qpos += k;
		}
		*fields = h->fields;
		*n = cells;
		*line = ++h->rows;
	}
	return 1;
}

static int
open_any(struct cr_html *h, struct cr_html **out, struct cr_err *err)
{
	int rc = start(h, err);

	if (rc != 0) {
		cr_html_close(h);
		return rc;
	}
	*out = h;
	return 0;
}

int
cr_html_open(const char *path, struct cr_html **out, struct cr_err *err)
{
	struct cr_html *h = calloc(1, sizeof *h);

	*out = NULL;
	if (h == NULL)
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	if ((h->f = fopen(path, "rb")) == NULL) {
		free(h);
		return cr_err_set(err, CR_EIO, "%s: %s", path, strerror(errno));
	}
	return open_any(h, out, err);
}

int
cr_html_open_memory(const void *data, size_t len, struct cr_html **out, struct cr_err *err)
{
	struct cr_html *h = calloc(1, sizeof *h);

	*out = NULL;
	if (h == NULL)
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	h->data = data;
	h->len = len;
	return open_any(h, out, err);
}

void
cr_html_close(struct cr_html *h)
{
	if (h == NULL)
		return;
	if (h->ctxt)
		htmlFreeParserCtxt(h->ctxt);
	if (h->f)
		fclose(h->f);
	free(h->q);
	free(h);
}

void
cr_html_rows(struct cr_html *h, struct cr_rows *rows)
{
	*rows = (struct cr_rows){h,         0,      html_rewind,
	                         html_next, "html", strcmp(h->enc, "UTF-8") == 0 ? "utf-8" : "gbk"};
}
