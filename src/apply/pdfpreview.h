/*
 * A PDF's first page drawn as a PNG on the server (poppler + cairo), for
 * the reviewer's page: browsers differ in showing PDFs inline (some show a
 * dark box), an image shows everywhere.  Drawn in a child process under
 * limits (isolate.h), like every parse of an upload.
 */
#ifndef CR_PDFPREVIEW_H
#define CR_PDFPREVIEW_H

#include <cairo.h>
#include <poppler.h>
#include <stddef.h>

#include "err.h"

#define CR_PREVIEW_WIDTH 1000 /* pixels */

/*
 * For code that already runs in a child (here and qrscan.c): the PDF (data,
 * len, which must outlive it) opened, or NULL; its page index (from 0) with
 * its size in points, or NULL; and a page drawn at scale on a white RGB
 * surface w × h pixels.
 */
PopplerDocument *cr_pdf_open(const void *data, size_t len);
PopplerPage *cr_pdf_page(PopplerDocument *doc, int index, double *w, double *h);
cairo_surface_t *cr_pdf_draw(PopplerPage *page, double scale, int w, int h);

/* The first page of a PDF (data, len) as a PNG width pixels wide in *png (caller frees). */
int cr_pdf_preview(const void *data, size_t len, int width, char **png, size_t *pnglen, struct cr_err *err);

#endif
