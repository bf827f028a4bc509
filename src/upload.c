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

enum cr_doc_type
cr_upload_type(const void *data, size_t len, struct cr_err *err)
{
	const unsigned char *p = data;
	size_t head = len < 1024 ? len : 1024, tail = len > 1024 ? len - 1024 : 0;
	const unsigned char *pdf;

	if (len == 0) {
		cr_err_user(err, CR_EBADFILE, NULL, "文件为空");
		return CR_DOC_NONE;
	}
	if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return CR_DOC_JPEG;
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return CR_DOC_PNG;
	pdf = memmem(p, head, "%PDF-", 5);
	if (pdf && pdf + 8 <= p + len &&
	    ((pdf[5] == '1' && pdf[6] == '.' && pdf[7] >= '0' && pdf[7] <= '7') ||
	     (pdf[5] == '2' && pdf[6] == '.' && pdf[7] == '0'))) {
		/* A parser would mend a cut-off file: an upload that lost its end is refused instead. */
		if (memrmem(p + tail, len - tail, "%%EOF") == NULL) {
			cr_err_user(err, CR_EBADFILE, NULL, "PDF 文件不完整（缺少 %%%%EOF 结束标记）");
			return CR_DOC_NONE;
		}
		return CR_DOC_PDF;
	}
	cr_err_user(err, CR_EBADFILE, NULL, "只接受 JPG、PNG 图片或 PDF 文件（按文件内容判断，不看文件名）");
	return CR_DOC_NONE;
}

const char *
cr_doc_content_type(enum cr_doc_type t)
{
	return t == CR_DOC_JPEG  ? "image/jpeg"
	       : t == CR_DOC_PNG ? "image/png"
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
		return cr_err_set(err, cr_errno_code(errno), "upload: %s: %s", tmp, strerror(errno));
	if (cr_file_write_all(fd, data, len) != 0) {
		int e = errno;

		close(fd);
		unlink(tmp);
		return cr_err_set(err, cr_errno_code(e), "upload: write %s: %s", tmp, strerror(e));
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		return cr_err_set(err, cr_errno_code(e), "upload: %s: %s", path, strerror(e));
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

void
cr_upload_retire(const char *dir, const char *name)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (utimensat(AT_FDCWD, path, NULL, 0) != 0 && errno != ENOENT)
		cr_warn("upload: retire %s: %s", path, strerror(errno));
}

int
cr_upload_read(const char *dir, const char *name, size_t max, char **data, size_t *len, struct cr_err *err)
{
	char path[4200];
	int rc;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	rc = cr_file_read(path, max, data, len, err);
	if (rc != 0 && access(path, F_OK) != 0 && errno == ENOENT)
		return cr_err_set(err, CR_ENOTFOUND, "upload: %s: no such file", name);
	return rc;
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

			/*
			 * Ours are 32 hex digits, and .tmp while being written; anything else is left alone.
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
