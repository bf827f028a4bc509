#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bank.h"
#include "bytes.h"
#include "format.h"
#include "log.h"

int
cr_inbox_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || name[0] == '.')
		return 0;
	if ((n > 4 && strcmp(name + n - 4, ".tmp") == 0) || (n > 5 && strcmp(name + n - 5, ".part") == 0))
		return 0;
	return 1;
}

/* Moves path to dir/name; a name taken already gets a suffix so nothing is overwritten. */
static int
move(const char *path, const char *dir, const char *name, char *to, size_t tolen, struct cr_err *err)
{
	for (int i = 0; i < 100; i++) {
		struct stat st;

		if (i == 0)
			snprintf(to, tolen, "%s/%s", dir, name);
		else
			snprintf(to, tolen, "%s/%s.%d", dir, name, i);
		if (stat(to, &st) == 0)
			continue;
		if (rename(path, to) == 0)
			return 0;
		return cr_err_set(err, CR_EIO, "inbox: move %s to %s: %s", path, to, strerror(errno));
	}
	return cr_err_set(err, CR_EIO, "inbox: %s: too many files named %s", dir, name);
}

/* The .err report beside a refused file: what was wrong, where, in both languages. */
static void
report(const char *to, const char *name, const struct cr_err *why)
{
	char path[4400];
	FILE *f;

	snprintf(path, sizeof path, "%s.err", to);
	if ((f = fopen(path, "w")) == NULL) {
		cr_warn("inbox: %s: %s", path, strerror(errno));
		return;
	}
	fprintf(f, "%s\n%s\n%s\n", name, why->user[0] ? why->user : why->msg, why->msg);
	fclose(f);
}

/* Imports one file and moves it; 0 unless the database failed (the file then stays for the next run). */
static int
take(struct cr_db *db, const struct cr_config *cfg, const char *path, const char *name,
     struct cr_import_opts *opts, int *busy, struct cr_err *err)
{
	struct cr_actor inbox = {0, "inbox", ""};
	struct cr_import im;
	struct cr_err why;
	char to[4300], archived[72];
	enum cr_stmt_format fmt;
	int rc;

	opts->name = name;
	opts->source = "inbox";
	opts->actor = &inbox;
	rc = cr_statement_import(db, cfg, path, opts, &im, &why);
	if (rc == CR_EINVAL || rc == CR_ETOOBIG) {
		cr_warn("inbox: %s refused: %s", name, why.msg);
		if (move(path, cfg->bank_failed_dir, name, to, sizeof to, err) == 0)
			report(to, name, &why);
		return 0;
	}
	if (rc != 0) {
		*err = why;
		return rc;
	}
	if (im.busy) {
		(*busy)++; /* another runner is importing it; it moves it, else the next run resumes it */
		return 0;
	}
	cr_info("inbox: %s: %s%lld entries, %lld matched, %lld partial, %lld overpaid, %lld for review, %lld "
	        "unmatched,"
	        " %lld duplicate, %lld ignored",
	        name, im.skipped ? "imported before; " : "", im.entries, im.matched, im.partial, im.overpaid,
	        im.needs_review, im.unmatched, im.duplicate, im.ignored);
	if (cr_stmt_format_file(path, &fmt, err) != 0)
		return 0; /* gone meanwhile: nothing to move */
	cr_stmt_keep_name(im.file_sha256, fmt, name, archived);
	if (move(path, cfg->bank_archive_dir, archived, to, sizeof to, err) != 0)
		cr_warn("%s", err->msg);
	return 0;
}

/*
 * A file changed within the last seconds may still be being written (a
 * copy into the inbox rather than a rename): it is looked at again a
 * quarter of a second later, and taken only when it has not grown.
 */
static int
still_growing(const char *path, const struct stat *before)
{
	struct timespec pause = {0, 250 * 1000 * 1000};
	struct stat after;

	nanosleep(&pause, NULL);
	if (stat(path, &after) != 0)
		return 1;
	return after.st_size != before->st_size || after.st_mtim.tv_sec != before->st_mtim.tv_sec ||
	       after.st_mtim.tv_nsec != before->st_mtim.tv_nsec;
}

/*
 * Whether someone may still be writing the file.  Linux grants a read
 * lease only on a file nobody has open for writing: granted, the file is
 * complete (renamed in, or its writer closed it) and is taken at once,
 * however recent; refused with EAGAIN, a writer holds it open, however long
 * it has been quiet.  The lease is given back at once (a writer opening the
 * file meanwhile sends SIGIO, which certrenewd ignores).  Where leases are
 * not to be had (a file of another owner without CAP_LEASE, a network file
 * system) a recent file is looked at twice instead.
 */
static int
being_written(const char *path, const struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), e;

	if (fd < 0 && errno == ENOENT)
		return 1; /* gone meanwhile: looked at again with the rest */
	if (fd < 0)       /* unreadable here: the import says why; only a recent file is waited for */
		return time(NULL) - st->st_mtime < CR_INBOX_SETTLE && still_growing(path, st);
	if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
		fcntl(fd, F_SETLEASE, F_UNLCK);
		close(fd);
		return 0;
	}
	e = errno;
	close(fd);
	if (e == EAGAIN)
		return 1;
	return time(NULL) - st->st_mtime < CR_INBOX_SETTLE && still_growing(path, st);
}

int
cr_inbox_import(struct cr_db *db, const struct cr_config *cfg, int (*on_batch)(void *, int, struct cr_err *),
                void *arg, int *files, int *fresh, int *busy, struct cr_err *err)
{
	struct cr_import_opts opts = {NULL, "inbox", 0, NULL, on_batch, arg};
	struct dirent *d;
	DIR *dp;
	int rc = 0;

	*files = *fresh = *busy = 0;
	/* Made when missing, so that a new installation works; an error shows when a file is moved. */
	mkdir(cfg->bank_archive_dir, 0750);
	mkdir(cfg->bank_failed_dir, 0750);
	if ((dp = opendir(cfg->bank_inbox)) == NULL)
		return cr_err_set(err, CR_EIO, "inbox: %s: %s", cfg->bank_inbox, strerror(errno));
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		char path[4200];
		struct stat st;

		if (!cr_inbox_name_ok(d->d_name))
			continue;
		snprintf(path, sizeof path, "%s/%s", cfg->bank_inbox, d->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (being_written(path, &st)) {
			(*fresh)++;
			continue;
		}
		(*files)++;
		rc = take(db, cfg, path, d->d_name, &opts, busy, err);
	}
	closedir(dp);
	return rc;
}

int
cr_inbox_fingerprint(const struct cr_config *cfg, char hex[65])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	struct dirent *d;
	int n = 0;
	DIR *dp;

	hex[0] = '\0';
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    (dp = opendir(cfg->bank_inbox)) == NULL) {
		EVP_MD_CTX_free(ctx);
		return 0;
	}
	while ((d = readdir(dp)) != NULL) {
		char path[4200], line[4300];
		struct stat st;
		int len;

		if (!cr_inbox_name_ok(d->d_name))
			continue;
		snprintf(path, sizeof path, "%s/%s", cfg->bank_inbox, d->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		len = snprintf(line, sizeof line, "%s|%lld|%lld.%09ld\n", d->d_name, (long long)st.st_size,
		               (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		EVP_DigestUpdate(ctx, line, len > 0 && (size_t)len < sizeof line ? (size_t)len : 0);
		n++;
	}
	closedir(dp);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	cr_hex(hex, md, mdlen);
	return n;
}
