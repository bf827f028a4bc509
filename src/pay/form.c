#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "form.h"

#define FORM_BODY_MAX (64 * 1024)

/* Decodes src[0..len) into dst (NUL-terminated); -1 on a bad escape or %00. */
static int
decode(char *dst, const char *src, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (src[i] == '+') {
			dst[o++] = ' ';
		} else if (src[i] == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -1;
			hi = cr_hex_digit((unsigned char)src[i + 1]);
			lo = cr_hex_digit((unsigned char)src[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			dst[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (src[i] == '\0') {
			return -1;
		} else {
			dst[o++] = src[i];
		}
	}
	dst[o] = '\0';
	return 0;
}

int
cr_form_parse(const char *body, size_t len, struct cr_form *f, struct cr_err *err)
{
	char *out;
	size_t i = 0;

	memset(f, 0, sizeof *f);
	if (len > FORM_BODY_MAX)
		return cr_err_set(err, CR_ETOOBIG, "form: body over %d bytes", FORM_BODY_MAX);
	/* Decoding never grows a string; one NUL for each of name and value. */
	if ((f->buf = out = malloc(len + 2 * CR_FORM_MAX + 2)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "form: out of memory");
	while (i < len) {
		size_t end = i, eq;

		while (end < len && body[end] != '&')
			end++;
		if (end > i) {
			if (f->n == CR_FORM_MAX) {
				cr_form_release(f);
				return cr_err_set(err, CR_EINVAL, "form: more than %d parameters",
				                  CR_FORM_MAX);
			}
			for (eq = i; eq < end && body[eq] != '='; eq++)
				;
			f->name[f->n] = out;
			if (decode(out, body + i, eq - i) != 0 || out[0] == '\0')
				goto bad;
			out += strlen(out) + 1;
			f->value[f->n] = out;
			if (decode(out, eq < end ? body + eq + 1 : "", eq < end ? end - eq - 1 : 0) != 0)
				goto bad;
			out += strlen(out) + 1;
			if (cr_form_get(f, f->name[f->n]) != NULL) {
				cr_form_release(f);
				return cr_err_set(err, CR_EINVAL, "form: a parameter is repeated");
			}
			f->n++;
		}
		i = end + 1;
	}
	return 0;
bad:
	cr_form_release(f);
	return cr_err_set(err, CR_EINVAL, "form: a bad %%-escape or an empty name");
}

void
cr_form_release(struct cr_form *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}

const char *
cr_form_get(const struct cr_form *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	return NULL;
}

static int
put(char *out, size_t size, size_t *o, const char *s, int encode)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int keep = !encode || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		           (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~';

		if (*o + (keep ? 1 : 3) >= size)
			return -1;
		if (keep) {
			out[(*o)++] = (char)*p;
		} else {
			out[(*o)++] = '%';
			out[(*o)++] = hex[*p >> 4];
			out[(*o)++] = hex[*p & 15];
		}
	}
	out[*o] = '\0';
	return 0;
}

int
cr_form_append(char *out, size_t size, const char *name, const char *value)
{
	size_t o = strlen(out);

	if ((o > 0 && out[o - 1] != '?' && put(out, size, &o, "&", 0) != 0) ||
	    put(out, size, &o, name, 1) != 0 || put(out, size, &o, "=", 0) != 0 ||
	    put(out, size, &o, value, 1) != 0)
		return -1;
	return 0;
}
