#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bank.h"
#include "booking.h"
#include "bytes.h"
#include "file.h"
#include "format.h"
#include "jobs.h"
#include "log.h"
#include "utf8.h"
#include "xls.h"

struct cr_intake {
	const struct cr_config *cfg;
	char dir[4200], tmp[4300];
	int fd;
	EVP_MD_CTX *md;
	unsigned char head[CR_STMT_HEAD];
	size_t headlen;
	long long got;
};

void
cr_intake_name(const char *given, char *out, size_t outlen)
{
	const char *base = strrchr(given, '/') ? strrchr(given, '/') + 1 : given;
	long n = cr_utf8_chars(base, strlen(base));
	time_t now = time(NULL);
	struct tm tm;

	if (n > 0 && n <= CR_INTAKE_NAME_MAX && cr_utf8_printable(base)) {
		snprintf(out, outlen, "%s", base);
		return;
	}
	gmtime_r(&now, &tm);
	strftime(out, outlen, "upload-%Y%m%d-%H%M%S.xml", &tm);
}

int
cr_intake_begin(struct cr_intake **out, const struct cr_config *cfg, long long len, struct cr_err *err)
{
	struct cr_intake *in;

	*out = NULL;
	if (len > cfg->bank_max_file)
		return cr_err_user(err, CR_ETOOBIG, NULL, "文件过大（最多 %lld 字节）",
		                   (long long)cfg->bank_max_file);
	if ((in = calloc(1, sizeof *in)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "statements: out of memory");
	in->fd = -1;
	in->cfg = cfg;
	snprintf(in->dir, sizeof in->dir, "%s/statements", cfg->paths_data_dir);
	mkdir(in->dir, 0750);
	snprintf(in->tmp, sizeof in->tmp, "%s/.upload-XXXXXX", in->dir);
	if ((in->fd = mkstemp(in->tmp)) < 0 || (in->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(in->md, EVP_sha256(), NULL) != 1) {
		int e = errno, rc = cr_err_set(err, cr_errno_code(e),
		                               "statements: cannot store an uploaded statement in %s: %s",
		                               in->dir, strerror(e));

		cr_intake_abort(in);
		return rc;
	}
	*out = in;
	return 0;
}

int
cr_intake_write(struct cr_intake *in, const void *buf, size_t n, struct cr_err *err)
{
	if (in->headlen < sizeof in->head) {
		size_t take = n < sizeof in->head - in->headlen ? n : sizeof in->head - in->headlen;

		memcpy(in->head + in->headlen, buf, take);
		in->headlen += take;
	}
	if (cr_file_write_all(in->fd, buf, n) != 0) {
		int e = errno,
		    rc = cr_err_set(err, cr_errno_code(e),
		                    "statements: writing an uploaded statement failed: %s", strerror(e));

		cr_intake_abort(in);
		return rc;
	}
	EVP_DigestUpdate(in->md, buf, n);
	in->got += (long long)n;
	return 0;
}

void
cr_intake_abort(struct cr_intake *in)
{
	if (in == NULL)
		return;
	if (in->fd >= 0) {
		close(in->fd);
		unlink(in->tmp);
	}
	EVP_MD_CTX_free(in->md);
	free(in);
}

/* Keeps the whole file under its SHA-256 and format; path receives where. */
static int
keep(struct cr_intake *in, const char *given, char sha[65], char path[4300], struct cr_err *err)
{
	enum cr_stmt_format fmt = cr_stmt_format(in->head, in->headlen);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char name[72];

	if (in->got == 0)
		return cr_err_user(err, CR_EBADFILE, "file", "文件是空的");
	if (fmt == CR_STMT_XLS) {
		struct cr_xls *x;
		struct cr_err why;

		if (cr_xls_open(in->tmp, &x, &why) != 0)
			return cr_err_user(err, CR_EBADFILE, "file", "%s", why.user[0] ? why.user : why.msg);
		cr_xls_close(x);
	}
	EVP_DigestFinal_ex(in->md, md, &mdlen);
	cr_hex(sha, md, mdlen);
	cr_stmt_keep_name(sha, fmt, given, name);
	snprintf(path, 4300, "%s/%s", in->dir, name);
	if (fsync(in->fd) != 0 || rename(in->tmp, path) != 0)
		return cr_err_set(err, cr_errno_code(errno),
		                  "statements: cannot keep an uploaded statement as %s: %s", path,
		                  strerror(errno));
	close(in->fd);
	in->fd = -1; /* kept: nothing for cr_intake_abort to remove */
	return 0;
}

int
cr_intake_finish(struct cr_intake *in, struct cr_db *db, const char *name, const struct cr_actor *actor,
                 long long *id, int *done, struct cr_err *err)
{
	char sha[65], path[4300], key[120];
	json_t *payload;
	char *text;
	int rc;

	rc = keep(in, name, sha, path, err);
	cr_intake_abort(in);
	if (rc != 0)
		return rc;
	if ((rc = cr_statement_queue(db, sha, name, "upload", actor, id, done, err)) != 0 || *done)
		return rc;
	payload = json_pack("{s:s, s:s, s:I}", "path", path, "name", name, "by", (json_int_t)actor->id);
	text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	json_decref(payload);
	/* One job per upload of the file (a failed one may be uploaded again). */
	snprintf(key, sizeof key, "import_statement:%lld:%lld", *id, (long long)time(NULL));
	rc = text ? cr_job_enqueue(db, "import_statement", text, key, 0, NULL, err)
	          : cr_err_set(err, CR_ENOMEM, "out of memory");
	free(text);
	return rc;
}

int
cr_intake_run(struct cr_db *db, const struct cr_config *cfg, const char *payload,
              int (*on_batch)(void *, int, struct cr_err *), void *arg, struct cr_err *err)
{
	json_t *p = json_loads(payload, 0, NULL);
	const char *path = json_string_value(json_object_get(p, "path"));
	const char *name = json_string_value(json_object_get(p, "name"));
	struct cr_actor uploader = {json_integer_value(json_object_get(p, "by")), "upload", ""};
	struct cr_import_opts opts = {name ? name : "", "upload", 0, &uploader, on_batch, arg};
	struct cr_import im;
	int rc;

	if (path == NULL) {
		json_decref(p);
		return cr_err_set(err, CR_EINVAL, "import_statement: no path in the payload");
	}
	rc = cr_statement_import(db, cfg, path, &opts, &im, err);
	if (rc == 0 && im.busy)
		rc = cr_err_set(err, CR_ERETRY, "import_statement: %s is being imported by another runner",
		                opts.name);
	else if (rc == 0)
		cr_info("statements: %s: %lld entries, %lld matched, %lld for review, %lld unmatched",
		        opts.name, im.entries, im.matched, im.needs_review, im.unmatched);
	/* A refused file is done with: its row says why; retrying cannot change that. */
	if (rc == CR_EINVAL || rc == CR_ETOOBIG) {
		cr_warn("statements: %s refused: %s", opts.name, err->msg);
		rc = 0;
	}
	json_decref(p);
	return rc;
}
