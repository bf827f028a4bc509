/*
 * Uploaded documents judged by real parsers: a JPEG must decode whole
 * (libjpeg-turbo, warnings are errors, progressive scans limited), a PNG
 * too (libpng, every CRC and the zlib stream to its end); a PDF
 * must open in poppler with at least one page and without an open
 * password, and no object reachable in it (walked with qpdf, names decoded,
 * object streams included) may run JavaScript or launch a program.
 *
 * cr_doc_verify runs in the calling process (the fuzz target, and the
 * child that cr_doc_verify_isolated starts); the service uses the isolated
 * form, so that a damaged or malicious file costs a child process at most.
 */
#ifndef CR_DOCCHECK_H
#define CR_DOCCHECK_H

#include <stddef.h>

#include "err.h"
#include "upload.h"

#define CR_DOC_MAX_PIXELS (50LL * 1000 * 1000) /* a JPEG larger is refused before decoding */

/* 0: acceptable; 1: refused, with a Chinese reason in why. */
int cr_doc_verify(enum cr_doc_type t, const void *data, size_t len, char *why, size_t whylen);
/* As cr_doc_verify in a child under limits; a crash or a limit refuses the file. */
int cr_doc_verify_isolated(enum cr_doc_type t, const void *data, size_t len, struct cr_err *err);
/*
 * An uploaded document judged whole: its type by its first and last bytes
 * (cr_upload_type), then read by its parser in a child.  CR_DOC_NONE with a
 * Chinese reason in err (err->code CR_EIO when no child could be started:
 * the server's fault, not the file's).
 */
enum cr_doc_type cr_doc_check(const void *data, size_t len, struct cr_err *err);

#endif
