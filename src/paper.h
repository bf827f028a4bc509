/*
 * Printed paper as PDF (cairo's PDF surface, text laid out by pango with
 * the Noto CJK fonts of Debian's fonts-noto-cjk): the forms a customer
 * stamps and the payment notice.  A4 in points (1/72 inch), the origin at
 * the top left.  Text is always plain text, never pango markup, so that
 * what a customer typed is drawn as typed.
 */
#ifndef CR_PAPER_H
#define CR_PAPER_H

#include <stddef.h>

#define CR_A4_W 595.28
#define CR_A4_H 841.89
#define CR_PAPER_MARGIN 56.0

/* Faces: the body's serif (宋体 as forms use it) and the headings' sans. */
#define CR_PAPER_SERIF "Noto Serif CJK SC"
#define CR_PAPER_SANS "Noto Sans CJK SC"

enum { CR_ALIGN_LEFT, CR_ALIGN_CENTER, CR_ALIGN_RIGHT };

struct cr_paper;

/* A new document of one empty page, with title in its metadata; NULL when out of memory. */
struct cr_paper *cr_paper_new(const char *title);
/* Starts the next page. */
void cr_paper_page(struct cr_paper *p);
/*
 * Draws text wrapped to width from (x, y) in face ("Noto Serif CJK SC
 * Bold") at size points; returns the height it took.
 */
double cr_paper_text(struct cr_paper *p, double x, double y, double width, const char *face, double size,
                     int align, const char *text);
/* The height text would take, drawing nothing. */
double cr_paper_measure(struct cr_paper *p, double width, const char *face, double size, const char *text);
/* A rectangle's outline (line width lw; 0 for none) filled with grey (1: none). */
void cr_paper_box(struct cr_paper *p, double x, double y, double w, double h, double lw, double grey);
/* A line. */
void cr_paper_line(struct cr_paper *p, double x1, double y1, double x2, double y2, double lw);
/*
 * One row of a two-column table across the page at y: the label in a grey
 * cell, the value (in face at size, wrapped) beside it; returns its height.
 */
double cr_paper_row(struct cr_paper *p, double y, const char *label, const char *value, const char *face,
                    double size);
/* text as a QR code (error correction M) size points square at (x, y); -1 when it cannot be encoded. */
int cr_paper_qr(struct cr_paper *p, double x, double y, double size, const char *text);
/* Ends the document: the PDF in *pdf (caller frees); -1 when drawing failed.  p is freed either way. */
int cr_paper_finish(struct cr_paper *p, char **pdf, size_t *len);

#endif
