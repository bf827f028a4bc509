/* UTF-8 checks for text from outside. */
#ifndef CR_UTF8_H
#define CR_UTF8_H

#include <stddef.h>

/* Bytes of the valid UTF-8 character at s (left bytes readable): 1 to 4, or 0 when invalid or cut. */
size_t cr_utf8_seq(const char *s, size_t left);
/* Number of code points in s[0..len), or -1 if not valid UTF-8 (overlongs, surrogates refused). */
long cr_utf8_chars(const char *s, size_t len);
/*
 * 1 when s holds a character that shows nothing or turns text around:
 * zero-width spaces and joiners, bidi embeddings, overrides and isolates,
 * word joiners, the BOM, soft hyphens (names made of them look like others).
 */
int cr_utf8_invisible(const char *s);
/* 1 when the NUL-terminated s holds no control characters (C0, DEL, C1). */
int cr_utf8_printable(const char *s);

/*
 * Copies n bytes of src into dst (size bytes, NUL-terminated), cut shorter at
 * a character boundary when it does not fit, so the copy stays valid UTF-8.
 * dst and src may overlap.
 */
void cr_utf8_copy(char *dst, size_t size, const char *src, size_t n);
/*
 * Makes the NUL-terminated s valid UTF-8 in place, for text that must be shown whatever it holds:
 * a character cut at the end is dropped, every other byte that is not UTF-8 becomes '?'.
 */
void cr_utf8_scrub(char *s);

#endif
