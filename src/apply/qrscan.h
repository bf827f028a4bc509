/*
 * The QR codes on an uploaded scan, read by zbar: from a JPEG or PNG as it
 * is, from a PDF's first pages drawn by poppler.  Runs in a child under
 * limits (isolate.h), like every parse of an upload.
 */
#ifndef CR_QRSCAN_H
#define CR_QRSCAN_H

#include <stddef.h>

#include "upload.h"

/*
 * The QR codes found in the document (data, len) of type t: each code's
 * text on a line of its own in out ('\n' after each; what is not printable
 * ASCII written '?'; NUL-terminated, cut at outlen - 1 bytes), every code of
 * a picture, of a PDF's first four pages; a PDF is read no further than the
 * page holding a code that starts with want (NULL: every page).  0 when
 * one was read, 1 when none was found (or the file could not be read: the
 * upload's own checks say why).
 */
int cr_doc_qr(enum cr_doc_type t, const void *data, size_t len, const char *want, char *out, size_t outlen);

#endif
