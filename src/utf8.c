#include <string.h>

#include "utf8.h"

size_t
cr_utf8_seq(const char *str, size_t left)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c, need, cp;

	if (left == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (unsigned k = 1; k <= need; k++) {
		if (k >= left || (s[k] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3F);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return need + 1;
}

long
cr_utf8_chars(const char *str, size_t len)
{
	long n = 0;

	for (size_t i = 0, k; i < len; i += k, n++)
		if ((k = cr_utf8_seq(str + i, len - i)) == 0)
			return -1;
	return n;
}

void
cr_utf8_scrub(char *s)
{
	size_t len = strlen(s), i = 0, k;

	while (i < len) {
		if ((k = cr_utf8_seq(s + i, len - i)) > 0) {
			i += k;
			continue;
		}
		/* A character cut at the very end (a full buffer) is dropped, not marked. */
		unsigned char c = (unsigned char)s[i];
		size_t want = c >= 0xC2 && c <= 0xDF   ? 2
		              : c >= 0xE0 && c <= 0xEF ? 3
		              : c >= 0xF0 && c <= 0xF4 ? 4
		                                       : 0;

		if (want) {
			size_t j = i + 1;

			while (j < len && ((unsigned char)s[j] & 0xC0) == 0x80)
				j++;
			if (j == len && j - i < want) {
				s[i] = '\0';
				return;
			}
		}
		s[i++] = '?';
	}
}

int
cr_utf8_printable(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7F)
			return 0;
		/* C1 controls are U+0080..U+009F: 0xC2 0x80..0x9F. */
		if (*s == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
			return 0;
	}
	return 1;
}

void
cr_utf8_copy(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memmove(dst, src, n);
	dst[n] = '\0';
}

int
cr_utf8_invisible(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		unsigned cp;

		if (p[0] == 0xC2 && p[1] == 0xAD) /* U+00AD soft hyphen */
			return 1;
		if (p[0] == 0xCD && p[1] == 0x8F) /* U+034F combining grapheme joiner */
			return 1;
		if ((p[0] & 0xF0) != 0xE0 || !p[1] || !p[2])
			continue;
		cp = ((unsigned)(p[0] & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
		if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF ||
		    cp == 0x180E || cp == 0x3164 || cp == 0x115F || cp == 0x1160)
			return 1;
	}
	return 0;
}
