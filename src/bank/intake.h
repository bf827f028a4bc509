/*
 * A bank statement received from outside, from its first byte to its
 * import: finance's upload streams in through here (the HTTP handler only
 * moves bytes), and the job that imports it later reads back the payload
 * written here.  The file is written under data_dir/statements as it
 * arrives and hashed on the way; once whole it is judged by its first bytes
 * (format.h: a workbook that cannot be opened is refused at once, not after
 * the import job failed), kept under its SHA-256 and format, recorded as
 * queued (cr_statement_queue) and its import queued as an import_statement
 * job, unless the same file was imported before.
 *
 * Ownership: struct cr_intake is the caller's; after cr_intake_begin every
 * path ends in cr_intake_finish or cr_intake_abort, which leave no
 * temporary file behind.
 */
#ifndef CR_INTAKE_H
#define CR_INTAKE_H

#include <openssl/evp.h>
#include <stddef.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "format.h"

#define CR_INTAKE_NAME_MAX 200 /* characters of a file name shown in the list */

struct cr_intake {
	const struct cr_config *cfg;
	char dir[4200], tmp[4300];
	int fd;
	EVP_MD_CTX *md;
	unsigned char head[CR_STMT_HEAD];
	size_t headlen;
	long long got;
};

/*
 * The name the list shows for a file the sender calls given (a path, or
 * ""): its last part when that is printable UTF-8 of 1..CR_INTAKE_NAME_MAX
 * characters, else upload-YYYYMMDD-HHMMSS.xml.
 */
void cr_intake_name(const char *given, char *out, size_t outlen);
/*
 * Starts receiving a file of len bytes: CR_ETOOBIG (with a Chinese reason)
 * when len is over bank.max_file, CR_EIO when it cannot be stored.
 */
int cr_intake_begin(struct cr_intake *in, const struct cr_config *cfg, long long len, struct cr_err *err);
/* The next n bytes; CR_EIO when they cannot be written (the intake is aborted then). */
int cr_intake_write(struct cr_intake *in, const void *buf, size_t n, struct cr_err *err);
/*
 * The file is whole: judged, kept, recorded as name from actor, and its
 * import queued.  *id: its statements row; *done: it was imported before
 * (nothing queued).  CR_EBADFILE (field "file", a Chinese reason) for a
 * workbook that cannot be opened.  The intake is over either way.
 */
int cr_intake_finish(struct cr_intake *in, struct cr_db *db, const char *name, const struct cr_actor *actor,
                     long long *id, int *done, struct cr_err *err);
/* Gives up: the temporary file is removed.  Harmless after finish. */
void cr_intake_abort(struct cr_intake *in);
/*
 * The import_statement job: imports the file its payload (written by
 * cr_intake_finish) names, calling on_batch(arg, progress, err) after each
 * committed batch.  A refused file is done with (its row says why): 0.
 * CR_ERETRY while another runner imports the same file.
 */
int cr_intake_run(struct cr_db *db, const struct cr_config *cfg, const char *payload,
                  int (*on_batch)(void *, int, struct cr_err *), void *arg, struct cr_err *err);
/* The name a statement is kept under once judged: "<sha256>.<ext of fmt>" (at most 72 bytes with NUL). */
void cr_intake_keep_name(const char *sha, enum cr_stmt_format fmt, char out[72]);

#endif
