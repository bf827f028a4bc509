#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bytes.h"
#include "file.h"

int
cr_file_read(const char *path, size_t max, char **data, size_t *len, struct cr_err *err)
{
	struct stat st;
	size_t got = 0;
	int fd, rc;

	*data = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cr_err_set(err, CR_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = cr_err_set(err, CR_EIO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		rc = cr_err_set(err, CR_ETOOBIG, "%s: larger than %zu bytes", path, max);
		goto fail;
	}
	if ((*data = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = cr_err_set(err, CR_ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, *data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)st.st_size) {
		rc = cr_err_set(err, CR_EIO, "%s: short read", path);
		goto fail;
	}
	close(fd);
	(*data)[got] = '\0';
	*len = got;
	return 0;
fail:
	close(fd);
	free(*data);
	*data = NULL;
	return rc;
}

int
cr_file_sha256(const char *path, long long max, char hex[65], struct cr_err *err)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx;
	long long total = 0;
	unsigned mdlen = 0;
	ssize_t n;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cr_err_set(err, CR_EIO, "%s: %s", path, strerror(errno));
	if ((ctx = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		rc = cr_err_set(err, CR_ENOMEM, "%s: no digest", path);
		goto out;
	}
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = cr_err_set(err, CR_EIO, "%s: %s", path, strerror(errno));
			goto out;
		}
		if ((total += n) > max) {
			rc = cr_err_set(err, CR_ETOOBIG, "%s: larger than %lld bytes", path, max);
			goto out;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	cr_hex(hex, md, mdlen);
out:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

int
cr_file_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
