/*
 * application/x-www-form-urlencoded bodies (the providers' notifications):
 * name=value pairs split on '&', '+' as space, %XX decoded to raw bytes
 * (no transcoding: a GBK notification keeps its GBK bytes, as signed).
 * Bounded: at most CR_FORM_MAX pairs; a %00, a bad escape or a repeated
 * name is refused.
 */
#ifndef CR_FORM_H
#define CR_FORM_H

#include <stddef.h>

#include "err.h"

#define CR_FORM_MAX 100

struct cr_form {
	int n;
	char *name[CR_FORM_MAX];
	char *value[CR_FORM_MAX]; /* NUL-terminated decoded bytes */
	char *buf;                /* owns every string */
};

/* Parses body (len bytes, at most 64 KiB); release with cr_form_release. */
int cr_form_parse(const char *body, size_t len, struct cr_form *f, struct cr_err *err);
void cr_form_release(struct cr_form *f);
/* The value of name, or NULL. */
const char *cr_form_get(const struct cr_form *f, const char *name);
/*
 * Appends name=value percent-encoded (RFC 3986 unreserved kept) to the
 * string in out, after a '&' unless out is empty or ends in '?'; 0, or -1
 * when out is full.
 */
int cr_form_append(char *out, size_t size, const char *name, const char *value);

#endif
