#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "file.h"
#include "log.h"
#include "upload.h"

static int
jpeg_ok(const unsigned char *p, size_t len, struct cr_err *err)
{
	size_t i = 2;
	int frame = 0;

	while (i + 4 <= len) {
		unsigned marker, seglen;

		if (p[i] != 0xFF)
			return cr_err_user(err, CR_EBADFILE, NULL, "JPEG 文件结构损坏（第 %zu 字节）", i);
		while (i < len && p[i] == 0xFF) /* fill bytes */
			i++;
		if (i >= len)
			break;
		marker = p[i++];
		if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
			continue; /* no length */
		if (marker == 0xD9)
			return cr_err_user(err, CR_EBADFILE, NULL, "JPEG 文件在图像数据之前结束");
		if (i + 2 > len)
			break;
		seglen = (unsigned)p[i] << 8 | p[i + 1];
		if (seglen < 2 || i + seglen > len)
			return cr_err_user(err, CR_EBADFILE, NULL, "JPEG 文件不完整或已损坏");
		if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
			unsigned prec, h, w, nc;

			if (seglen < 8)
				return cr_err_user(err, CR_EBADFILE, NULL, "JPEG 帧头损坏");
			prec = p[i + 2];
			h = (unsigned)p[i + 3] << 8 | p[i + 4];
			w = (unsigned)p[i + 5] << 8 | p[i + 6];
			nc = p[i + 7];
			if ((prec != 8 && prec != 12 && prec != 16) || h == 0 || w == 0 || nc < 1 || nc > 4 ||
			    seglen != 8 + 3 * nc)
				return cr_err_user(err, CR_EBADFILE, NULL,
				                   "JPEG 帧头损坏（尺寸或颜色分量无效）");
			frame = 1;
		}
		if (marker == 0xDA) { /* start of scan: entropy-coded data follows */
			if (!frame)
				return cr_err_user(err, CR_EBADFILE, NULL, "JPEG 文件缺少帧头");
			if (memmem(p + i + seglen, len - i - seglen, "\xFF\xD9", 2) == NULL)
				return cr_err_user(err, CR_EBADFILE, NULL, "JPEG 文件不完整（缺少结束标记）");
			return 0;
		}
		i += seglen;
	}
	return cr_err_user(err, CR_EBADFILE, NULL, "JPEG 文件不完整或已损坏");
}

/* Last occurrence of needle in hay[0..len). */
static const unsigned char *
memrmem(const unsigned char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	if (len < n)
		return NULL;
	for (size_t i = len - n + 1; i-- > 0;)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

static int
pdf_ok(const unsigned char *p, size_t len, struct cr_err *err)
{
	size_t tail = len > 1024 ? len - 1024 : 0;
	const unsigned char *sx, *q;
	unsigned long long off;
	int digits;

	if (memrmem(p + tail, len - tail, "%%EOF") == NULL)
		return cr_err_user(err, CR_EBADFILE, NULL, "PDF 文件不完整（缺少 %%%%EOF 结束标记）");
	sx = memrmem(p + tail, len - tail, "startxref");
	if (sx == NULL)
		return cr_err_user(err, CR_EBADFILE, NULL, "PDF 文件不完整（缺少交叉引用表）");
	q = sx + 9;
	while (q < p + len && (*q == ' ' || *q == '\r' || *q == '\n'))
		q++;
	/* The data need not end in a NUL: read the digits within bounds. */
	off = 0;
	digits = 0;
	while (q < p + len && *q >= '0' && *q <= '9' && digits < 19) {
		off = off * 10 + (unsigned long long)(*q++ - '0');
		digits++;
	}
	if (digits == 0 || off >= len)
		return cr_err_user(err, CR_EBADFILE, NULL, "PDF 文件损坏（交叉引用位置无效）");
	/* At the offset: a table ("xref") or a stream object ("N G obj"). */
	q = p + off;
	while (q < p + len && (*q == ' ' || *q == '\r' || *q == '\n'))
		q++;
	if ((size_t)(p + len - q) >= 4 && memcmp(q, "xref", 4) == 0)
		return 0;
	if (q < p + len && *q >= '0' && *q <= '9') {
		size_t room = (size_t)(p + len - q) < 64 ? (size_t)(p + len - q) : 64;

		if (memmem(q, room, "obj", 3) != NULL)
			return 0;
	}
	/* Offsets are often a few bytes off in real files; readers repair that. */
	if (memmem(p, len, "\nxref", 5) || memmem(p, len, "\rxref", 5) || memmem(p, len, "/XRef", 5))
		return 0;
	return cr_err_user(err, CR_EBADFILE, NULL, "PDF 文件损坏（找不到交叉引用表）");
}

enum cr_doc_type
cr_upload_sniff(const void *data, size_t len, struct cr_err *err)
{
	const unsigned char *p = data;
	size_t head = len < 1024 ? len : 1024;
	const unsigned char *pdf;

	if (len == 0) {
		cr_err_user(err, CR_EBADFILE, NULL, "文件为空");
		return CR_DOC_NONE;
	}
	if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return jpeg_ok(p, len, err) == 0 ? CR_DOC_JPEG : CR_DOC_NONE;
	pdf = memmem(p, head, "%PDF-", 5);
	if (pdf && pdf + 8 <= p + len &&
	    ((pdf[5] == '1' && pdf[6] == '.' && pdf[7] >= '0' && pdf[7] <= '7') ||
	     (pdf[5] == '2' && pdf[6] == '.' && pdf[7] == '0')))
		return pdf_ok(p, len, err) == 0 ? CR_DOC_PDF : CR_DOC_NONE;
	cr_err_user(err, CR_EBADFILE, NULL, "只接受 JPG 图片或 PDF 文件（按文件内容判断，不看文件名）");
	return CR_DOC_NONE;
}

const char *
cr_doc_content_type(enum cr_doc_type t)
{
	return t == CR_DOC_JPEG  ? "image/jpeg"
	       : t == CR_DOC_PDF ? "application/pdf"
	                         : "application/octet-stream";
}
int
cr_upload_store(const char *dir, const void *data, size_t len, char name[40], char sha[65],
                struct cr_err *err)
{
	char sub[4096], path[4200], tmp[4300];
	unsigned char rnd[16];
	char hex[33];
	size_t done = 0;
	int fd;

	if (cr_random(rnd, sizeof rnd) != 0)
		return cr_err_set(err, CR_EIO, "upload: no random bytes");
	cr_hex(hex, rnd, sizeof rnd);
	snprintf(name, 40, "%.2s/%s", hex, hex);
	snprintf(sub, sizeof sub, "%s/%.2s", dir, hex);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cr_err_set(err, CR_EIO, "upload: %s: %s", dir, strerror(errno));
	if (mkdir(sub, 0700) != 0 && errno != EEXIST)
		return cr_err_set(err, CR_EIO, "upload: %s: %s", sub, strerror(errno));
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return cr_err_set(err, CR_EIO, "upload: %s: %s", tmp, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, (const char *)data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			unlink(tmp);
			return cr_err_set(err, CR_EIO, "upload: write %s: %s", tmp, strerror(errno));
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return cr_err_set(err, CR_EIO, "upload: %s: %s", path, strerror(errno));
	}
	cr_sha256_hex(sha, data, len);
	return 0;
}

void
cr_upload_remove(const char *dir, const char *name)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (unlink(path) != 0 && errno != ENOENT)
		cr_warn("upload: remove %s: %s", path, strerror(errno));
}

int
cr_upload_read(const char *dir, const char *name, size_t max, char **data, size_t *len, struct cr_err *err)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return cr_file_read(path, max, data, len, err);
}

int
cr_upload_sweep(const char *dir, long min_age, int (*keep)(const char *name, void *arg), void *arg,
                struct cr_err *err)
{
	time_t now = time(NULL);
	struct dirent *de, *fe;
	int removed = 0;
	DIR *d, *sub;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : cr_err_set(err, CR_EIO, "upload: %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char subdir[4200];

		/* Only our own two-hex-digit folders. */
		if (strlen(de->d_name) != 2 || strspn(de->d_name, "0123456789abcdef") != 2)
			continue;
		snprintf(subdir, sizeof subdir, "%s/%s", dir, de->d_name);
		if ((sub = opendir(subdir)) == NULL)
			continue;
		while ((fe = readdir(sub)) != NULL) {
			char name[80], path[4300];
			struct stat st;

			size_t len = strlen(fe->d_name);
			int tmp;

			/* Ours are 32 hex digits, and .tmp while being written; anything else is left alone.
			 */
			if (strspn(fe->d_name, "0123456789abcdef") != 32 ||
			    !(len == 32 || (len == 36 && strcmp(fe->d_name + 32, ".tmp") == 0)))
				continue;
			tmp = len == 36;
			snprintf(name, sizeof name, "%.2s/%.36s", de->d_name, fe->d_name);
			snprintf(path, sizeof path, "%s/%s", dir, name);
			if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || now - st.st_mtime < min_age)
				continue;
			/* An old .tmp is a write that never finished: no row can name it. */
			if (!tmp && keep(name, arg))
				continue;
			if (unlink(path) == 0) {
				cr_info("upload: removed orphan %s", name);
				removed++;
			}
		}
		closedir(sub);
	}
	closedir(d);
	return removed;
}
