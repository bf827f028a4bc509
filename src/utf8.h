/* UTF-8 checks for text from outside. */
#ifndef CR_UTF8_H
#define CR_UTF8_H

#include <stddef.h>

/* Number of code points in s[0..len), or -1 if not valid UTF-8 (overlongs, surrogates refused). */
long cr_utf8_chars(const char *s, size_t len);
/* 1 when the NUL-terminated s holds no control characters (C0, DEL, C1). */
int cr_utf8_printable(const char *s);

#endif
