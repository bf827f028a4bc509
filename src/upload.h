/*
 * Uploaded documents: judged by content, never by name or Content-Type.
 *  - JPEG: the SOI marker;
 *  - PNG: its eight-byte signature;
 *  - PDF: "%PDF-1.x" or "%PDF-2.0" within the first 1024 bytes, "%%EOF"
 *    within the last 1024.
 * That is the first look; the application wing then has each read whole by
 * its parser (apply/doccheck.h).
 * And their storage: outside the web root under a random name, written
 * to a temporary file and renamed, so a reader never sees half a file.
 */
#ifndef CR_UPLOAD_H
#define CR_UPLOAD_H

#include <stddef.h>

#include "err.h"

enum cr_doc_type { CR_DOC_NONE, CR_DOC_JPEG, CR_DOC_PDF, CR_DOC_PNG };

/* The type of data judged by its first and last bytes, or CR_DOC_NONE with a Chinese reason in err. */
enum cr_doc_type cr_upload_type(const void *data, size_t len, struct cr_err *err);
const char *cr_doc_content_type(enum cr_doc_type t);

/*
 * Stores data under dir as <2 hex>/<32 hex>; writes the relative name
 * (36 chars + NUL) to name and the SHA-256 (hex) to sha.
 */
int cr_upload_store(const char *dir, const void *data, size_t len, char name[40], char sha[65],
                    struct cr_err *err);
/* Removes a stored file (a relative name from cr_upload_store); missing is fine. */
void cr_upload_remove(const char *dir, const char *name);
/*
 * A stored file no row names any more, kept for readers that read its row
 * a moment before: its time is set to now, so cr_upload_sweep (min_age)
 * removes it later instead of at once.
 */
void cr_upload_retire(const char *dir, const char *name);
/*
 * Calls keep(name, arg) for every stored file older than min_age seconds
 * (a name relative to dir); removes those for which it returns 0.  Returns
 * how many were removed, or a negative code.  Files written but never
 * recorded (a crash between the two) are found this way.
 */
int cr_upload_sweep(const char *dir, long min_age, int (*keep)(const char *name, void *arg), void *arg,
                    struct cr_err *err);
/* Reads a stored file whole (at most max bytes); caller frees *data.  CR_ENOTFOUND: no such file. */
int cr_upload_read(const char *dir, const char *name, size_t max, char **data, size_t *len,
                   struct cr_err *err);

#endif
