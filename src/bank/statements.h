/*
 * Importing a bank statement (SPEC 7): the one import behind the command
 * line, the upload job and the inbox.
 *
 * A file is read twice: once to validate it whole (a refused file books
 * nothing), once to book.  Each credit of the agency's account in CNY is
 * keyed (account + AcctSvcrRef, else the SHA-256 of its content plus an
 * occurrence number) and booked once: the key is unique in MariaDB, so a
 * re-import, an overlapping statement or two imports at once book nothing
 * twice.  Credits are booked bank.batch to a transaction, with their
 * matching (match.c), the payments they make (payments.c) and their audit
 * rows; a crash between batches, re-run, ends as one clean import would.
 * A file whose SHA-256 was imported already is skipped.
 */
#ifndef CR_STATEMENTS_H
#define CR_STATEMENTS_H

#include <jansson.h>

#include "audit.h"
#include "config.h"
#include "db.h"

/* The counts of SPEC 7: every transaction read falls in exactly one of matched .. ignored. */
struct cr_import {
	char file_sha256[65];
	char kind[16];
	int skipped; /* the file was imported before (or is being imported right now: busy) */
	int busy;
	long long statement_id;
	long long entries, credits;
	long long matched, partial, overpaid, needs_review, unmatched, duplicate, ignored;
};

struct cr_import_opts {
	const char *name;   /* how the list calls it (the uploaded or received file's name) */
	const char *source; /* "cli", "upload" or "inbox" */
	int dry_run;        /* read, match and count without writing anything */
	const struct cr_actor *actor;
	/*
	 * Called after each committed batch with the progress (0-100), e.g. to
	 * renew a job's lease; a non-zero result stops the import there (what is
	 * committed stays; a later run goes on from it) and is returned.
	 */
	int (*on_batch)(void *arg, int progress, struct cr_err *err);
	void *arg;
};

/*
 * Imports the statement at path.  A refused file is CR_EINVAL with the line
 * in err (user: Chinese, msg: English) and is recorded as failed.
 */
int cr_statement_import(struct cr_db *db, const struct cr_config *cfg, const char *path,
                        const struct cr_import_opts *opts, struct cr_import *out, struct cr_err *err);
/* Records a statement received for a later import (an upload): status queued; *id its row. */
int cr_statement_queue(struct cr_db *db, const char *sha256, const char *name, const char *source,
                       const struct cr_actor *actor, long long *id, int *done, struct cr_err *err);
/* The imports, newest first (at most 200): {"items":[...]}. */
int cr_statements_list(struct cr_db *db, json_t **out, struct cr_err *err);
/* One import (SPEC 10 fields). */
int cr_statement_get(struct cr_db *db, long long id, json_t **out, struct cr_err *err);
/* The counts as JSON (SPEC 7's names): a new reference. */
json_t *cr_import_json(const struct cr_import *im);

/* For /metrics: {"imports": {status: n}, "open_credits": {status: n}}. */
int cr_statements_metrics(struct cr_db *db, json_t **out, struct cr_err *err);

#endif
