#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "bankexport.h"
#include "booking.h"
#include "bytes.h"
#include "file.h"
#include "format.h"
#include "json.h"
#include "log.h"
#include "match.h"
#include "orderno.h"
#include "pay/pay.h"
#include "status.h"

#define ATTEMPTS 3 /* an import that meets a deadlock starts over (what it booked stays booked) */

static void
seen_release(struct cr_seen *s)
{
	free(s->slot);
	memset(s, 0, sizeof *s);
}

/* The occurrence number of content key k (1 for its first time); 0 when out of memory. */
static int
seen_count(struct cr_seen *s, const unsigned char k[16])
{
	size_t i;

	if (s->used * 2 >= s->cap) {
		struct cr_seen grown = {NULL, s->cap ? s->cap * 2 : 1024, 0};

		if ((grown.slot = calloc(grown.cap, sizeof *grown.slot)) == NULL)
			return 0;
		for (size_t j = 0; j < s->cap; j++)
			if (s->slot[j].count) {
				size_t h;

				memcpy(&h, s->slot[j].key, sizeof h);
				for (h %= grown.cap; grown.slot[h].count; h = (h + 1) % grown.cap)
					;
				grown.slot[h] = s->slot[j];
				grown.used++;
			}
		free(s->slot);
		*s = grown;
	}
	memcpy(&i, k, sizeof i);
	for (i %= s->cap; s->slot[i].count; i = (i + 1) % s->cap)
		if (memcmp(s->slot[i].key, k, 16) == 0)
			return ++s->slot[i].count;
	memcpy(s->slot[i].key, k, 16);
	s->slot[i].count = 1;
	s->used++;
	return 1;
}

/*
 * An account number as the credit's identity holds it: without the spaces
 * and hyphens banks and files write into it, so that "6228 4800 1234" and
 * "62284800-1234" are one account (SPEC 7).  migrate 014 re-keyed the rows
 * keyed before with the account as written.
 */
static void
account_id(const char *a, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *a && o + 1 < outlen; a++)
		if (*a != ' ' && *a != '-')
			out[o++] = *a;
	out[o] = '\0';
}

static int
same_account(const char *a, const char *b)
{
	char x[CR_TXN_REF_MAX + 1], y[CR_TXN_REF_MAX + 1];

	account_id(a, x, sizeof x);
	account_id(b, y, sizeof y);
	return strcmp(x, y) == 0;
}

/* Appends a length-prefixed field, so that field boundaries cannot move. */
static void
put(char *buf, size_t len, size_t *o, const char *s)
{
	int n = snprintf(buf + *o, len - *o, "%zu:%s|", strlen(s), s);

	if (n > 0)
		*o = *o + (size_t)n < len ? *o + (size_t)n : len - 1;
}

/* The unique key of a credit (SPEC 7), as 64 hex digits. */
static int
credit_key(struct cr_import_run *run, const struct cr_txn *c, char key[65])
{
	char text[CR_TXN_TEXT_MAX + 1024], amount[32], occ[16], account[CR_TXN_REF_MAX + 1];
	unsigned char content[32];
	size_t o = 0;

	snprintf(amount, sizeof amount, "%lld", c->amount_fen);
	account_id(c->account, account, sizeof account);
	if (c->ref[0] || c->entry_ref[0]) {
		put(text, sizeof text, &o, "ref");
		put(text, sizeof text, &o, account);
		put(text, sizeof text, &o, c->ref[0] ? c->ref : c->entry_ref);
		if (!c->ref[0]) {
			/* A batch under one entry reference: its transactions by their place. */
			snprintf(occ, sizeof occ, "%d", c->tx);
			put(text, sizeof text, &o, occ);
		}
	} else {
		int n;

		put(text, sizeof text, &o, c->booking_date);
		put(text, sizeof text, &o, amount);
		put(text, sizeof text, &o, c->text);
		put(text, sizeof text, &o, c->debtor_name);
		cr_sha256(content, text, o);
		if ((n = seen_count(&run->seen, content)) == 0)
			return cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
		o = 0;
		put(text, sizeof text, &o, "content");
		put(text, sizeof text, &o, account);
		cr_hex(key, content, sizeof content); /* borrowed as scratch for the hex */
		put(text, sizeof text, &o, key);
		snprintf(occ, sizeof occ, "%d", n);
		put(text, sizeof text, &o, occ);
	}
	cr_sha256_hex(key, text, o);
	return 0;
}

static int
save_progress(struct cr_import_run *run, const char *status)
{
	const struct cr_import *im = run->out;
	long long progress = run->total ? run->done * 100 / run->total : 100;

	if (strcmp(status, "running") == 0 && progress > 99)
		progress = 99;
	return cr_db_exec(
	    run->db, NULL, run->err,
	    "UPDATE statements SET status = ?, progress = ?, entries = ?, credits = ?, matched = ?,"
	    " partial = ?, overpaid = ?, needs_review = ?, unmatched = ?, duplicate = ?, ignored = ?,"
	    " kind = ?, error = NULL, updated_at = UTC_TIMESTAMP(6),"
	    " finished_at = IF(? = 'done', UTC_TIMESTAMP(6), NULL) WHERE id = ?",
	    "siiiiiiiiiissi", status, progress, im->entries, im->credits, im->matched, im->partial,
	    im->overpaid, im->needs_review, im->unmatched, im->duplicate, im->ignored, im->kind, status,
	    run->statement_id);
}

/* A batch is done: it commits with the progress, the caller hears of it, the next begins. */
static int
next_batch(struct cr_import_run *run)
{
	int rc;

	if ((rc = cr_booking_flush(run)) != 0 || (rc = save_progress(run, "running")) != 0 ||
	    (rc = cr_db_commit(run->db, run->err)) != 0)
		return rc;
	if (run->opts->on_batch &&
	    (rc = run->opts->on_batch(run->opts->arg, (int)(run->done * 100 / run->total), run->err)) != 0) {
		run->stopped = 1;
		return rc;
	}
	return cr_db_begin(run->db, run->err);
}

/* Called for every transaction of the file in the booking pass (and the dry run's). */
static int
on_credit(const struct cr_txn *c, void *arg)
{
	struct cr_import_run *run = arg;
	struct cr_import *im = run->out;
	struct cr_match m;
	struct cr_res res;
	char key[65];
	int rc;

	run->done++;
	if (c->credit)
		im->credits++;
	if (!c->credit || strcmp(c->status, "BOOK") != 0 || strcmp(c->currency, "CNY") != 0 ||
	    !same_account(c->account, run->cfg->bank_account)) {
		im->ignored++;
		return 0;
	}
	if ((rc = credit_key(run, c, key)) != 0)
		return rc;
	if (!run->dry_run) {
		struct cr_pending *p = &run->pend[run->npend++];

		p->c = *c;
		memcpy(p->key, key, sizeof p->key);
		p->id = 0;
		p->state = CR_PENDING_NEW;
		return run->npend == run->cap ? next_batch(run) : 0;
	}
	/* A dry run: one credit at a time, reading only. */
	if ((rc = cr_db_exec(run->db, &res, run->err, "SELECT 1 FROM credits WHERE credit_key = ?", "s",
	                     key)) != 0)
		return rc;
	if (res.nrows) {
		im->duplicate++;
		cr_res_release(&res);
		return 0;
	}
	cr_res_release(&res);
	if ((rc = cr_booking_decide(run, c, &m)) != 0)
		return rc;
	cr_booking_count(im, cr_match_result_name(m.result));
	return 0;
}

/*
 * What the file says of each day on the agency's account (booked CNY
 * entries by booking date), gathered by the validation pass: the daily
 * report closes the credits it counted against it.  Days past DAYS_MAX in one
 * file are not kept (a statement covers a day, a month at most).
 */
#define DAYS_MAX 400
struct days {
	const struct cr_config *cfg;
	int n;
	struct {
		char day[11];
		long long credits_n, credits_fen, debits_fen;
	} d[DAYS_MAX];
};

/* The validation pass counts what is there, and what each day holds. */
static int
on_validate(const struct cr_txn *c, void *arg)
{
	struct days *days = arg;
	int i;

	if (strcmp(c->status, "BOOK") != 0 || strcmp(c->currency, "CNY") != 0 || !c->booking_date[0] ||
	    !same_account(c->account, days->cfg->bank_account))
		return 0;
	for (i = days->n - 1; i >= 0 && strcmp(days->d[i].day, c->booking_date) != 0; i--)
		;
	if (i < 0) {
		if (days->n == DAYS_MAX)
			return 0;
		i = days->n++;
		snprintf(days->d[i].day, sizeof days->d[i].day, "%s", c->booking_date);
		days->d[i].credits_n = days->d[i].credits_fen = days->d[i].debits_fen = 0;
	}
	if (c->credit) {
		days->d[i].credits_n++;
		days->d[i].credits_fen += c->amount_fen;
	} else {
		days->d[i].debits_fen += c->amount_fen;
	}
	return 0;
}

static int
save_days(struct cr_import_run *run, const struct days *days)
{
	int rc = 0;

	for (int i = 0; rc == 0 && i < days->n; i++)
		rc = cr_db_exec(
		    run->db, NULL, run->err,
		    "INSERT INTO statement_days (statement_id, day, credits_n, credits_fen, debits_fen)"
		    " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE credits_n = VALUES(credits_n),"
		    " credits_fen = VALUES(credits_fen), debits_fen = VALUES(debits_fen)",
		    "isiii", run->statement_id, days->d[i].day, days->d[i].credits_n, days->d[i].credits_fen,
		    days->d[i].debits_fen);
	return rc;
}

/* The statements row of this file, made or found (cr_statement_queue), and marked running unless done. */
static int
statement_row(struct cr_import_run *run, const char *name, const char *source, const char *sha, int *done)
{
	int rc =
	    cr_statement_queue(run->db, sha, name, source, run->actor, &run->statement_id, done, run->err);

	if (rc == 0 && !*done)
		rc = cr_db_exec(
		    run->db, NULL, run->err,
		    "UPDATE statements SET status = 'running', updated_at = UTC_TIMESTAMP(6) WHERE id = ?",
		    "i", run->statement_id);
	return rc;
}

static int
record_failure(struct cr_import_run *run, const char *why)
{
	return cr_db_exec(
	    run->db, NULL, NULL,
	    "UPDATE statements SET status = 'failed', error = LEFT(?, 1000), updated_at = UTC_TIMESTAMP(6)"
	    " WHERE id = ?",
	    "si", why, run->statement_id);
}

/* Takes the file's lock (one import of a file at a time, across processes); 1 when taken. */
static int
lock_file(struct cr_db *db, const char *sha, int take, struct cr_err *err)
{
	struct cr_res res;
	int rc, got;

	if (take)
		rc = cr_db_exec(db, &res, err, "SELECT GET_LOCK(CONCAT('certrenew-statement-', ?), 0)", "s",
		                sha);
	else
		rc = cr_db_exec(db, &res, err, "SELECT RELEASE_LOCK(CONCAT('certrenew-statement-', ?))", "s",
		                sha);
	if (rc != 0)
		return rc;
	got = cr_res_i64(&res, 0, 0) == 1;
	cr_res_release(&res);
	return got;
}

/*
 * Reads a statement file whatever its format: ISO 20022 camt XML, else a
 * bank's 交易明细 export (CSV, TXT, XLS, XLSX or an HTML table: bankexport.c).
 */
static int
read_statement(const struct cr_config *cfg, const char *path, cr_txn_fn fn, void *arg,
               struct cr_statement_info *info, struct cr_err *err)
{
	struct cr_export_labels labels;
	struct cr_err why_labels;

	/* Checked when the configuration was read (cr_bank_config_check): this cannot fail but for memory. */
	if (cr_export_labels_parse(cfg->bank_export_labels, &labels, &why_labels) != 0)
		return cr_err_user(err, CR_EINVAL, NULL, "配置项 bank.export_labels 有误：%s",
		                   why_labels.msg);
	return cr_statement_read(path, cfg->bank_account, &labels, fn, arg, info, NULL, err);
}

int
cr_bank_config_check(const struct cr_config *cfg, struct cr_err *err)
{
	struct cr_export_labels labels;

	return cr_export_labels_parse(cfg->bank_export_labels, &labels, err);
}

/* The balances the file states, for the checks that it adds up and continues the last (statement_json). */
static int
save_balances(struct cr_import_run *run, const struct cr_statement_info *info)
{
	char account[CR_TXN_REF_MAX + 1];

	account_id(info->account, account, sizeof account);
	return cr_db_exec(
	    run->db, NULL, run->err,
	    "UPDATE statements SET balance_account = ?, opening_fen = ?, opening_date = ?, closing_fen = ?,"
	    " closing_date = ?, net_fen = ?, balance_break_line = NULLIF(?, 0) WHERE id = ?",
	    "sisisiii", account, info->opening_fen, info->opening_date, info->closing_fen, info->closing_date,
	    info->net_fen, (long long)info->balance_break, run->statement_id);
}

/* One booking pass over the file, in batches; 0 when every credit is in. */
static int
book_file(struct cr_import_run *run, const char *path, struct cr_statement_info *info)
{
	struct cr_import *im = run->out;
	int rc;

	im->entries = im->credits = im->matched = im->partial = im->overpaid = 0;
	im->needs_review = im->unmatched = im->duplicate = im->ignored = 0;
	seen_release(&run->seen);
	run->done = run->in_batch = 0;
	if (run->dry_run)
		return read_statement(run->cfg, path, on_credit, run, info, run->err);
	if ((rc = cr_db_begin(run->db, run->err)) != 0)
		return rc;
	run->npend = 0;
	rc = read_statement(run->cfg, path, on_credit, run, info, run->err);
	im->entries = info->entries;
	if (rc == 0)
		rc = cr_booking_flush(run);
	if (rc == 0)
		rc = save_progress(run, "done");
	return cr_db_end(run->db, rc, run->err);
}

int
cr_statement_import(struct cr_db *db, const struct cr_config *cfg, const char *path,
                    const struct cr_import_opts *opts, struct cr_import *out, struct cr_err *err)
{
	struct cr_import_run run = {.db = db,
	                            .cfg = cfg,
	                            .opts = opts,
	                            .actor = opts->actor,
	                            .dry_run = opts->dry_run,
	                            .out = out,
	                            .err = err};
	const char *name = opts->name, *source = opts->source;
	int dry_run = opts->dry_run;
	struct cr_statement_info info;
	struct days *days = NULL;
	int rc, done, locked = 0;

	memset(out, 0, sizeof *out);
	run.cap = cfg->bank_batch < 1000 ? (size_t)cfg->bank_batch : 1000;
	if (!dry_run && (run.pend = calloc(run.cap, sizeof *run.pend)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "statements: out of memory");
	if ((rc = cr_file_sha256(path, cfg->bank_max_file, out->file_sha256, err)) != 0) {
		if (rc == CR_ETOOBIG)
			cr_err_user(err, CR_ETOOBIG, NULL, "文件过大（最多 %lld 字节）",
			            (long long)cfg->bank_max_file);
		goto out;
	}
	if (!dry_run) {
		if ((rc = lock_file(db, out->file_sha256, 1, err)) <= 0) {
			out->skipped = out->busy = rc == 0; /* another import of this very file is running */
			goto out;
		}
		locked = 1;
		if ((rc = statement_row(&run, name, source, out->file_sha256, &done)) != 0)
			goto out;
		out->statement_id = run.statement_id;
		if (done) {
			out->skipped = 1;
			goto out;
		}
	}
	/* Pass 1: the whole file is valid, or nothing of it is booked. */
	if ((days = calloc(1, sizeof *days)) == NULL) {
		rc = cr_err_set(err, CR_ENOMEM, "statements: out of memory");
		goto out;
	}
	days->cfg = cfg;
	if ((rc = read_statement(cfg, path, on_validate, days, &info, err)) != 0) {
		if (!dry_run)
			record_failure(&run, err->user[0] ? err->user : err->msg);
		goto out;
	}
	snprintf(out->kind, sizeof out->kind, "%s", info.kind);
	if (!dry_run && info.balances && (rc = save_balances(&run, &info)) != 0)
		goto out;
	if (!dry_run && (rc = save_days(&run, days)) != 0)
		goto out;
	run.total = info.transactions;
	/* Pass 2: booking, started over from the top after a deadlock. */
	for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
		if ((rc = book_file(&run, path, &info)) != CR_ERETRY || run.stopped)
			break;
		cr_warn("statements: %s: %s; starting over (attempt %d)", name, err->msg, attempt + 1);
	}
	out->entries = info.entries;
	if (rc != 0 && !dry_run && !run.stopped)
		record_failure(&run, err->msg);
out:
	seen_release(&run.seen);
	free(days);
	free(run.pend);
	free(run.open_all);
	free(run.named);
	if (locked)
		lock_file(db, out->file_sha256, 0, NULL);
	return rc;
}

json_t *
cr_import_json(const struct cr_import *im)
{
	json_t *j = json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "file_sha256",
	                      im->file_sha256, "kind", im->kind, "skipped", im->skipped, "entries",
	                      (json_int_t)im->entries, "credits", (json_int_t)im->credits, "matched",
	                      (json_int_t)im->matched, "partial", (json_int_t)im->partial, "overpaid",
	                      (json_int_t)im->overpaid, "needs_review", (json_int_t)im->needs_review,
	                      "unmatched", (json_int_t)im->unmatched, "duplicate", (json_int_t)im->duplicate,
	                      "ignored", (json_int_t)im->ignored);

	if (j && im->statement_id)
		json_object_set_new(j, "statement_id", json_integer(im->statement_id));
	return j;
}

int
cr_statement_queue(struct cr_db *db, const char *sha256, const char *name, const char *source,
                   const struct cr_actor *actor, long long *id, int *done, struct cr_err *err)
{
	long long by = actor ? actor->id : 0;
	struct cr_res res;
	int rc;

	*done = 0;
	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO statements (file_sha256, source, file_name, status, created_by, "
	                "created_at, updated_at)"
	                " VALUES (?, ?, ?, 'queued', ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
	                "sssI", sha256, source, name, by ? &by : NULL);
	if (rc == 0) {
		*id = cr_db_insert_id(db);
		return 0;
	}
	if (rc != CR_ECONFLICT)
		return rc;
	/* The same file came before: its row, queued again unless it was imported. */
	if ((rc = cr_db_one(db, &res, err, "statement",
	                    "SELECT id, status FROM statements WHERE file_sha256 = ?", "s", sha256)) != 0)
		return rc;
	*id = cr_res_i64(&res, 0, 0);
	*done = strcmp(cr_res_str(&res, 0, 1), "done") == 0;
	cr_res_release(&res);
	if (!*done)
		rc = cr_db_exec(
		    db, NULL, err,
		    "UPDATE statements SET status = 'queued', error = NULL, updated_at = UTC_TIMESTAMP(6)"
		    " WHERE id = ? AND status <> 'running'",
		    "i", *id);
	return rc;
}

#define STATEMENT_COLUMNS                                                                                    \
	"s.id, s.file_sha256, s.source, s.file_name, s.kind, s.status, s.progress, s.entries, s.credits,"    \
	" s.matched, s.partial, s.overpaid, s.needs_review, s.unmatched, s.duplicate, s.ignored, s.error,"   \
	" DATE_FORMAT(s.created_at, '%Y-%m-%dT%H:%i:%SZ'), DATE_FORMAT(s.updated_at, '%Y-%m-%dT%H:%i:%SZ')," \
	" DATE_FORMAT(s.finished_at, '%Y-%m-%dT%H:%i:%SZ'), s.balance_account, s.opening_fen,"               \
	" DATE_FORMAT(s.opening_date, '%Y-%m-%d'), s.closing_fen, DATE_FORMAT(s.closing_date, '%Y-%m-%d'),"  \
	" s.net_fen, p.closing_fen, DATE_FORMAT(p.closing_date, '%Y-%m-%d'), s.balance_break_line"
/* The statement before s on its account: the latest one whose closing day is not after s's opening day. */
#define STATEMENT_FROM                                                                                       \
	" FROM statements s LEFT JOIN statements p ON p.id = (SELECT q.id FROM statements q"                 \
	" WHERE q.balance_account = s.balance_account AND q.status = 'done' AND q.id <> s.id"                \
	" AND q.closing_date <= s.opening_date ORDER BY q.closing_date DESC, q.id DESC LIMIT 1)"

/*
 * What the statement's balances say, or null: they add up (opening + net =
 * closing), and they continue the statement before (its closing is this
 * opening; null when there is none): a gap means a statement is missing.
 * break_line: an export's first line whose running 余额 did not follow.
 */
static json_t *
balance_json(const struct cr_res *res, size_t i)
{
	long long opening = cr_res_i64(res, i, 21), closing = cr_res_i64(res, i, 23),
	          net = cr_res_i64(res, i, 25);

	if (cr_res_str(res, i, 21) == NULL || cr_res_str(res, i, 23) == NULL)
		return json_null();
	return json_pack(
	    "{s:s, s:I, s:s, s:I, s:s, s:I, s:b, s:o, s:o, s:o, s:o}", "account", cr_res_str(res, i, 20),
	    "opening_fen", (json_int_t)opening, "opening_date", cr_res_str(res, i, 22), "closing_fen",
	    (json_int_t)closing, "closing_date", cr_res_str(res, i, 24), "net_fen", (json_int_t)net,
	    "adds_up", opening + net == closing, "previous_closing_fen", cr_json_cell_int(res, i, 26),
	    "previous_closing_date", cr_json_cell(res, i, 27), "continues",
	    cr_res_str(res, i, 26) == NULL ? json_null() : json_boolean(cr_res_i64(res, i, 26) == opening),
	    "break_line", cr_json_cell_int(res, i, 28));
}

static json_t *
statement_json(const struct cr_res *res, size_t i)
{
	static const char *const counts[] = {"entries",      "credits",   "matched",   "partial", "overpaid",
	                                     "needs_review", "unmatched", "duplicate", "ignored"};
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:o, s:o}", "id",
	                      (json_int_t)cr_res_i64(res, i, 0), "file_sha256", cr_res_str(res, i, 1),
	                      "source", cr_res_str(res, i, 2), "file_name", cr_res_str(res, i, 3), "kind",
	                      cr_res_str(res, i, 4), "status", cr_res_str(res, i, 5), "progress",
	                      (json_int_t)cr_res_i64(res, i, 6), "error", cr_json_cell(res, i, 16),
	                      "created_at", cr_res_str(res, i, 17), "updated_at", cr_json_cell(res, i, 18),
	                      "finished_at", cr_json_cell(res, i, 19));

	for (unsigned c = 0; o && c < sizeof counts / sizeof counts[0]; c++)
		json_object_set_new(o, counts[c], json_integer(cr_res_i64(res, i, 7 + c)));
	if (o)
		json_object_set_new(o, "balance", balance_json(res, i));
	if (o)
		json_object_set_new(o, "status_label",
		                    json_string(cr_status_label(CR_SM_STATEMENT, cr_res_str(res, i, 5))));
	return o;
}

int
cr_statements_list(struct cr_db *db, long long after, long long limit, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc = cr_db_exec(db, &res, err,
	                    "SELECT " STATEMENT_COLUMNS STATEMENT_FROM
	                    " WHERE ? = 0 OR s.id < ? ORDER BY s.id DESC LIMIT ?",
	                    "iii", after, after, limit);

	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, statement_json(&res, i));
	*out = cr_json_page(items, &res, 0, limit);
	cr_res_release(&res);
	return 0;
}

int
cr_statement_get(struct cr_db *db, long long id, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	int rc = cr_db_one(db, &res, err, "statement",
	                   "SELECT " STATEMENT_COLUMNS STATEMENT_FROM " WHERE s.id = ?", "i", id);

	if (rc != 0)
		return rc;
	*out = statement_json(&res, 0);
	cr_res_release(&res);
	return 0;
}

int
cr_statements_metrics(struct cr_db *db, json_t **out, struct cr_err *err)
{
	json_t *imports = json_object(), *open = json_object();
	struct cr_res res;
	int rc = cr_db_exec(db, &res, err, "SELECT status, COUNT(*) FROM statements GROUP BY status", "");

	if (rc == 0) {
		for (size_t i = 0; i < res.nrows; i++)
			json_object_set_new(imports, cr_res_str(&res, i, 0),
			                    json_integer(cr_res_i64(&res, i, 1)));
		cr_res_release(&res);
		rc = cr_db_exec(db, &res, err,
		                "SELECT status, COUNT(*) FROM credits WHERE status IN ('needs_review', "
		                "'unmatched', 'overpaid')"
		                " GROUP BY status",
		                "");
	}
	if (rc == 0) {
		for (size_t i = 0; i < res.nrows; i++)
			json_object_set_new(open, cr_res_str(&res, i, 0),
			                    json_integer(cr_res_i64(&res, i, 1)));
		cr_res_release(&res);
		rc = cr_db_exec(db, &res, err,
		                "SELECT COALESCE(UNIX_TIMESTAMP(MAX(finished_at)), 0) FROM statements"
		                " WHERE status = 'done'",
		                "");
	}
	if (rc == 0) {
		long long last = res.nrows ? cr_res_i64(&res, 0, 0) : 0;

		cr_res_release(&res);
		*out = json_pack("{s:o, s:o, s:I}", "imports", imports, "open_credits", open, "last_done",
		                 (json_int_t)last);
		return 0;
	}
	json_decref(imports);
	json_decref(open);
	return rc;
}
