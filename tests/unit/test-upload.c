/* Upload checks by content: real JPEGs and PDFs pass; renamed executables, truncated
 * and fake files are refused with a reason; storage writes and reads back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/doccheck.h"
#include "tap.h"
#include "upload.h"

static unsigned char *
slurp(const char *name, size_t *len)
{
	char path[4096];
	const char *src = getenv("CR_SRCDIR");
	FILE *f;
	unsigned char *buf = malloc(1 << 20);

	snprintf(path, sizeof path, "%s/tests/fixtures/%s", src ? src : ".", name);
	f = fopen(path, "rb");
	if (f == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* A PDF with a correct cross-reference table. */
static size_t
make_pdf(char *out, size_t room, int xref_stream)
{
	const char *objs[] = {"<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
	                      "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"};
	size_t off[3], n = 0;

	n += snprintf(out + n, room - n, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n");
	for (int i = 0; i < 3; i++) {
		off[i] = n;
		n += snprintf(out + n, room - n, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	if (xref_stream) {
		size_t x = n;

		/*
		 * Rows of type (1 byte), offset (2), generation (1): the free head, objects 1-3, the stream.
		 */
		n += snprintf(out + n, room - n,
		              "4 0 obj\n<</Type/XRef/Size 5/W[1 2 1]/Root 1 0 R/Length 20>>\nstream\n");
		unsigned char rows[20] = {0, 0, 0, 255};

		for (int i = 0; i < 4; i++) {
			size_t o = i < 3 ? off[i] : x;

			rows[4 * (i + 1)] = 1;
			rows[4 * (i + 1) + 1] = (unsigned char)(o >> 8);
			rows[4 * (i + 1) + 2] = (unsigned char)o;
		}
		memcpy(out + n, rows, sizeof rows);
		n += sizeof rows;
		n += snprintf(out + n, room - n, "\nendstream\nendobj\n");
		n += snprintf(out + n, room - n, "startxref\n%zu\n%%%%EOF\n", x);
		return n;
	}
	{
		size_t x = n;

		n += snprintf(out + n, room - n, "xref\n0 4\n0000000000 65535 f \n");
		for (int i = 0; i < 3; i++)
			n += snprintf(out + n, room - n, "%010zu 00000 n \n", off[i]);
		n += snprintf(out + n, room - n, "trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n",
		              x);
	}
	return n;
}

/* A one-page PDF whose catalog carries extra (an OpenAction, a Names tree ...). */
static size_t
make_pdf_objs(char *out, size_t room, const char **objs, int nobj)
{
	size_t off[8], n = 0, x;

	n += snprintf(out + n, room - n, "%%PDF-1.7\n");
	for (int i = 0; i < nobj; i++) {
		off[i] = n;
		n += snprintf(out + n, room - n, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	x = n;
	n += snprintf(out + n, room - n, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
	for (int i = 0; i < nobj; i++)
		n += snprintf(out + n, room - n, "%010zu 00000 n \n", off[i]);
	n += snprintf(out + n, room - n, "trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n",
	              nobj + 1, x);
	return n;
}

static size_t
make_pdf_with(char *out, size_t room, const char *extra)
{
	char cat[512];
	const char *objs[3] = {cat, "<</Type/Pages/Kids[3 0 R]/Count 1>>",
	                       "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"};

	snprintf(cat, sizeof cat, "<</Type/Catalog/Pages 2 0 R%s>>", extra);
	return make_pdf_objs(out, room, objs, 3);
}

static size_t
make_pdf_launch(char *out, size_t room)
{
	const char *objs[4] = {"<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
	                       "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Annots[4 0 R]>>",
	                       "<</Type/Annot/Subtype/Link/Rect[0 0 595 842]/A<</S/Launch/F(cmd.exe)>>>>"};

	return make_pdf_objs(out, room, objs, 4);
}

/* The CRC-32 of PNG chunks (ISO 3309), bit by bit. */
static unsigned long
png_crc(const unsigned char *p, size_t n)
{
	unsigned long c = 0xffffffffUL;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320UL ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffUL;
}

int
main(void)
{
	struct cr_err err;
	size_t len, plen;
	unsigned char *jpg = slurp("scan.jpg", &len), *buf;
	char pdf[4096], name[40], sha[65], *back;
	char dir[] = "/tmp/cr-test-upload-XXXXXX";

	ok(cr_doc_check(jpg, len, &err) == CR_DOC_JPEG, "a baseline JPEG from cjpeg");
	buf = slurp("scan-progressive-gray.jpg", &plen);
	ok(cr_doc_check(buf, plen, &err) == CR_DOC_JPEG, "a progressive greyscale JPEG");
	free(buf);
	ok(cr_doc_check(jpg, len / 2, &err) == CR_DOC_NONE && strstr(err.msg, "JPEG"), "a truncated JPEG: %s",
	   err.msg);
	ok(cr_doc_check(jpg, 40, &err) == CR_DOC_NONE, "only the first 40 bytes of a JPEG");
	buf = malloc(len);
	memcpy(buf, jpg, len);
	for (size_t i = 2; i + 9 < len; i++)
		if (buf[i] == 0xFF && buf[i + 1] == 0xC0) {
			buf[i + 9] = 9; /* nine colour components */
			break;
		}
	ok(cr_doc_check(buf, len, &err) == CR_DOC_NONE && strstr(err.msg, "JPEG"),
	   "a broken frame header: %s", err.msg);
	ok(cr_doc_check("\xFF\xD8\xFF\xE0garbage-after-the-marker-bytes", 32, &err) == CR_DOC_NONE,
	   "JPEG magic and garbage");
	memcpy(buf, jpg, len);
	for (size_t i = 2; i + 4 < len; i++)
		if (buf[i] == 0xFF && buf[i + 1] == 0xDA) { /* the scan: its data garbled, markers intact */
			for (size_t j = i + 2 + (buf[i + 2] << 8 | buf[i + 3]); j + 2 < len && j < i + 200;
			     j++)
				if (buf[j] != 0xFF && buf[j - 1] != 0xFF)
					buf[j] = 0xFF;
			break;
		}
	ok(cr_doc_check(buf, len, &err) == CR_DOC_NONE && strstr(err.msg, "JPEG"),
	   "a JPEG whose image data is garbled halfway decodes with errors: refused (%s)", err.msg);
	{
		/* Found by the fuzzer: a frame header whose length ends the file. */
		unsigned char *tiny = malloc(6);

		memcpy(tiny, "\xFF\xD8\xFF\xC2\x00\x02", 6);
		ok(cr_doc_check(tiny, 6, &err) == CR_DOC_NONE,
		   "a frame header cut short is refused without reading past it");
		free(tiny);
		/* A file that ends in the digits of startxref (no NUL after them). */
		tiny = malloc(30);
		memcpy(tiny, "%PDF-1.4\n%%EOF\nstartxref\n1234", 30);
		ok(cr_doc_check(tiny, 30, &err) == CR_DOC_NONE,
		   "digits at the very end are read within bounds");
		free(tiny);
	}
	free(buf);

	/* PNG, what phones and scanners often make: decoded whole by libpng. */
	buf = slurp("scan.png", &plen);
	ok(cr_doc_check(buf, plen, &err) == CR_DOC_PNG &&
	       strcmp(cr_doc_content_type(CR_DOC_PNG), "image/png") == 0,
	   "a PNG scan is taken as image/png");
	ok(cr_doc_check(buf, plen / 2, &err) == CR_DOC_NONE && strstr(err.msg, "PNG"), "a truncated PNG: %s",
	   err.msg);
	buf[plen / 2] ^= 0x55; /* inside the image data: its chunk's CRC no longer holds */
	ok(cr_doc_check(buf, plen, &err) == CR_DOC_NONE && strstr(err.msg, "PNG"),
	   "a PNG with a damaged chunk: %s", err.msg);
	buf[plen / 2] ^= 0x55;
	{
		/* IHDR claiming 20000 x 20000 (its CRC made right): refused before any pixel is decoded. */
		static const unsigned char big[] = {0x00, 0x00, 0x4e, 0x20, 0x00, 0x00, 0x4e, 0x20};
		unsigned long crc;

		memcpy(buf + 16, big, sizeof big);
		crc = png_crc(buf + 12, 17);
		buf[29] = (unsigned char)(crc >> 24);
		buf[30] = (unsigned char)(crc >> 16);
		buf[31] = (unsigned char)(crc >> 8);
		buf[32] = (unsigned char)crc;
		ok(cr_doc_check(buf, plen, &err) == CR_DOC_NONE && strstr(err.msg, "尺寸过大"),
		   "a PNG of 400 million pixels is refused by its header: %s", err.msg);
	}
	ok(cr_doc_check("\x89PNG\r\n\x1a\nnot-a-png-at-all-just-bytes", 33, &err) == CR_DOC_NONE,
	   "PNG signature and garbage");
	free(buf);

	plen = make_pdf(pdf, sizeof pdf, 0);
	ok(cr_doc_check(pdf, plen, &err) == CR_DOC_PDF, "a PDF with an xref table");
	plen = make_pdf(pdf, sizeof pdf, 1);
	ok(cr_doc_check(pdf, plen, &err) == CR_DOC_PDF, "a PDF with an xref stream");
	ok(cr_doc_check(pdf, plen - 7, &err) == CR_DOC_NONE && strstr(err.msg, "EOF"), "a truncated PDF: %s",
	   err.msg);
	ok(cr_doc_check("%PDF-1.4\nrandom bytes and nothing else at all", 44, &err) == CR_DOC_NONE,
	   "a file that only starts like a PDF");
	ok(cr_doc_check("%PDF-1.4\n%%EOF\n", 15, &err) == CR_DOC_NONE && strstr(err.msg, "无法解析"),
	   "header and %%%%EOF but nothing a parser can open: %s", err.msg);
	{
		/* The probe's page: HTML carrying the strings an ad-hoc check looked for. */
		static const char html[] = "<!-- %PDF-1.4 -->\n<html><body><script>alert(1)</script>\n"
		                           "<!-- xref startxref 0 -->\n</body></html>\n<!-- %%EOF -->\n";

		ok(cr_doc_check(html, sizeof html - 1, &err) == CR_DOC_NONE,
		   "an HTML page with %%PDF-, xref and %%%%EOF in comments is no PDF: %s", err.msg);
	}
	{
		char js[8192];
		size_t n = make_pdf_with(js, sizeof js, "/OpenAction<</S/JavaScript/JS(app.alert(1))>>");

		ok(cr_doc_check(js, n, &err) == CR_DOC_NONE && strstr(err.msg, "JavaScript"),
		   "a PDF that runs JavaScript when opened is refused: %s", err.msg);
		n = make_pdf_with(js, sizeof js,
		                  "/Names<</JavaScript<</Names[(x) <</S/JavaScript/JS(1)>>]>>>>");
		ok(cr_doc_check(js, n, &err) == CR_DOC_NONE && strstr(err.msg, "JavaScript"),
		   "document-level JavaScript is refused: %s", err.msg);
		n = make_pdf_with(js, sizeof js, "/OpenAction<</S/J#61vaScript/J#53(1)>>");
		ok(cr_doc_check(js, n, &err) == CR_DOC_NONE && strstr(err.msg, "JavaScript"),
		   "names spelled with #-escapes are read as the names they are: %s", err.msg);
		n = make_pdf_with(js, sizeof js, "");
		ok(cr_doc_check(js, n, &err) == CR_DOC_PDF, "the same PDF without it passes");
		n = make_pdf_launch(js, sizeof js);
		ok(cr_doc_check(js, n, &err) == CR_DOC_NONE && strstr(err.msg, "外部程序"),
		   "a link that launches a program is refused: %s", err.msg);
	}
	ok(cr_doc_check("%PDF-9.9\n", 9, &err) == CR_DOC_NONE, "an unknown PDF version");
	ok(cr_doc_check("MZ\x90\x00\x03\x00\x00\x00", 8, &err) == CR_DOC_NONE && strstr(err.msg, "JPG"),
	   "a Windows executable: %s", err.msg);
	ok(cr_doc_check("\x7f"
	                "ELF\x02\x01\x01",
	                7, &err) == CR_DOC_NONE,
	   "an ELF executable");
	ok(cr_doc_check("\x89PNG\r\n\x1a\n", 8, &err) == CR_DOC_NONE, "a PNG signature alone is not a PNG");
	ok(cr_doc_check("", 0, &err) == CR_DOC_NONE && strstr(err.msg, "空"), "an empty file");
	ok(strcmp(cr_doc_content_type(CR_DOC_JPEG), "image/jpeg") == 0 &&
	       strcmp(cr_doc_content_type(CR_DOC_PDF), "application/pdf") == 0,
	   "content types");

	if (mkdtemp(dir) == NULL)
		return 1;
	ok(cr_upload_store(dir, jpg, len, name, sha, &err) == 0 && strlen(name) == 35 && strlen(sha) == 64,
	   "store writes a randomly named file: %s", name);
	ok(cr_upload_read(dir, name, 1 << 20, &back, &plen, &err) == 0 && plen == len &&
	       memcmp(back, jpg, len) == 0,
	   "and reads it back byte for byte");
	free(back);
	ok(cr_upload_read(dir, name, 10, &back, &plen, &err) != 0, "a read bounded below the size fails");
	cr_upload_remove(dir, name);
	ok(cr_upload_read(dir, name, 1 << 20, &back, &plen, &err) != 0, "removed");
	free(jpg);
	return tap_done();
}
