/*
 * The bank wing's public interface: importing bank statements (statements.c)
 * whether uploaded (intake.c) or dropped into the inbox (inbox.c), and the
 * credits finance resolves (credits.c).  The readers of each format, the
 * matching rules and the booking are the wing's own.
 */
#ifndef CR_BANK_H
#define CR_BANK_H

#include <jansson.h>
#include <stddef.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "search.h"

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
/* The imports, newest first, a page of limit older than after (0: from the newest): {"items", "next"}. */
int cr_statements_list(struct cr_db *db, long long after, long long limit, json_t **out, struct cr_err *err);
/* One import (SPEC 10 fields). */
int cr_statement_get(struct cr_db *db, long long id, json_t **out, struct cr_err *err);
/* The counts as JSON (SPEC 7's names): a new reference. */
json_t *cr_import_json(const struct cr_import *im);

/* For /metrics: {"imports": {status: n}, "open_credits": {status: n}}. */
int cr_statements_metrics(struct cr_db *db, json_t **out, struct cr_err *err);

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
 * Ownership: cr_intake_begin makes the intake; every path after it ends in
 * cr_intake_finish or cr_intake_abort, which free it and leave no
 * temporary file behind.
 */
#define CR_INTAKE_NAME_MAX 200 /* characters of a file name shown in the list */

struct cr_intake;

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
int cr_intake_begin(struct cr_intake **in, const struct cr_config *cfg, long long len, struct cr_err *err);
/* The next n bytes; CR_EIO when they cannot be written (the intake is over then). */
int cr_intake_write(struct cr_intake *in, const void *buf, size_t n, struct cr_err *err);
/*
 * The file is whole: judged, kept, recorded as name from actor, and its
 * import queued.  *id: its statements row; *done: it was imported before
 * (nothing queued).  CR_EBADFILE (field "file", a Chinese reason) for a
 * workbook that cannot be opened.  The intake is over either way.
 */
int cr_intake_finish(struct cr_intake *in, struct cr_db *db, const char *name, const struct cr_actor *actor,
                     long long *id, int *done, struct cr_err *err);
/* Gives up: the temporary file is removed and the intake freed. */
void cr_intake_abort(struct cr_intake *in);
/*
 * The import_statement job: imports the file its payload (written by
 * cr_intake_finish) names, calling on_batch(arg, progress, err) after each
 * committed batch.  A refused file is done with (its row says why): 0.
 * CR_ERETRY while another runner imports the same file.
 */
int cr_intake_run(struct cr_db *db, const struct cr_config *cfg, const char *payload,
                  int (*on_batch)(void *, int, struct cr_err *), void *arg, struct cr_err *err);

/*
 * The bank inbox (SPEC 3, 7): files a bank (or finance) drops into
 * bank.inbox are imported and then moved: done ones to bank.archive_dir,
 * named with their SHA-256 and format (format.h), refused ones to bank.failed_dir with a .err
 * report that names the line.  A file is taken once it is complete: names
 * starting with '.' or ending in .tmp or .part are left alone (write, then
 * rename), and so is a file still being written in place (open for
 * writing, as a read lease tells; where none can be had, a file changed
 * within the last CR_INBOX_SETTLE seconds is looked at twice); *fresh
 * counts those, for a look again soon.
 */
#define CR_INBOX_SETTLE 2
#define CR_INBOX_BUSY_RETRY 30 /* seconds before a file another runner held is looked at again */

/*
 * Imports every complete file of the inbox; *files: how many were taken,
 * *fresh: how many wait, *busy: how many another runner was importing (the
 * caller looks again later: should that runner die, the import resumes).
 */
int cr_inbox_import(struct cr_db *db, const struct cr_config *cfg,
                    int (*on_batch)(void *, int, struct cr_err *), void *arg, int *files, int *fresh,
                    int *busy, struct cr_err *err);
/*
 * How many files the inbox holds for an import, and a fingerprint of them
 * (names, sizes, times): what lands makes a new one, so that each arrival
 * queues one import while several daemons watching the inbox queue it once.
 */
int cr_inbox_fingerprint(const struct cr_config *cfg, char hex[65]);
/* 1 when name is one the inbox takes (not hidden, not .tmp or .part). */
int cr_inbox_name_ok(const char *name);

/*
 * The credits finance resolves (SPEC 7, 10): those left for review,
 * unmatched, overpaid (a refund owed) or second payments.  Finance assigns
 * one to an order (the rules of SPEC 7 then apply to that order alone, and
 * the money goes through payments.c) or dismisses it with a reason; both
 * audited.  JSON results are new references.
 */
/*
 * status: NULL/"" or "open" (needs_review, unmatched, overpaid), or one
 * stored status; statement_id: those of one import, or 0 for all.  Newest
 * first, limit a page, those older than the credit after (0: from the
 * newest): {"items": [...], "next": the cursor of the next page or null}.
 */
int cr_credits_list(struct cr_db *db, const char *status, long long statement_id, long long after,
                    long long limit, json_t **out, struct cr_err *err);
/*
 * The credits the search s names (an amount, an order number they paid or
 * are suggested for, the start of the bank's reference or of the payer's
 * name), of the tab status ("" all, else as cr_credits_list), booked from
 * the day from to before the day to ("" none; cr_search_days): newest first,
 * {"items", "next"}.
 */
int cr_credits_search(struct cr_db *db, const struct cr_search *s, const char *status, const char *from,
                      const char *to, long long after, long long limit, json_t **out, struct cr_err *err);
/* Assigns credit id to order_no; CR_ECONFLICT with the reason when that order cannot take it. */
int cr_credit_assign(struct cr_db *db, const struct cr_actor *actor, long long id, const char *order_no,
                     json_t **out, struct cr_err *err);
/* Dismisses credit id (1..500 characters of reason); for an overpaid one: its surplus was refunded. */
int cr_credit_dismiss(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason,
                      json_t **out, struct cr_err *err);

/*
 * Records the transfer finance made by hand to give back what no order took
 * of credit id: the surplus of an overpaid credit, or the whole of one left
 * for review or unmatched.  reference: the bank's reference of that
 * transfer (1..64 characters); made_on: its day ("YYYY-MM-DD", NULL or "":
 * today in Asia/Shanghai, never later); reason: optional.  The credit is
 * then refunded, audited, and the customer of the order it was meant for
 * told.  CR_ECONFLICT when nothing of it is owed back.
 */
int cr_credit_refund(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reference,
                     const char *made_on, const char *reason, json_t **out, struct cr_err *err);
/*
 * Undoes a manual assignment while its orders are not issuing yet: the
 * money is taken back from them and the credit waits for review again.
 */
int cr_credit_unassign(struct cr_db *db, const struct cr_actor *actor, long long id, json_t **out,
                       struct cr_err *err);
/*
 * The daily reconciliation (Asia/Shanghai days, from/to "YYYY-MM-DD" or
 * NULL), every kind of money of the day: bank credits received and how
 * they partition (matched_fen: what paid orders, counted from the payments
 * made, so a dismissed overpayment keeps the part that paid its order;
 * open_fen; refund_fen: surplus still owed back; dismissed_fen: the rest of
 * dismissed credits; bank_refunded_fen: what was given back of them by
 * hand), online payments by provider (alipay_fen, wechat_fen) and what no
 * order took (online_surplus_fen), refunds made that day (refunded_fen);
 * and closed against the bank's statements: stated_fen, what the fullest
 * statement of the day says arrived on the account, unreconciled_fen,
 * stated_fen - received_fen (0: the day closes), closing_fen, the day's
 * closing balance (each null without a statement of the day).
 * {"items":[...]}, newest day first.
 */
int cr_credits_daily(struct cr_db *db, const char *from, const char *to, json_t **out, struct cr_err *err);
/* The same as CSV for Excel; *csv is the caller's to free. */
int cr_credits_daily_csv(struct cr_db *db, const char *from, const char *to, char **csv, size_t *len,
                         struct cr_err *err);

/*
 * The bank's part of the configuration, checked when it is read (every
 * program's start, a reload): bank.export_labels.  CR_EINVAL naming the
 * option and what is wrong.
 */
int cr_bank_config_check(const struct cr_config *cfg, struct cr_err *err);

#endif
