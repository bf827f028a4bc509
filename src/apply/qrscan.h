/*
 * The QR code on an uploaded scan, read by zbar: from a JPEG or PNG as it
 * is, from a PDF's first page drawn by poppler.  Runs in a child under
 * limits (isolate.h), like every parse of an upload.
 */
#ifndef CR_QRSCAN_H
#define CR_QRSCAN_H

#include <stddef.h>

#include "upload.h"

/*
 * The first QR code found in the document (data, len) of type t, as text in
 * out (NUL-terminated, cut at outlen - 1 bytes); 0 when one was read, 1
 * when none was found (or the file could not be read: the upload's own
 * checks say why).
 */
int cr_doc_qr(enum cr_doc_type t, const void *data, size_t len, char *out, size_t outlen);

#endif
