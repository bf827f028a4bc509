#include <cairo.h>
#include <png.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <unistd.h>
#include <zbar.h>

#include "doccheck.h"
#include "file.h"
#include "isolate.h"
#include "pdfpreview.h"
#include "qrscan.h"

#define SCAN_MAX_SIDE 2400 /* pixels: a larger picture is read at a smaller scale */
#define PDF_DPI 200.0
#define SCAN_PAGES 4      /* of a PDF: the pages read for a code (a scan of the three forms and a cover) */
#define SCAN_MAX_CODES 16 /* codes kept of one file */
#define SCAN_MAX_TEXT 200 /* bytes kept of one code */

/* An 8-bit grey picture. */
struct grey {
	unsigned char *px;
	int w, h;
};

static int
jpeg_grey(const unsigned char *data, size_t len, struct grey *g)
{
	tjhandle h = tjInitDecompress();
	int w, ht, sub, cs, n, rc = -1;
	tjscalingfactor *sf, pick = {1, 1};

	if (h == NULL)
		return -1;
	if (len > (size_t)0x7fffffff ||
	    tjDecompressHeader3(h, data, (unsigned long)len, &w, &ht, &sub, &cs) != 0 ||
	    (long long)w * ht > CR_DOC_MAX_PIXELS)
		goto out;
	/* The largest scale that keeps both sides within bounds (else the smallest there is). */
	if ((sf = tjGetScalingFactors(&n)) != NULL) {
		int found = 0;

		pick = sf[0];
		for (int i = 0; i < n; i++) {
			int sw = TJSCALED(w, sf[i]), sh = TJSCALED(ht, sf[i]);

			if (sw <= SCAN_MAX_SIDE && sh <= SCAN_MAX_SIDE) {
				if (!found || sw > TJSCALED(w, pick))
					pick = sf[i];
				found = 1;
			} else if (!found && sw < TJSCALED(w, pick))
				pick = sf[i];
		}
	}
	g->w = TJSCALED(w, pick);
	g->h = TJSCALED(ht, pick);
	if ((g->px = malloc((size_t)g->w * g->h)) == NULL)
		goto out;
	if (tjDecompress2(h, data, (unsigned long)len, g->px, g->w, 0, g->h, TJPF_GRAY, 0) == 0)
		rc = 0;
out:
	tjDestroy(h);
	return rc;
}

static int
png_grey(const unsigned char *data, size_t len, struct grey *g)
{
	png_image img;
	int rc = -1;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len) ||
	    (long long)img.width * img.height > CR_DOC_MAX_PIXELS)
		goto out;
	img.format = PNG_FORMAT_GRAY;
	g->w = (int)img.width;
	g->h = (int)img.height;
	if ((g->px = malloc(PNG_IMAGE_SIZE(img))) != NULL &&
	    png_image_finish_read(&img, NULL, g->px, 0, NULL))
		rc = 0;
out:
	png_image_free(&img);
	return rc;
}

/* Page index of doc at PDF_DPI (no larger than the bound), in grey. */
static int
pdf_grey(PopplerDocument *doc, int index, struct grey *g)
{
	double w, h, scale = PDF_DPI / 72;
	PopplerPage *page = cr_pdf_page(doc, index, &w, &h);
	cairo_surface_t *s;

	if (page == NULL)
		return -1; /* the child ends at once: what poppler holds goes with it */
	if (w * scale > SCAN_MAX_SIDE || h * scale > SCAN_MAX_SIDE)
		scale = SCAN_MAX_SIDE / (w > h ? w : h);
	g->w = (int)(w * scale);
	g->h = (int)(h * scale);
	if (g->w < 1 || g->h < 1 || (g->px = malloc((size_t)g->w * g->h)) == NULL)
		return -1;
	s = cr_pdf_draw(page, scale, g->w, g->h);
	const unsigned char *src = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);

	for (int y = 0; y < g->h; y++)
		for (int x = 0; x < g->w; x++) {
			uint32_t v = *(const uint32_t *)(src + (size_t)y * stride + (size_t)x * 4);

			g->px[(size_t)y * g->w + x] =
			    (unsigned char)((((v >> 16) & 255) * 299 + ((v >> 8) & 255) * 587 +
			                     (v & 255) * 114) /
			                    1000);
		}
	cairo_surface_destroy(s);
	g_object_unref(page);
	return 0;
}

/* Halves g (the mean of each 2×2 block) until its longer side is within SCAN_MAX_SIDE. */
static void
shrink(struct grey *g)
{
	while (g->w > SCAN_MAX_SIDE || g->h > SCAN_MAX_SIDE) {
		int w = g->w / 2, h = g->h / 2;

		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				const unsigned char *a = g->px + (size_t)(2 * y) * g->w + 2 * x,
				                    *b = a + g->w;

				g->px[(size_t)y * w + x] =
				    (unsigned char)((a[0] + a[1] + b[0] + b[1] + 2) / 4);
			}
		g->w = w;
		g->h = h;
	}
}

struct job {
	enum cr_doc_type t;
	const void *data;
	size_t len;
	const char *want;
};

/*
 * Writes each QR code on g as a line to out (what is not printable ASCII as
 * '?'), *n counting them; frees g's pixels. 1 when one starts with want.
 */
static int
scan_grey(struct grey *g, const char *want, int out, int *n)
{
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	int hit = 0;

	shrink(g); /* a PNG of tens of megapixels is read at a size zbar reads quickly */
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)g->w, (unsigned)g->h);
	zbar_image_set_data(img, g->px, (unsigned long)g->w * g->h, NULL);
	if (zbar_scan_image(sc, img) > 0)
		for (const zbar_symbol_t *sym = zbar_image_first_symbol(img); sym && *n < SCAN_MAX_CODES;
		     sym = zbar_symbol_next(sym)) {
			char line[SCAN_MAX_TEXT + 1];
			const char *text = zbar_symbol_get_data(sym);
			size_t len = zbar_symbol_get_data_length(sym);

			if (len > SCAN_MAX_TEXT)
				len = SCAN_MAX_TEXT;
			for (size_t i = 0; i < len; i++)
				line[i] = text[i] >= 0x20 && text[i] <= 0x7e ? text[i] : '?';
			line[len] = '\n';
			if (cr_file_write_all(out, line, len + 1) != 0)
				break;
			(*n)++;
			hit |= want != NULL && len >= strlen(want) && memcmp(line, want, strlen(want)) == 0;
		}
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(sc);
	free(g->px);
	g->px = NULL;
	return hit;
}

static int
scan_child(int out, void *arg)
{
	const struct job *j = arg;
	struct grey g = {NULL, 0, 0};
	int n = 0;

	if (j->t == CR_DOC_PDF) {
		PopplerDocument *doc = cr_pdf_open(j->data, j->len);

		/* A scan of several forms in one file: page by page until the one wanted. */
		for (int i = 0; doc && i < SCAN_PAGES && pdf_grey(doc, i, &g) == 0; i++)
			if (scan_grey(&g, j->want, out, &n))
				break;
	} else if ((j->t == CR_DOC_JPEG ? jpeg_grey(j->data, j->len, &g) : png_grey(j->data, j->len, &g)) ==
	           0) {
		scan_grey(&g, j->want, out, &n);
	}
	return n > 0 ? 0 : 1;
}

int
cr_doc_qr(enum cr_doc_type t, const void *data, size_t len, const char *want, char *out, size_t outlen)
{
	static const struct cr_isolate_limits lim = {10, 20, (size_t)1 << 30, 4096};
	struct job j = {t, data, len, want};
	struct cr_err err;
	char *text = NULL;
	size_t n = 0;
	int rc = cr_isolate(scan_child, &j, &lim, &text, &n, &err);

	out[0] = '\0';
	if (rc == 0 && text != NULL)
		snprintf(out, outlen, "%s", text);
	free(text);
	return rc == 0 && out[0] ? 0 : 1;
}
