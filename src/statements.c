#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "camt.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "match.h"
#include "orderno.h"
#include "payments.h"
#include "statements.h"
#include "status.h"

#define ATTEMPTS 3 /* an import that meets a deadlock starts over (what it booked stays booked) */

/* Occurrences of content keys within one file: two identical payments on one day are two payments. */
struct seen {
	struct {
		unsigned char key[16];
		int count;
	} * slot;
	size_t cap, used;
};

struct run {
	struct cr_db *db;
	const struct cr_config *cfg;
	const struct cr_import_opts *opts;
	const struct cr_actor *actor;
	int dry_run;
	long long statement_id;
	struct cr_import *out;
	struct cr_err *err;
	struct seen seen;
	long long total, done; /* transactions in the file, and handled so far */
	long long in_batch;
	struct cr_match_order *open; /* CR_MATCH_MAX_OPEN of them: scratch for decide() */
	int stopped;                 /* on_batch said stop: not a failure of the file */
	struct pending *pend;        /* the batch being gathered (booking pass) */
	size_t npend, cap;
	struct cr_match_order *open_all; /* the orders awaiting payment, by amount, for suggestions */
	size_t nopen_all;
	struct cr_match_order *named; /* the orders the batch names, by number, locked */
	size_t nnamed, named_cap;
};

/* A credit of the batch, from the file to its booking. */
struct pending {
	struct cr_credit c;
	char key[65];
	struct cr_match m;
	long long id; /* its row, once booked */
	int state;
};

enum { P_NEW, P_SEEN, P_DUP };

static void
seen_release(struct seen *s)
{
	free(s->slot);
	memset(s, 0, sizeof *s);
}

/* The occurrence number of content key k (1 for its first time); 0 when out of memory. */
static int
seen_count(struct seen *s, const unsigned char k[16])
{
	size_t i;

	if (s->used * 2 >= s->cap) {
		struct seen grown = {NULL, s->cap ? s->cap * 2 : 1024, 0};

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

/* Account numbers compared without spaces and hyphens. */
static int
same_account(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '-')
			a++;
		while (*b == ' ' || *b == '-')
			b++;
		if (*a != *b)
			return 0;
		if (*a == '\0')
			return 1;
		a++, b++;
	}
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
credit_key(struct run *run, const struct cr_credit *c, char key[65])
{
	char text[CR_CREDIT_TEXT_MAX + 1024], amount[32], occ[16];
	unsigned char content[32];
	size_t o = 0;

	snprintf(amount, sizeof amount, "%lld", c->amount_fen);
	if (c->ref[0] || c->entry_ref[0]) {
		put(text, sizeof text, &o, "ref");
		put(text, sizeof text, &o, c->account);
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
		put(text, sizeof text, &o, c->account);
		cr_hex(key, content, sizeof content); /* borrowed as scratch for the hex */
		put(text, sizeof text, &o, key);
		snprintf(occ, sizeof occ, "%d", n);
		put(text, sizeof text, &o, occ);
	}
	cr_sha256_hex(key, text, o);
	return 0;
}

static void
count(struct cr_import *im, const char *status)
{
	if (strcmp(status, "matched") == 0)
		im->matched++;
	else if (strcmp(status, "partial") == 0)
		im->partial++;
	else if (strcmp(status, "overpaid") == 0)
		im->overpaid++;
	else if (strcmp(status, "unmatched") == 0)
		im->unmatched++;
	else
		im->needs_review++; /* needs_review, and dismissed since */
}

static void
order_of(const struct cr_res *res, size_t i, struct cr_match_order *o)
{
	o->id = cr_res_i64(res, i, 0);
	snprintf(o->order_no, sizeof o->order_no, "%s", cr_res_str(res, i, 1));
	snprintf(o->status, sizeof o->status, "%s", cr_res_str(res, i, 2));
	o->amount_fen = cr_res_i64(res, i, 3);
	o->paid_fen = cr_res_i64(res, i, 4);
	snprintf(o->payer_name, sizeof o->payer_name, "%s", cr_res_str(res, i, 5));
}

/* Looks up the orders the rules need and decides; the named ones locked when booking. */
static int
decide(struct run *run, const struct cr_credit *c, struct cr_match *m)
{
	char cand[CR_MATCH_MAX_CANDIDATES][9];
	struct cr_match_order named[CR_MATCH_MAX_ORDERS], *open = run->open;
	int ncand = cr_match_candidates(c->text, cand, CR_MATCH_MAX_CANDIDATES), nnamed = 0, nopen = 0, rc;
	struct cr_res res;

	for (int i = 0; i < ncand && nnamed < CR_MATCH_MAX_ORDERS; i++) {
		if (!cr_orderno_valid(cand[i]))
			continue;
		if (run->dry_run)
			rc = cr_db_exec(run->db, &res, run->err,
			                "SELECT id, order_no, status, amount_fen, paid_fen, payer_name FROM "
			                "orders WHERE order_no = ?",
			                "s", cand[i]);
		else
			rc = cr_db_exec(
			    run->db, &res, run->err,
			    "SELECT id, order_no, status, amount_fen, paid_fen, payer_name FROM orders"
			    " WHERE order_no = ? FOR UPDATE",
			    "s", cand[i]);
		if (rc != 0)
			return rc;
		if (res.nrows)
			order_of(&res, 0, &named[nnamed++]);
		cr_res_release(&res);
	}
	if (nnamed == 0) {
		rc =
		    cr_db_exec(run->db, &res, run->err,
		               "SELECT id, order_no, status, amount_fen, paid_fen, payer_name FROM orders"
		               " WHERE status = 'awaiting_payment' AND amount_fen = ? ORDER BY id LIMIT 2000",
		               "i", c->amount_fen);
		if (rc != 0)
			return rc;
		for (size_t i = 0; i < res.nrows && i < CR_MATCH_MAX_OPEN; i++)
			order_of(&res, i, &open[nopen++]);
		cr_res_release(&res);
	}
	cr_match_decide(c, named, nnamed, open, nopen, m);
	return 0;
}

static const char *
date_or_null(const char *d)
{
	return d[0] ? d : NULL;
}

/*
 * Books one new credit that moves money, with its payments, at once (a later
 * credit of the batch may name the same order); *id its row, or 0 when its
 * key was booked meanwhile by another import.
 */
static int
book(struct run *run, const struct cr_credit *c, const char key[65], const struct cr_match *m, long long *id)
{
	const char *status = cr_match_result_name(m->result);
	long long credit_id, suggested = m->suggested_order_id;
	int rc;

	*id = 0;
	rc = cr_db_exec(
	    run->db, NULL, run->err,
	    "INSERT INTO credits (credit_key, statement_id, entry_no, account, amount_fen, currency, "
	    "booking_date,"
	    " value_date, acct_svcr_ref, end_to_end_id, remittance, debtor_name, debtor_account, reversal,"
	    " status, suggested_order_id, surplus_fen, payer_mismatch, reason, created_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))",
	    "siisissssssssisIiis", key, run->statement_id, (long long)c->entry, c->account, c->amount_fen,
	    c->currency, date_or_null(c->booking_date), date_or_null(c->value_date),
	    c->ref[0] ? c->ref : c->entry_ref, c->end_to_end, c->text, c->debtor_name, c->debtor_account,
	    (long long)c->reversal, status, suggested ? &suggested : NULL, m->surplus_fen,
	    (long long)m->payer_mismatch, m->reason);
	if (rc == CR_ECONFLICT)
		return 0; /* booked meanwhile by another import */
	if (rc != 0)
		return rc;
	credit_id = cr_db_insert_id(run->db);
	for (int i = 0; i < m->nalloc; i++)
		if ((rc = cr_payment_apply(run->db, run->actor, credit_id, m->alloc[i].order_id,
		                           m->alloc[i].amount_fen, m->payer_mismatch, run->err)) != 0)
			return rc;
	*id = credit_id;
	return 0;
}

static int
save_progress(struct run *run, const char *status)
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

#define KEYS 100 /* keys looked up by one statement */
#define ROWS 50  /* credits inserted by one statement */
#define CREDIT_FIELDS 19

/* SQL with n rows or keys, built once each: the statement cache keys on its address. */
static const char *
batch_sql(int insert, size_t n)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static char *keys_sql, *orders_sql, *insert_sql[ROWS + 1];
	char **slot = insert == 1 ? &insert_sql[n] : insert == 2 ? &orders_sql : &keys_sql, *s;

	pthread_mutex_lock(&lock);
	if (*slot == NULL && (s = malloc(600 + n * 80)) != NULL) {
		if (insert == 2) {
			strcpy(s, "SELECT id, order_no, status, amount_fen, paid_fen, payer_name FROM orders "
			          "WHERE order_no IN (");
			for (size_t i = 0; i < KEYS; i++)
				strcat(s, i ? ",?" : "?");
			strcat(s, ") ORDER BY id FOR UPDATE");
		} else if (insert) {
			strcpy(s, "INSERT IGNORE INTO credits (credit_key, statement_id, entry_no, account, "
			          "amount_fen, currency,"
			          " booking_date, value_date, acct_svcr_ref, end_to_end_id, remittance, "
			          "debtor_name,"
			          " debtor_account, reversal, status, suggested_order_id, surplus_fen, "
			          "payer_mismatch, reason,"
			          " created_at) VALUES ");
			for (size_t i = 0; i < n; i++)
				strcat(s, i ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,UTC_TIMESTAMP(6))"
				            : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,UTC_TIMESTAMP(6))");
		} else {
			strcpy(
			    s,
			    "SELECT credit_key, statement_id, status, id FROM credits WHERE credit_key IN (");
			for (size_t i = 0; i < KEYS; i++)
				strcat(s, i ? ",?" : "?");
			strcat(s, ")");
		}
		*slot = s;
	}
	s = *slot;
	pthread_mutex_unlock(&lock);
	return s;
}

/*
 * Looks the keys of pend[from..from+n) up (n <= KEYS): what is booked
 * already is marked seen (this statement's, from an interrupted run) or a
 * duplicate (another's), and ids of this statement's are noted.
 */
static int
look_up(struct run *run, size_t from, size_t n, int after_insert)
{
	struct cr_db_arg args[KEYS];
	const char *sql = batch_sql(0, KEYS);
	struct cr_res res;
	int rc;

	if (sql == NULL)
		return cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
	for (size_t i = 0; i < KEYS; i++)
		args[i] = i < n ? (struct cr_db_arg){'s', 0, run->pend[from + i].key}
		                : (struct cr_db_arg){'n', 0, NULL};
	if ((rc = cr_db_exec_args(run->db, &res, run->err, sql, args, KEYS)) != 0)
		return rc;
	for (size_t r = 0; r < res.nrows; r++) {
		const char *key = cr_res_str(&res, r, 0);
		int ours = cr_res_i64(&res, r, 1) == run->statement_id;

		for (size_t i = from; i < from + n; i++) {
			struct pending *p = &run->pend[i];

			if (p->state != P_NEW || p->id || strcmp(p->key, key) != 0)
				continue;
			if (after_insert && ours) {
				p->id = cr_res_i64(&res, r, 3);
			} else if (after_insert || !ours) {
				p->state = P_DUP;
				run->out->duplicate++;
			} else {
				p->state = P_SEEN;
				count(run->out, cr_res_str(&res, r, 2));
			}
			break;
		}
	}
	cr_res_release(&res);
	return 0;
}

static int
by_amount(const void *a, const void *b)
{
	const struct cr_match_order *x = a, *y = b;

	return x->amount_fen != y->amount_fen ? (x->amount_fen < y->amount_fen ? -1 : 1)
	                                      : (x->id < y->id ? -1 : 1);
}

/* Loads the orders awaiting payment (for suggestions), sorted by amount. */
static int
load_open(struct run *run)
{
	struct cr_res res;
	int rc = cr_db_exec(run->db, &res, run->err,
	                    "SELECT id, order_no, status, amount_fen, paid_fen, payer_name FROM orders"
	                    " WHERE status = 'awaiting_payment' ORDER BY id LIMIT 20000",
	                    "");

	if (rc != 0)
		return rc;
	free(run->open_all);
	run->nopen_all = 0;
	if ((run->open_all = calloc(res.nrows ? res.nrows : 1, sizeof *run->open_all)) == NULL) {
		cr_res_release(&res);
		return cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
	}
	for (size_t i = 0; i < res.nrows; i++)
		order_of(&res, i, &run->open_all[run->nopen_all++]);
	cr_res_release(&res);
	qsort(run->open_all, run->nopen_all, sizeof *run->open_all, by_amount);
	return 0;
}

static int
by_number(const void *a, const void *b)
{
	return strcmp(((const struct cr_match_order *)a)->order_no,
	              ((const struct cr_match_order *)b)->order_no);
}

/* Locks and loads every order the batch's credits name (numbers that pass the check digit). */
static int
load_named(struct run *run)
{
	char(*nos)[9] = NULL, cand[CR_MATCH_MAX_CANDIDATES][9];
	size_t n = 0, cap = 0;
	int rc = 0;

	run->nnamed = 0;
	for (size_t i = 0; i < run->npend; i++) {
		int k;

		if (run->pend[i].state != P_NEW)
			continue;
		k = cr_match_candidates(run->pend[i].c.text, cand, CR_MATCH_MAX_CANDIDATES);
		for (int j = 0; j < k; j++) {
			if (!cr_orderno_valid(cand[j]))
				continue;
			if (n == cap) {
				char(*grown)[9] = realloc(nos, (cap = cap ? cap * 2 : 64) * sizeof *nos);

				if (grown == NULL) {
					free(nos);
					return cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
				}
				nos = grown;
			}
			memcpy(nos[n++], cand[j], 9);
		}
	}
	for (size_t i = 0; rc == 0 && i < n; i += KEYS) {
		struct cr_db_arg args[KEYS];
		struct cr_res res;
		const char *sql = batch_sql(2, KEYS);

		if (sql == NULL) {
			rc = cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
			break;
		}
		for (size_t k = 0; k < KEYS; k++)
			args[k] = i + k < n ? (struct cr_db_arg){'s', 0, nos[i + k]}
			                    : (struct cr_db_arg){'n', 0, NULL};
		if ((rc = cr_db_exec_args(run->db, &res, run->err, sql, args, KEYS)) != 0)
			break;
		if (run->nnamed + res.nrows > run->named_cap) {
			size_t want = run->nnamed + res.nrows + 64;
			struct cr_match_order *grown = realloc(run->named, want * sizeof *grown);

			if (grown == NULL) {
				cr_res_release(&res);
				rc = cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
				break;
			}
			run->named = grown;
			run->named_cap = want;
		}
		for (size_t r = 0; r < res.nrows; r++) {
			struct cr_match_order o;

			order_of(&res, r, &o);
			if (run->nnamed == 0 ||
			    bsearch(&o, run->named, run->nnamed, sizeof o, by_number) == NULL) {
				run->named[run->nnamed++] = o;
				qsort(run->named, run->nnamed, sizeof o, by_number);
			}
		}
		cr_res_release(&res);
	}
	free(nos);
	return rc;
}

/* The cached order of the batch with this id, after money reached it. */
static void
note_paid(struct run *run, long long order_id, long long amount)
{
	for (size_t i = 0; i < run->nnamed; i++)
		if (run->named[i].id == order_id) {
			struct cr_match_order *o = &run->named[i];

			o->paid_fen += amount;
			snprintf(o->status, sizeof o->status, "%s",
			         o->paid_fen >= o->amount_fen ? "paid" : "partially_paid");
		}
}

/* Decides p, the named orders locked (and paid at once when it moves money). */
static int
decide_pending(struct run *run, struct pending *p)
{
	char cand[CR_MATCH_MAX_CANDIDATES][9];
	struct cr_match_order named[CR_MATCH_MAX_ORDERS], *open = NULL, key;
	int ncand = cr_match_candidates(p->c.text, cand, CR_MATCH_MAX_CANDIDATES), nnamed = 0, rc;
	size_t lo = 0, hi = run->nopen_all, nopen = 0;

	for (int i = 0; i < ncand && nnamed < CR_MATCH_MAX_ORDERS; i++) {
		struct cr_match_order *o;

		memcpy(key.order_no, cand[i], 9);
		if (run->nnamed &&
		    (o = bsearch(&key, run->named, run->nnamed, sizeof key, by_number)) != NULL)
			named[nnamed++] = *o;
	}
	if (nnamed == 0) {
		/* The open orders of this amount: a range of the sorted list. */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (run->open_all[mid].amount_fen < p->c.amount_fen)
				lo = mid + 1;
			else
				hi = mid;
		}
		open = run->open_all + lo;
		while (lo + nopen < run->nopen_all &&
		       run->open_all[lo + nopen].amount_fen == p->c.amount_fen && nopen < CR_MATCH_MAX_OPEN)
			nopen++;
	}
	cr_match_decide(&p->c, named, nnamed, open, (int)nopen, &p->m);
	if (p->m.nalloc == 0)
		return 0;
	if ((rc = book(run, &p->c, p->key, &p->m, &p->id)) != 0)
		return rc;
	if (p->id == 0) {
		p->state = P_DUP;
		run->out->duplicate++;
		return 0;
	}
	for (int i = 0; i < p->m.nalloc; i++)
		note_paid(run, p->m.alloc[i].order_id, p->m.alloc[i].amount_fen);
	return 0;
}

static void
credit_args(struct run *run, const struct pending *p, struct cr_db_arg *a)
{
	const struct cr_credit *c = &p->c;
	const struct cr_match *m = &p->m;

	a[0] = (struct cr_db_arg){'s', 0, p->key};
	a[1] = (struct cr_db_arg){'i', run->statement_id, NULL};
	a[2] = (struct cr_db_arg){'i', c->entry, NULL};
	a[3] = (struct cr_db_arg){'s', 0, c->account};
	a[4] = (struct cr_db_arg){'i', c->amount_fen, NULL};
	a[5] = (struct cr_db_arg){'s', 0, c->currency};
	a[6] = (struct cr_db_arg){'s', 0, date_or_null(c->booking_date)};
	a[7] = (struct cr_db_arg){'s', 0, date_or_null(c->value_date)};
	a[8] = (struct cr_db_arg){'s', 0, c->ref[0] ? c->ref : c->entry_ref};
	a[9] = (struct cr_db_arg){'s', 0, c->end_to_end};
	a[10] = (struct cr_db_arg){'s', 0, c->text};
	a[11] = (struct cr_db_arg){'s', 0, c->debtor_name};
	a[12] = (struct cr_db_arg){'s', 0, c->debtor_account};
	a[13] = (struct cr_db_arg){'i', c->reversal, NULL};
	a[14] = (struct cr_db_arg){'s', 0, cr_match_result_name(m->result)};
	a[15] = m->suggested_order_id ? (struct cr_db_arg){'i', m->suggested_order_id, NULL}
	                              : (struct cr_db_arg){'n', 0, NULL};
	a[16] = (struct cr_db_arg){'i', m->surplus_fen, NULL};
	a[17] = (struct cr_db_arg){'i', m->payer_mismatch, NULL};
	a[18] = (struct cr_db_arg){'s', 0, m->reason};
}

/* Inserts the new credits of pend[from..from+n) that are not booked yet (n <= ROWS) in one statement. */
static int
insert_rows(struct run *run, size_t from, size_t n)
{
	struct cr_db_arg args[ROWS * CREDIT_FIELDS];
	size_t k = 0;
	const char *sql;
	int rc;

	for (size_t i = from; i < from + n; i++)
		if (run->pend[i].state == P_NEW && run->pend[i].id == 0)
			credit_args(run, &run->pend[i], &args[k++ * CREDIT_FIELDS]);
	if (k == 0)
		return 0;
	if ((sql = batch_sql(1, k)) == NULL)
		return cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
	if ((rc = cr_db_exec_args(run->db, NULL, run->err, sql, args, (unsigned)(k * CREDIT_FIELDS))) != 0)
		return rc;
	return look_up(run, from, n, 1);
}

/*
 * Books the gathered batch: one look-up of every key, the decisions (money
 * moved at once), the new credits in multi-row statements, and their audit
 * rows with the head locked once.
 */
static int
flush(struct run *run)
{
	struct cr_audit_row *rows;
	char(*ids)[24];
	size_t nrows = 0;
	int rc = 0;

	for (size_t i = 0; i < run->npend; i++)
		for (size_t j = 0; j < i && run->pend[i].state == P_NEW; j++)
			if (strcmp(run->pend[j].key, run->pend[i].key) == 0) {
				run->pend[i].state = P_DUP; /* the same credit twice in one file */
				run->out->duplicate++;
			}
	for (size_t i = 0; rc == 0 && i < run->npend; i += KEYS)
		rc = look_up(run, i, run->npend - i < KEYS ? run->npend - i : KEYS, 0);
	if (rc == 0)
		rc = load_open(run);
	if (rc == 0)
		rc = load_named(run);
	for (size_t i = 0; rc == 0 && i < run->npend; i++)
		if (run->pend[i].state == P_NEW)
			rc = decide_pending(run, &run->pend[i]);
	for (size_t i = 0; rc == 0 && i < run->npend; i += ROWS)
		rc = insert_rows(run, i, run->npend - i < ROWS ? run->npend - i : ROWS);
	if (rc != 0)
		return rc;
	rows = calloc(run->npend ? run->npend : 1, sizeof *rows);
	ids = calloc(run->npend ? run->npend : 1, sizeof *ids);
	if (rows == NULL || ids == NULL) {
		free(rows);
		free(ids);
		return cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
	}
	for (size_t i = 0; i < run->npend; i++) {
		struct pending *p = &run->pend[i];

		if (p->state != P_NEW)
			continue;
		if (p->id == 0) {
			/* Inserted by another import between our look-up and our insert. */
			run->out->duplicate++;
			continue;
		}
		count(run->out, cr_match_result_name(p->m.result));
		snprintf(ids[nrows], sizeof ids[nrows], "%lld", p->id);
		rows[nrows].object_id = ids[nrows];
		rows[nrows].after =
		    json_pack("{s:s, s:I, s:I, s:s, s:o}", "status", cr_match_result_name(p->m.result),
		              "amount_fen", (json_int_t)p->c.amount_fen, "statement_id",
		              (json_int_t)run->statement_id, "reason", p->m.reason, "suggested_order_id",
		              p->m.suggested_order_id ? json_integer(p->m.suggested_order_id) : json_null());
		nrows++;
	}
	if (nrows)
		rc = cr_audit_many(run->db, run->actor, "credit.book", "credit", rows, nrows, run->err);
	free(rows);
	free(ids);
	run->npend = 0;
	return rc;
}

/* A batch is done: it commits with the progress, the caller hears of it, the next begins. */
static int
next_batch(struct run *run)
{
	int rc;

	if ((rc = flush(run)) != 0 || (rc = save_progress(run, "running")) != 0 ||
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
on_credit(const struct cr_credit *c, void *arg)
{
	struct run *run = arg;
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
		struct pending *p = &run->pend[run->npend++];

		p->c = *c;
		memcpy(p->key, key, sizeof p->key);
		p->id = 0;
		p->state = P_NEW;
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
	if ((rc = decide(run, c, &m)) != 0)
		return rc;
	count(im, cr_match_result_name(m.result));
	return 0;
}

/* The validation pass counts what is there; nothing else. */
static int
on_validate(const struct cr_credit *c, void *arg)
{
	(void)c;
	(void)arg;
	return 0;
}

/* The statements row of this file: found (and reused unless done), or made. */
static int
statement_row(struct run *run, const char *name, const char *source, const char *sha, int *done)
{
	struct cr_res res;
	long long by = run->actor ? run->actor->id : 0;
	int rc;

	*done = 0;
	if ((rc = cr_db_exec(run->db, &res, run->err,
	                     "SELECT id, status FROM statements WHERE file_sha256 = ?", "s", sha)) != 0)
		return rc;
	if (res.nrows) {
		run->statement_id = cr_res_i64(&res, 0, 0);
		*done = strcmp(cr_res_str(&res, 0, 1), "done") == 0;
		cr_res_release(&res);
		return 0;
	}
	cr_res_release(&res);
	rc = cr_db_exec(run->db, NULL, run->err,
	                "INSERT INTO statements (file_sha256, source, file_name, status, created_by, "
	                "created_at, updated_at)"
	                " VALUES (?, ?, ?, 'running', ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
	                "sssI", sha, source, name, by ? &by : NULL);
	if (rc == 0)
		run->statement_id = cr_db_insert_id(run->db);
	return rc;
}

static int
record_failure(struct run *run, const char *why)
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

/* One booking pass over the file, in batches; 0 when every credit is in. */
static int
book_file(struct run *run, const char *path, struct cr_statement_info *info)
{
	struct cr_import *im = run->out;
	int rc;

	im->entries = im->credits = im->matched = im->partial = im->overpaid = 0;
	im->needs_review = im->unmatched = im->duplicate = im->ignored = 0;
	seen_release(&run->seen);
	run->done = run->in_batch = 0;
	if (run->dry_run)
		return cr_camt_read(path, on_credit, run, info, run->err);
	if ((rc = cr_db_begin(run->db, run->err)) != 0)
		return rc;
	run->npend = 0;
	rc = cr_camt_read(path, on_credit, run, info, run->err);
	im->entries = info->entries;
	if (rc == 0)
		rc = flush(run);
	if (rc == 0)
		rc = save_progress(run, "done");
	return cr_db_end(run->db, rc, run->err);
}

int
cr_statement_import(struct cr_db *db, const struct cr_config *cfg, const char *path,
                    const struct cr_import_opts *opts, struct cr_import *out, struct cr_err *err)
{
	struct run run = {.db = db,
	                  .cfg = cfg,
	                  .opts = opts,
	                  .actor = opts->actor,
	                  .dry_run = opts->dry_run,
	                  .out = out,
	                  .err = err};
	const char *name = opts->name, *source = opts->source;
	int dry_run = opts->dry_run;
	struct cr_statement_info info;
	int rc, done, locked = 0;

	memset(out, 0, sizeof *out);
	run.cap = cfg->bank_batch < 1000 ? (size_t)cfg->bank_batch : 1000;
	if ((run.open = calloc(CR_MATCH_MAX_OPEN, sizeof *run.open)) == NULL ||
	    (!dry_run && (run.pend = calloc(run.cap, sizeof *run.pend)) == NULL)) {
		free(run.open);
		return cr_err_set(err, CR_ENOMEM, "statements: out of memory");
	}
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
	if ((rc = cr_camt_read(path, on_validate, NULL, &info, err)) != 0) {
		if (!dry_run)
			record_failure(&run, err->user[0] ? err->user : err->msg);
		goto out;
	}
	snprintf(out->kind, sizeof out->kind, "%s", info.kind);
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
	free(run.open);
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
	"id, file_sha256, source, file_name, kind, status, progress, entries, credits, matched, partial,"    \
	" overpaid, needs_review, unmatched, duplicate, ignored, error,"                                     \
	" DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%SZ'), DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%SZ'),"     \
	" DATE_FORMAT(finished_at, '%Y-%m-%dT%H:%i:%SZ')"

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
		json_object_set_new(o, "status_label",
		                    json_string(cr_status_label(CR_SM_STATEMENT, cr_res_str(res, i, 5))));
	return o;
}

int
cr_statements_list(struct cr_db *db, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc = cr_db_exec(db, &res, err,
	                    "SELECT " STATEMENT_COLUMNS " FROM statements ORDER BY id DESC LIMIT 200", "");

	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, statement_json(&res, i));
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int
cr_statement_get(struct cr_db *db, long long id, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	int rc = cr_db_one(db, &res, err, "statement",
	                   "SELECT " STATEMENT_COLUMNS " FROM statements WHERE id = ?", "i", id);

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
		*out = json_pack("{s:o, s:o}", "imports", imports, "open_credits", open);
		return 0;
	}
	json_decref(imports);
	json_decref(open);
	return rc;
}
