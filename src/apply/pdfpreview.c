#include <cairo.h>
#include <poppler.h>
#include <stdlib.h>
#include <unistd.h>

#include "file.h"
#include "isolate.h"
#include "pdfpreview.h"

struct job {
	const void *data;
	size_t len;
	int width;
};

static cairo_status_t
to_fd(void *closure, const unsigned char *buf, unsigned int len)
{
	int fd = *(int *)closure;

	return cr_file_write_all(fd, buf, len) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

PopplerDocument *
cr_pdf_open(const void *data, size_t len)
{
	return poppler_document_new_from_bytes(g_bytes_new_static(data, len), NULL, NULL);
}

PopplerPage *
cr_pdf_page(PopplerDocument *doc, int index, double *w, double *h)
{
	PopplerPage *page =
	    doc && index < poppler_document_get_n_pages(doc) ? poppler_document_get_page(doc, index) : NULL;

	if (page == NULL)
		return NULL;
	poppler_page_get_size(page, w, h);
	return *w >= 1 && *h >= 1 ? page : NULL;
}

cairo_surface_t *
cr_pdf_draw(PopplerPage *page, double scale, int w, int h)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w > 0 ? w : 1, h > 0 ? h : 1);
	cairo_t *cr = cairo_create(s);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	return s;
}

static int
draw(int out, void *arg)
{
	const struct job *j = arg;
	double w, h, scale;
	PopplerPage *page = cr_pdf_page(cr_pdf_open(j->data, j->len), 0, &w, &h);
	int height;

	if (page == NULL)
		return 1; /* the child ends at once: what poppler holds goes with it */
	scale = j->width / w;
	/* A page far taller than wide (a receipt roll) is drawn no taller than three widths. */
	height = (int)(h * scale) > 3 * j->width ? 3 * j->width : (int)(h * scale);
	return cairo_surface_write_to_png_stream(cr_pdf_draw(page, scale, j->width, height), to_fd, &out) ==
	               CAIRO_STATUS_SUCCESS
	           ? 0
	           : 2;
}

int
cr_pdf_preview(const void *data, size_t len, int width, char **png, size_t *pnglen, struct cr_err *err)
{
	static const struct cr_isolate_limits lim = {10, 20, (size_t)1 << 30, 16 << 20};
	struct job j = {data, len, width};
	int rc = cr_isolate(draw, &j, &lim, png, pnglen, err);

	if (rc == 0)
		return 0;
	free(*png);
	*png = NULL;
	if (rc > 0)
		return cr_err_user(err, CR_EBADFILE, NULL, "PDF 首页无法显示");
	return rc < 0 ? CR_EIO : rc;
}
