#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "paper.h"

struct cr_paper {
	cairo_surface_t *surface;
	cairo_t *cr;
	char *buf; /* the PDF as cairo writes it */
	size_t len, cap;
	int failed;
};

static cairo_status_t
collect(void *closure, const unsigned char *data, unsigned int n)
{
	struct cr_paper *p = closure;

	if (p->len + n > p->cap) {
		size_t cap = p->cap ? p->cap : 64 * 1024;
		char *nb;

		while (cap < p->len + n)
			cap *= 2;
		if ((nb = realloc(p->buf, cap)) == NULL) {
			p->failed = 1;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		p->buf = nb;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, data, n);
	p->len += n;
	return CAIRO_STATUS_SUCCESS;
}

struct cr_paper *
cr_paper_new(const char *title)
{
	struct cr_paper *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	p->surface = cairo_pdf_surface_create_for_stream(collect, p, CR_A4_W, CR_A4_H);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "certrenew");
	p->cr = cairo_create(p->surface);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	return p;
}

void
cr_paper_page(struct cr_paper *p)
{
	cairo_show_page(p->cr);
}

static PangoLayout *
layout(struct cr_paper *p, double width, const char *face, double size, int align, const char *text)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(face);

	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align == CR_ALIGN_CENTER  ? PANGO_ALIGN_CENTER
	                              : align == CR_ALIGN_RIGHT ? PANGO_ALIGN_RIGHT
	                                                        : PANGO_ALIGN_LEFT);
	/* Text from the database is UTF-8; should a byte be wrong, one character is replaced, not the page.
	 */
	if (g_utf8_validate(text, -1, NULL))
		pango_layout_set_text(l, text, -1);
	else {
		char *valid = g_utf8_make_valid(text, -1);

		pango_layout_set_text(l, valid, -1);
		g_free(valid);
	}
	return l;
}

double
cr_paper_measure(struct cr_paper *p, double width, const char *face, double size, const char *text)
{
	PangoLayout *l = layout(p, width, face, size, CR_ALIGN_LEFT, text);
	int w, h;

	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

double
cr_paper_text(struct cr_paper *p, double x, double y, double width, const char *face, double size, int align,
              const char *text)
{
	PangoLayout *l = layout(p, width, face, size, align, text);
	int w, h;

	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

void
cr_paper_box(struct cr_paper *p, double x, double y, double w, double h, double lw, double grey)
{
	cairo_rectangle(p->cr, x, y, w, h);
	if (grey < 1) {
		cairo_set_source_rgb(p->cr, grey, grey, grey);
		cairo_fill_preserve(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	if (lw > 0) {
		cairo_set_line_width(p->cr, lw);
		cairo_stroke(p->cr);
	} else
		cairo_new_path(p->cr);
}

void
cr_paper_line(struct cr_paper *p, double x1, double y1, double x2, double y2, double lw)
{
	cairo_set_line_width(p->cr, lw);
	cairo_move_to(p->cr, x1, y1);
	cairo_line_to(p->cr, x2, y2);
	cairo_stroke(p->cr);
}

double
cr_paper_row(struct cr_paper *p, double y, const char *label, const char *value, const char *face,
             double size)
{
	const double x = CR_PAPER_MARGIN, lw = 130, w = CR_A4_W - 2 * CR_PAPER_MARGIN, pad = 6;
	double h = cr_paper_measure(p, w - lw - 2 * pad, face, size, value[0] ? value : " ") + 2 * pad;

	if (h < size * 2.2)
		h = size * 2.2;
	cr_paper_box(p, x, y, lw, h, 0.8, 0.93);
	cr_paper_box(p, x + lw, y, w - lw, h, 0.8, 1);
	cr_paper_text(p, x + pad, y + pad, lw - 2 * pad, CR_PAPER_SANS, 10.5, CR_ALIGN_LEFT, label);
	cr_paper_text(p, x + lw + pad, y + pad, w - lw - 2 * pad, face, size, CR_ALIGN_LEFT, value);
	return h;
}

int
cr_paper_qr(struct cr_paper *p, double x, double y, double size, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	double m;

	if (q == NULL)
		return -1;
	/* Four modules of white around it (the quiet zone a reader needs) are part of size. */
	m = size / (q->width + 8);
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_rectangle(p->cr, x, y, size, size);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(p->cr, x + (c + 4) * m, y + (r + 4) * m, m, m);
	cairo_fill(p->cr);
	QRcode_free(q);
	return 0;
}

int
cr_paper_finish(struct cr_paper *p, char **pdf, size_t *len)
{
	int ok;

	/* Finishing shows the page being drawn: no blank page after it. */
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	ok = cairo_surface_status(p->surface) == CAIRO_STATUS_SUCCESS && !p->failed;
	cairo_surface_destroy(p->surface);
	if (!ok) {
		free(p->buf);
		free(p);
		return -1;
	}
	*pdf = p->buf;
	*len = p->len;
	free(p);
	return 0;
}
