#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr.h"

char *
cr_qr_svg(const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	size_t cap, o = 0;
	char *svg;
	int w;

	if (q == NULL)
		return NULL;
	w = q->width;
	/* One "Mx,yh1v1h-1z" path step per dark module, at most ~20 bytes each. */
	cap = 300 + (size_t)w * (size_t)w * 20;
	if ((svg = malloc(cap)) == NULL) {
		QRcode_free(q);
		return NULL;
	}
	o += (size_t)snprintf(svg + o, cap - o,
	                      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	                      "shape-rendering=\"crispEdges\"><rect width=\"100%%\" height=\"100%%\" "
	                      "fill=\"#fff\"/><path fill=\"#000\" d=\"",
	                      w + 8, w + 8);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				o += (size_t)snprintf(svg + o, cap - o, "M%d,%dh1v1h-1z", x + 4, y + 4);
	snprintf(svg + o, cap - o, "\"/></svg>");
	QRcode_free(q);
	return svg;
}
