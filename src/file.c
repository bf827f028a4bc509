#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
