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

static int
draw(int out, void *arg)
{
	const struct job *j = arg;
	GBytes *bytes = g_bytes_new_static(j->data, j->len);
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, NULL);
	PopplerPage *page = doc ? poppler_document_get_page(doc, 0) : NULL;
	double w, h, scale;
	cairo_surface_t *s;
	cairo_t *cr;
	int height;

	if (page == NULL)
		return 1;
	poppler_page_get_size(page, &w, &h);
	if (w < 1 || h < 1)
		return 1;
	scale = j->width / w;
	/* A page far taller than wide (a receipt roll) is drawn no taller than three widths. */
	height = (int)(h * scale) > 3 * j->width ? 3 * j->width : (int)(h * scale);
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, j->width, height > 0 ? height : 1);
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	return cairo_surface_write_to_png_stream(s, to_fd, &out) == CAIRO_STATUS_SUCCESS ? 0 : 2;
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
