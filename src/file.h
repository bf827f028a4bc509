/* Whole files: read at once with a bound, hashed, written out whole. */
#ifndef CR_FILE_H
#define CR_FILE_H

#include <stddef.h>

#include "err.h"

/*
 * Reads path whole into *data (NUL-terminated, the caller's to free) and
 * its length into *len.  A file over max bytes is CR_ETOOBIG; one that
 * cannot be opened or read is CR_EIO.  *data is NULL on failure.
 */
int cr_file_read(const char *path, size_t max, char **data, size_t *len, struct cr_err *err);
/* The SHA-256 of path as 64 hex digits, read in pieces; CR_ETOOBIG past max bytes. */
int cr_file_sha256(const char *path, long long max, char hex[65], struct cr_err *err);

/* Writes len bytes to fd, again after EINTR and short writes; 0, or -1 with errno set. */
int cr_file_write_all(int fd, const void *buf, size_t len);

#endif
