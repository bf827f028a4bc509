#include <string.h>

#include "utf8.h"

long
cr_utf8_chars(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	long n = 0;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], need, cp;

		if (c < 0x80) {
			i++;
			n++;
			continue;
		}
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
			return -1;
		}
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
				return -1;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		i += need + 1;
		n++;
	}
	return n;
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
