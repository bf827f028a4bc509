/*
 * A PDF's first page drawn as a PNG on the server (poppler + cairo), for
 * the reviewer's page: browsers differ in showing PDFs inline (some show a
 * dark box), an image shows everywhere.  Drawn in a child process under
 * limits (isolate.h), like every parse of an upload.
 */
#ifndef CR_PDFPREVIEW_H
#define CR_PDFPREVIEW_H

#include <stddef.h>

#include "err.h"

#define CR_PREVIEW_WIDTH 1000 /* pixels */

/* The first page of a PDF (data, len) as a PNG width pixels wide in *png (caller frees). */
int cr_pdf_preview(const void *data, size_t len, int width, char **png, size_t *pnglen, struct cr_err *err);

#endif
