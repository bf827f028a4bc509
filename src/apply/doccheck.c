#include <png.h>
#include <poppler.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <unistd.h>

#include "doccheck.h"
#include "isolate.h"

#define MAX_OBJECT_ID (1 << 23) /* object numbers a PDF may use */
#define MAX_OBJECTS 500000      /* objects looked at */

static int
refuse(char *why, size_t whylen, const char *text)
{
	snprintf(why, whylen, "%s", text);
	return 1;
}

static int
jpeg_verify(const unsigned char *data, size_t len, char *why, size_t whylen)
{
	tjhandle h = tjInitDecompress();
	int w = 0, ht = 0, sub, cs, n, rc = 1;
	tjscalingfactor *sf, pick = {1, 1};
	unsigned char *px = NULL;

	if (h == NULL)
		return refuse(why, whylen, "无法检查 JPEG 图片（解码器不可用）");
	if (len > (size_t)0x7fffffff ||
	    tjDecompressHeader3(h, data, (unsigned long)len, &w, &ht, &sub, &cs) != 0) {
		refuse(why, whylen, "JPEG 文件损坏（文件头无法读取）");
		goto out;
	}
	if (w <= 0 || ht <= 0 || (long long)w * ht > CR_DOC_MAX_PIXELS) {
		snprintf(why, whylen, "图片尺寸过大（%d×%d 像素），请缩小到 5000 万像素以内后重新上传", w,
		         ht);
		goto out;
	}
	/* Every block is decoded at the smallest scale: all the data is read, little memory is used. */
	if ((sf = tjGetScalingFactors(&n)) != NULL)
		for (int i = 0; i < n; i++)
			if (sf[i].num * pick.denom < pick.num * sf[i].denom)
				pick = sf[i];
	int sw = TJSCALED(w, pick), sh = TJSCALED(ht, pick);

	if ((px = malloc((size_t)sw * sh * 3)) == NULL) {
		refuse(why, whylen, "图片过大，无法检查");
		goto out;
	}
	if (tjDecompress2(h, data, (unsigned long)len, px, sw, 0, sh, TJPF_RGB,
	                  TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0) {
		refuse(why, whylen, "JPEG 文件不完整或已损坏（图像数据无法完整解码）");
		goto out;
	}
	rc = 0;
out:
	free(px);
	tjDestroy(h);
	return rc;
}

/*
 * Every object reachable from the trailer, walked with qpdf (names come
 * decoded, objects inside object streams included): 1 when an action runs
 * JavaScript, 2 when one launches a program, 3 when the file is too
 * large a graph to judge, 0 when none.
 */
static int
pdf_actions(const void *data, size_t len)
{
	qpdf_data q = qpdf_init();
	qpdf_oh *stack = NULL;
	unsigned char *seen = NULL;
	size_t n = 0, cap = 0, visited = 0;
	int found = 0;

	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (qpdf_read_memory(q, "upload", data, len, NULL) & QPDF_ERRORS) {
		qpdf_cleanup(&q);
		return -1;
	}
	seen = calloc(MAX_OBJECT_ID / 8 + 1, 1);
	if (seen == NULL)
		goto big;
	stack = malloc(sizeof *stack * (cap = 1024));
	if (stack == NULL)
		goto big;
	stack[n++] = qpdf_get_trailer(q);
	while (n > 0 && !found) {
		qpdf_oh oh = stack[--n];

		if (qpdf_oh_is_indirect(q, oh)) {
			int id = qpdf_oh_get_object_id(q, oh);

			if (id <= 0 || id > MAX_OBJECT_ID)
				goto big;
			if (seen[id / 8] & (1u << (id % 8)))
				continue;
			seen[id / 8] |= 1u << (id % 8);
		}
		if (++visited > MAX_OBJECTS)
			goto big;
		if (qpdf_oh_is_stream(q, oh))
			oh = qpdf_oh_get_dict(q, oh);
		if (qpdf_oh_is_dictionary(q, oh)) {
			char **keys = NULL;
			size_t nk = 0;

			qpdf_oh_begin_dict_key_iter(q, oh);
			while (qpdf_oh_dict_more_keys(q)) {
				char **k = realloc(keys, sizeof *keys * (nk + 1));

				if (k == NULL)
					break;
				keys = k;
				keys[nk++] = strdup(qpdf_oh_dict_next_key(q));
			}
			for (size_t i = 0; i < nk; i++) {
				qpdf_oh v;

				if (keys[i] == NULL)
					continue;
				v = qpdf_oh_get_key(q, oh, keys[i]);
				if (strcmp(keys[i], "/JS") == 0 ||
				    (strcmp(keys[i], "/S") == 0 &&
				     qpdf_oh_is_name_and_equals(q, v, "/JavaScript")))
					found = 1;
				else if (strcmp(keys[i], "/S") == 0 &&
				         qpdf_oh_is_name_and_equals(q, v, "/Launch"))
					found = 2;
				if (n == cap) {
					qpdf_oh *s2 = realloc(stack, sizeof *stack * (cap *= 2));

					if (s2 == NULL)
						break;
					stack = s2;
				}
				stack[n++] = v;
			}
			for (size_t i = 0; i < nk; i++)
				free(keys[i]);
			free(keys);
		} else if (qpdf_oh_is_array(q, oh)) {
			int items = qpdf_oh_get_array_n_items(q, oh);

			for (int i = 0; i < items; i++) {
				if (n == cap) {
					qpdf_oh *s2 = realloc(stack, sizeof *stack * (cap *= 2));

					if (s2 == NULL)
						goto big;
					stack = s2;
				}
				stack[n++] = qpdf_oh_get_array_item(q, oh, i);
			}
		}
	}
	goto out;
big:
	found = 3;
out:
	free(stack);
	free(seen);
	qpdf_cleanup(&q);
	return found;
}

static int
pdf_verify(const void *data, size_t len, char *why, size_t whylen)
{
	GBytes *bytes = g_bytes_new_static(data, len);
	GError *gerr = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	int pages, rc = 1;

	if (doc == NULL) {
		if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
			refuse(why, whylen, "PDF 文件设有打开密码，请去掉密码后重新上传");
		else
			refuse(why, whylen, "PDF 文件无法解析（已损坏，或不是真正的 PDF）");
		goto out;
	}
	if ((pages = poppler_document_get_n_pages(doc)) < 1) {
		refuse(why, whylen, "PDF 文件没有页面");
		goto out;
	}
	switch (pdf_actions(data, len)) {
	case 0: break;
	case 1:
		refuse(why, whylen, "PDF 文件含有脚本（JavaScript），请用“打印为 PDF”另存后重新上传");
		goto out;
	case 2:
		refuse(why, whylen, "PDF 文件含有启动外部程序的动作，请用“打印为 PDF”另存后重新上传");
		goto out;
	case 3:
		refuse(why, whylen, "PDF 文件结构过于复杂（对象过多），请用“打印为 PDF”另存后重新上传");
		goto out;
	default: refuse(why, whylen, "PDF 文件无法解析（已损坏，或不是真正的 PDF）"); goto out;
	}
	rc = 0;
out:
	if (gerr)
		g_error_free(gerr);
	if (doc)
		g_object_unref(doc);
	g_bytes_unref(bytes);
	return rc;
}

/*
 * A PNG decoded whole by libpng's simplified API (every chunk's CRC and
 * the image data's zlib stream checked to the end), one row of 8-bit grey
 * at a time being all it keeps: the pixel bound first, as for a JPEG.
 */
static int
png_verify(const unsigned char *data, size_t len, char *why, size_t whylen)
{
	png_image img;
	unsigned char *px = NULL;
	int rc = 1;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len)) {
		snprintf(why, whylen, "PNG 文件损坏（文件头无法读取：%s）", img.message);
		goto out;
	}
	if ((long long)img.width * img.height > CR_DOC_MAX_PIXELS || img.width == 0 || img.height == 0) {
		snprintf(why, whylen, "图片尺寸过大（%u×%u 像素），请缩小到 5000 万像素以内后重新上传",
		         img.width, img.height);
		goto out;
	}
	img.format = PNG_FORMAT_GRAY;
	if ((px = malloc(PNG_IMAGE_SIZE(img))) == NULL) {
		refuse(why, whylen, "图片过大，无法检查");
		goto out;
	}
	if (!png_image_finish_read(&img, NULL, px, 0, NULL) || PNG_IMAGE_FAILED(img)) {
		snprintf(why, whylen, "PNG 文件不完整或已损坏（图像数据无法完整解码：%s）", img.message);
		goto out;
	}
	rc = 0;
out:
	png_image_free(&img);
	free(px);
	return rc;
}

int
cr_doc_verify(enum cr_doc_type t, const void *data, size_t len, char *why, size_t whylen)
{
	if (t == CR_DOC_JPEG)
		return jpeg_verify(data, len, why, whylen);
	if (t == CR_DOC_PNG)
		return png_verify(data, len, why, whylen);
	if (t == CR_DOC_PDF)
		return pdf_verify(data, len, why, whylen);
	return refuse(why, whylen, "只接受 JPG、PNG 图片或 PDF 文件");
}

struct job {
	enum cr_doc_type t;
	const void *data;
	size_t len;
};

static int
verify_child(int out, void *arg)
{
	const struct job *j = arg;
	char why[512] = "";
	int rc = cr_doc_verify(j->t, j->data, j->len, why, sizeof why);

	if (rc != 0 && write(out, why, strlen(why)) < 0)
		return 2;
	return rc;
}

int
cr_doc_verify_isolated(enum cr_doc_type t, const void *data, size_t len, struct cr_err *err)
{
	/* A scan decodes in well under a second; a PDF page tree of a few hundred pages in a few. */
	static const struct cr_isolate_limits lim = {10, 20, (size_t)1 << 30, 1024};
	struct job j = {t, data, len};
	struct cr_err why;
	size_t n;
	char *out;
	int rc = cr_isolate(verify_child, &j, &lim, &out, &n, &why);

	if (rc == 0) {
		free(out);
		return 0;
	}
	if (rc == 1) {
		cr_err_user(err, CR_EBADFILE, NULL, "%s", out);
		free(out);
		return CR_EBADFILE;
	}
	free(out);
	if (rc < 0 && strstr(why.msg, "the parser") == NULL) /* no child could be started */
		return cr_err_set(err, CR_EIO, "%s", why.msg);
	return cr_err_user(err, CR_EBADFILE, NULL, "%s文件无法解析（%s），请检查文件后重新上传",
	                   t == CR_DOC_PDF ? "PDF " : "图片",
	                   rc < 0 && strstr(why.msg, "time") ? "处理超时" : "文件损坏或过于复杂");
}

enum cr_doc_type
cr_doc_check(const void *data, size_t len, struct cr_err *err)
{
	enum cr_doc_type t = cr_upload_type(data, len, err);

	if (t != CR_DOC_NONE && cr_doc_verify_isolated(t, data, len, err) != 0)
		return CR_DOC_NONE;
	return t;
}
