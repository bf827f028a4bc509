#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "utf8.h"

#define RAW 65536
#define SNIFF 65536

struct cr_table {
	FILE *f;
	const unsigned char *mem;
	size_t memlen, mempos;
	int gbk;
	iconv_t cd;
	unsigned char raw[RAW];
	size_t rawlen;
	char out[3 * RAW]; /* room for every byte becoming U+FFFD */
	size_t outlen, outpos;
	int eof, pushed; /* pushed: a byte put back, or -1 */
	char delim;
	long line;
	char row[CR_TABLE_ROW_MAX + CR_TABLE_FIELDS + 1];
	size_t rowlen;
	char *fields[CR_TABLE_FIELDS];
	int nf;
};

/* Up to want raw bytes from the source into buf; the count (0 at the end), or -1. */
static long
source(struct cr_table *t, unsigned char *buf, size_t want)
{
	size_t n;

	if (t->mem) {
		n = t->memlen - t->mempos < want ? t->memlen - t->mempos : want;
		memcpy(buf, t->mem + t->mempos, n);
		t->mempos += n;
		return (long)n;
	}
	n = fread(buf, 1, want, t->f);
	return ferror(t->f) ? -1 : (long)n;
}

/* Converts what raw holds into out (GB18030 through iconv; UTF-8 as it is). */
static void
convert(struct cr_table *t)
{
	char *in = (char *)t->raw, *o = t->out;
	size_t inleft = t->rawlen, outleft = sizeof t->out;

	if (!t->gbk) {
		/* UTF-8 as it is, a byte that starts no character becoming U+FFFD. */
		size_t i = 0;

		while (i < t->rawlen) {
			const unsigned char *p = t->raw + i;
			int n = p[0] < 0x80             ? 1
			        : (p[0] & 0xE0) == 0xC0 ? 2
			        : (p[0] & 0xF0) == 0xE0 ? 3
			        : (p[0] & 0xF8) == 0xF0 ? 4
			                                : 0;

			if (n > 0 && i + (size_t)n > t->rawlen && !t->eof)
				break; /* cut by the chunk: kept for the next */
			if (n > 0 && i + (size_t)n <= t->rawlen &&
			    cr_utf8_chars((const char *)p, (size_t)n) == 1) {
				memcpy(o, p, (size_t)n);
				o += n;
				i += (size_t)n;
			} else {
				memcpy(o, "\xEF\xBF\xBD", 3);
				o += 3;
				i++;
			}
		}
		memmove(t->raw, t->raw + i, t->rawlen - i);
		t->rawlen -= i;
		t->outlen = (size_t)(o - t->out);
		return;
	}
	while (inleft > 0) {
		if (iconv(t->cd, &in, &inleft, &o, &outleft) != (size_t)-1)
			break;
		if (errno == EINVAL && !t->eof)
			break; /* a character cut by the chunk: kept for the next */
		if (errno == E2BIG)
			break;
		/* A byte that is no character: U+FFFD in its place. */
		if (outleft < 3)
			break;
		memcpy(o, "\xEF\xBF\xBD", 3);
		o += 3, outleft -= 3;
		in++, inleft--;
	}
	memmove(t->raw, in, inleft);
	t->rawlen = inleft;
	t->outlen = (size_t)(o - t->out);
}

/* The next byte of UTF-8, -1 at the end, -2 on a read error. */
static int
byte(struct cr_table *t)
{
	long n;

	if (t->pushed >= 0) {
		int c = t->pushed;

		t->pushed = -1;
		return c;
	}
	while (t->outpos == t->outlen) {
		if (t->eof && t->rawlen == 0)
			return -1;
		if (!t->eof) {
			if ((n = source(t, t->raw + t->rawlen, RAW - t->rawlen)) < 0)
				return -2;
			if (n == 0)
				t->eof = 1;
			t->rawlen += (size_t)n;
		}
		t->outpos = 0;
		convert(t);
		if (t->outlen == 0 && t->eof)
			t->rawlen = 0; /* an incomplete character at the very end: dropped */
	}
	return (unsigned char)t->out[t->outpos++];
}

/* Whether buf looks like UTF-8 (a character cut at the end of the sample is fine). */
static int
looks_utf8(const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int n = p[i] < 0x80             ? 1
		        : (p[i] & 0xE0) == 0xC0 ? 2
		        : (p[i] & 0xF0) == 0xE0 ? 3
		        : (p[i] & 0xF8) == 0xF0 ? 4
		                                : 0;

		if (n == 0)
			return 0;
		if (i + (size_t)n > len)
			return 1;
		if (cr_utf8_chars((const char *)p + i, (size_t)n) != 1)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

static int
start(struct cr_table *t, struct cr_err *err)
{
	unsigned char head[SNIFF];
	long n = source(t, head, sizeof head);

	if (n < 0)
		return cr_err_set(err, CR_EIO, "table: cannot read");
	if (memchr(head, 0, (size_t)n))
		return cr_err_user(err, CR_EINVAL, NULL, "文件不是文本格式的对账单（含二进制内容）");
	t->gbk = !looks_utf8(head, (size_t)n);
	if (t->gbk && (t->cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
		return cr_err_set(err, CR_EIO, "table: no GB18030 converter");
	return cr_table_rewind(t, ',', err);
}

int
cr_table_open(const char *path, struct cr_table **out, struct cr_err *err)
{
	struct cr_table *t = calloc(1, sizeof *t);
	int rc;

	*out = NULL;
	if (t == NULL)
		return cr_err_set(err, CR_ENOMEM, "table: out of memory");
	t->cd = (iconv_t)-1;
	if ((t->f = fopen(path, "rb")) == NULL) {
		free(t);
		return cr_err_set(err, CR_EIO, "%s: %s", path, strerror(errno));
	}
	if ((rc = start(t, err)) != 0) {
		cr_table_close(t);
		return rc;
	}
	*out = t;
	return 0;
}

int
cr_table_open_memory(const void *data, size_t len, struct cr_table **out, struct cr_err *err)
{
	struct cr_table *t = calloc(1, sizeof *t);
	int rc;

	*out = NULL;
	if (t == NULL)
		return cr_err_set(err, CR_ENOMEM, "table: out of memory");
	t->cd = (iconv_t)-1;
	t->mem = data;
	t->memlen = len;
	if ((rc = start(t, err)) != 0) {
		cr_table_close(t);
		return rc;
	}
	*out = t;
	return 0;
}

void
cr_table_close(struct cr_table *t)
{
	if (t == NULL)
		return;
	if (t->f)
		fclose(t->f);
	if (t->cd != (iconv_t)-1)
		iconv_close(t->cd);
	free(t);
}

const char *
cr_table_encoding(const struct cr_table *t)
{
	return t->gbk ? "gbk" : "utf-8";
}

int
cr_table_rewind(struct cr_table *t, char delim, struct cr_err *err)
{
	if (t->mem)
		t->mempos = 0;
	else if (fseek(t->f, 0, SEEK_SET) != 0)
		return cr_err_set(err, CR_EIO, "table: cannot read from the top: %s", strerror(errno));
	if (t->cd != (iconv_t)-1)
		iconv(t->cd, NULL, NULL, NULL, NULL);
	t->rawlen = t->outlen = t->outpos = 0;
	t->eof = 0;
	t->pushed = -1;
	t->delim = delim;
	t->line = 1;
	/* A UTF-8 byte order mark is not data. */
	if (!t->gbk) {
		int a = byte(t), b = a == 0xEF ? byte(t) : -1, c = b == 0xBB ? byte(t) : -1;

		if (!(a == 0xEF && b == 0xBB && c == 0xBF)) {
			t->outpos = 0; /* the first chunk is still in out: read it again */
			t->pushed = -1;
		}
	}
	return 0;
}

/* Appends c to the row; -1 when the row is full. */
static int
put(struct cr_table *t, int c)
{
	if (t->rowlen + 1 >= sizeof t->row - CR_TABLE_FIELDS)
		return -1;
	t->row[t->rowlen++] = (char)c;
	return 0;
}

static void
end_field(struct cr_table *t, size_t start)
{
	t->row[t->rowlen++] = '\0';
	if (t->nf < CR_TABLE_FIELDS)
		t->fields[t->nf++] = t->row + start;
}

int
cr_table_next(struct cr_table *t, char ***fields, int *n, long *line, struct cr_err *err)
{
	size_t start = 0;
	int c, quoted = 0, any = 0, field_has = 0;

	t->rowlen = 0;
	t->nf = 0;
	*line = t->line;
	for (;;) {
		if ((c = byte(t)) == -2)
			return cr_err_set(err, CR_EIO, "table: read error");
		if (c == -1) {
			if (!any)
				return 0;
			end_field(t, start);
			break;
		}
		any = 1;
		if (quoted) {
			if (c == '"') {
				int next = byte(t);

				if (next == '"') {
					if (put(t, '"') != 0)
						goto long_row;
					continue;
				}
				t->pushed = next == -1 || next == -2 ? -1 : next;
				quoted = 0;
				continue;
			}
			if (c == '\n')
				t->line++;
			if (put(t, c) != 0)
				goto long_row;
			continue;
		}
		if (c == t->delim) {
			end_field(t, start);
			start = t->rowlen;
			field_has = 0;
			continue;
		}
		if (c == '\n' || c == '\r') {
			if (c == '\r') {
				int next = byte(t);

				if (next != '\n')
					t->pushed = next < 0 ? -1 : next;
			}
			t->line++;
			end_field(t, start);
			break;
		}
		if (c == '"' && !field_has) {
			quoted = 1;
			t->rowlen = start; /* spaces before the quote are not data */
			field_has = 1;
			continue;
		}
		if (c != ' ' && c != '\t')
			field_has = 1;
		if (put(t, c) != 0)
			goto long_row;
	}
	*fields = t->fields;
	*n = t->nf;
	return 1;
long_row:
	return cr_err_user(err, CR_EINVAL, NULL, "第 %ld 行过长（超过 %d 字节），不是可识别的对账单", *line,
	                   CR_TABLE_ROW_MAX);
}
