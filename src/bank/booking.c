/* Booking a batch of credits of a statement import: matching, payments, multi-row inserts, audit rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "booking.h"
#include "orderno.h"
#include "pay/pay.h"

void
cr_booking_count(struct cr_import *im, const char *status)
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

/* Looks up the orders the rules need and decides; the named ones locked when booking. */
static int load_suggest(struct cr_import_run *run, const struct cr_txn *const *c, size_t n);
static const struct cr_order_due *open_of_amount(const struct cr_import_run *run, long long amount,
                                                 size_t *n);

int
cr_booking_decide(struct cr_import_run *run, const struct cr_txn *c, struct cr_match *m)
{
	char cand[CR_MATCH_MAX_CANDIDATES][9];
	struct cr_order_due named[CR_MATCH_MAX_ORDERS];
	int ncand = cr_match_candidates(c->text, cand, CR_MATCH_MAX_CANDIDATES), nnamed = 0, rc;
	size_t nopen = 0;
	const struct cr_order_due *open = NULL;

	for (int i = 0; i < ncand && nnamed < CR_MATCH_MAX_ORDERS; i++) {
		if (!cr_orderno_valid(cand[i]))
			continue;
		rc = cr_order_due(run->db, cand[i], 0, &named[nnamed], run->err);
		if (rc == 0)
			nnamed++;
		else if (rc != CR_ENOTFOUND)
			return rc;
	}
	if (nnamed == 0) {
		if ((rc = load_suggest(run, &c, 1)) != 0)
			return rc;
		open = open_of_amount(run, c->amount_fen, &nopen);
	}
	cr_match_decide(c, named, nnamed, open, (int)nopen, m);
	cr_match_bound(c, run->cfg->bank_max_credit_fen, m);
	return 0;
}

static const char *
date_or_null(const char *d)
{
	return d[0] ? d : NULL;
}

#define KEYS 100 /* keys looked up by one statement */
#define ROWS 50  /* credits inserted by one statement */
/* The columns of a credit, in the order credit_args binds them, and one row's placeholders. */
#define CREDIT_FIELDS 19
#define CREDIT_COLUMNS                                                                                       \
	"credit_key, statement_id, entry_no, account, amount_fen, currency, booking_date, value_date,"       \
	" acct_svcr_ref, end_to_end_id, remittance, debtor_name, debtor_account, reversal, status,"          \
	" suggested_order_id, surplus_fen, payer_mismatch, reason, created_at"
#define CREDIT_ROW "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,UTC_TIMESTAMP(6))"

/*
 * Looks the keys of pend[from..from+n) up (n <= KEYS): what is booked
 * already is marked seen (this statement's, from an interrupted run) or a
 * duplicate (another's), and ids of this statement's are noted.
 */
static int
look_up(struct cr_import_run *run, size_t from, size_t n, int after_insert)
{
	struct cr_db_arg args[KEYS];
	const char *sql = cr_db_sql_repeat(
	    "SELECT credit_key, statement_id, status, id FROM credits WHERE credit_key IN (", "?", KEYS, ")");
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
			struct cr_pending *p = &run->pend[i];

			if (p->state != CR_PENDING_NEW || p->id || strcmp(p->key, key) != 0)
				continue;
			if (after_insert && ours) {
				p->id = cr_res_i64(&res, r, 3);
			} else if (after_insert || !ours) {
				p->state = CR_PENDING_DUP;
				run->out->duplicate++;
			} else {
				p->state = CR_PENDING_SEEN;
				cr_booking_count(run->out, cr_res_str(&res, r, 2));
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
	const struct cr_order_due *x = a, *y = b;

	return x->amount_fen != y->amount_fen ? (x->amount_fen < y->amount_fen ? -1 : 1)
	                                      : (x->id > y->id) - (x->id < y->id);
}

/* The open orders of this amount: a range of the list sorted by amount; *n how many (at most
 * CR_MATCH_MAX_OPEN). */
static const struct cr_order_due *
open_of_amount(const struct cr_import_run *run, long long amount, size_t *n)
{
	size_t lo = 0, hi = run->nopen_all;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (run->open_all[mid].amount_fen < amount)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (*n = 0; lo + *n < run->nopen_all && run->open_all[lo + *n].amount_fen == amount &&
	             *n < CR_MATCH_MAX_OPEN;)
		(*n)++;
	return run->open_all + lo;
}

#define SUGGEST_KEYS                                                                                         \
	50 /* (amount, payer) pairs, or twice as many order numbers, looked up by one statement */

/* A name as the orders' payer_key holds it: without ASCII spaces, tabs and U+3000 (schema 023). */
static void
payer_key(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	for (const char *p = in; *p && o + 1 < outlen;) {
		if (*p == ' ' || *p == '\t')
			p++;
		else if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
		         (unsigned char)p[2] == 0x80)
			p += 3;
		else
			out[o++] = *p++;
	}
	out[o] = '\0';
}

/* Appends the orders of res to run->open_all. */
static int
add_open(struct cr_import_run *run, struct cr_res *res)
{
	if (run->nopen_all + res->nrows > run->open_cap) {
		size_t want = run->nopen_all + res->nrows + 256;
		struct cr_order_due *grown = realloc(run->open_all, want * sizeof *grown);

		if (grown == NULL) {
			cr_res_release(res);
			return cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
		}
		run->open_all = grown;
		run->open_cap = want;
	}
	for (size_t i = 0; i < res->nrows; i++)
		cr_order_due_row(res, i, &run->open_all[run->nopen_all++]);
	cr_res_release(res);
	return 0;
}

/* Adds to nos the numbers that pass the check digit one slip from cand. */
static int
slips_of(const char *cand, char (**nos)[9], size_t *n, size_t *cap)
{
	char v[CR_ORDERNO_SLIPS_MAX][9];
	size_t k = cr_orderno_slips(cand, v, CR_ORDERNO_SLIPS_MAX);

	if (*n + k > *cap) {
		size_t want = *cap ? *cap * 2 : 64;
		char(*grown)[9];

		while (want < *n + k)
			want *= 2;
		if ((grown = realloc(*nos, want * sizeof **nos)) == NULL)
			return CR_ENOMEM;
		*nos = grown, *cap = want;
	}
	memcpy(*nos + *n, v, k * sizeof *v);
	*n += k;
	return 0;
}

/*
 * The open orders the suggestions of rules 2 and 3 may name for the credits
 * c[0..n) (those that name no order), looked up by index, never all of them:
 * the orders awaiting payment of a credit's amount and payer (schema 023's
 * payer_key; the collation folds case and full-width letters, and the rules
 * compare the names exactly again), and those whose number is one slip from
 * a number in a credit's text.  Into run->open_all, sorted by amount, each
 * once.
 */
static int
load_suggest(struct cr_import_run *run, const struct cr_txn *const *c, size_t n)
{
	const char *sql_payer = cr_db_sql_repeat("SELECT " CR_ORDER_DUE_COLUMNS " FROM orders WHERE status ="
	                                         " 'awaiting_payment' AND (amount_fen, payer_key) IN (",
	                                         "(?,?)", SUGGEST_KEYS, ")"),
	           *sql_number = cr_db_sql_repeat("SELECT " CR_ORDER_DUE_COLUMNS " FROM orders WHERE status ="
	                                          " 'awaiting_payment' AND order_no IN (",
	                                          "?", 2 * SUGGEST_KEYS, ")");
	char(*keys)[CR_TXN_NAME_MAX + 1] = calloc(SUGGEST_KEYS, sizeof *keys), (*nos)[9] = NULL,
	                              cand[CR_MATCH_MAX_CANDIDATES][9];
	struct cr_db_arg args[2 * SUGGEST_KEYS];
	size_t nnos = 0, capnos = 0, k = 0, kept = 0;
	struct cr_res res;
	int rc = 0;

	run->nopen_all = 0;
	if (sql_payer == NULL || sql_number == NULL || keys == NULL) {
		free(keys);
		return cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
	}
	for (size_t i = 0; rc == 0 && i <= n; i++) {
		/* Rule 3's candidates, SUGGEST_KEYS credits a statement. */
		if (i < n && c[i]->debtor_name[0]) {
			payer_key(c[i]->debtor_name, keys[k], sizeof keys[k]);
			args[2 * k] = (struct cr_db_arg){'i', c[i]->amount_fen, NULL};
			args[2 * k + 1] = (struct cr_db_arg){'s', 0, keys[k]};
			k++;
		}
		if (k == SUGGEST_KEYS || (i == n && k > 0)) {
			for (; k < SUGGEST_KEYS;
			     k++) /* one text for every call: (NULL, NULL) matches nothing */
				args[2 * k] = args[2 * k + 1] = (struct cr_db_arg){'n', 0, NULL};
			if ((rc = cr_db_exec_args(run->db, &res, run->err, sql_payer, args,
			                          2 * SUGGEST_KEYS)) == 0)
				rc = add_open(run, &res);
			k = 0;
		}
		/* Rule 2's: the numbers one slip from each number in the text. */
		if (i < n) {
			int nc = cr_match_candidates(c[i]->text, cand, CR_MATCH_MAX_CANDIDATES);

			for (int j = 0; rc == 0 && j < nc; j++)
				if (slips_of(cand[j], &nos, &nnos, &capnos) != 0)
					rc = cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
		}
	}
	for (size_t i = 0; rc == 0 && i < nnos; i += 2 * SUGGEST_KEYS) {
		for (size_t j = 0; j < 2 * SUGGEST_KEYS; j++)
			args[j] = i + j < nnos ? (struct cr_db_arg){'s', 0, nos[i + j]}
			                       : (struct cr_db_arg){'n', 0, NULL};
		if ((rc = cr_db_exec_args(run->db, &res, run->err, sql_number, args, 2 * SUGGEST_KEYS)) == 0)
			rc = add_open(run, &res);
	}
	free(keys);
	free(nos);
	if (rc != 0)
		return rc;
	/* By amount, then id: an order found both ways is there twice, side by side. */
	qsort(run->open_all, run->nopen_all, sizeof *run->open_all, by_amount);
	for (size_t i = 0; i < run->nopen_all; i++)
		if (kept == 0 || run->open_all[kept - 1].id != run->open_all[i].id)
			run->open_all[kept++] = run->open_all[i];
	run->nopen_all = kept;
	return 0;
}

static int
by_number(const void *a, const void *b)
{
	return strcmp(((const struct cr_order_due *)a)->order_no, ((const struct cr_order_due *)b)->order_no);
}

/* Locks and loads every order the batch's credits name (numbers that pass the check digit). */
static int
load_named(struct cr_import_run *run)
{
	char(*nos)[9] = NULL, cand[CR_MATCH_MAX_CANDIDATES][9];
	size_t n = 0, cap = 0;
	int rc = 0;

	run->nnamed = 0;
	for (size_t i = 0; i < run->npend; i++) {
		int k;

		if (run->pend[i].state != CR_PENDING_NEW)
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
		const char *sql =
		    cr_db_sql_repeat("SELECT " CR_ORDER_DUE_COLUMNS " FROM orders WHERE order_no IN (", "?",
		                     KEYS, ") ORDER BY id FOR UPDATE");

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
			struct cr_order_due *grown = realloc(run->named, want * sizeof *grown);

			if (grown == NULL) {
				cr_res_release(&res);
				rc = cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
				break;
			}
			run->named = grown;
			run->named_cap = want;
		}
		for (size_t r = 0; r < res.nrows; r++) {
			struct cr_order_due o;

			cr_order_due_row(&res, r, &o);
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
note_paid(struct cr_import_run *run, long long order_id, long long amount)
{
	for (size_t i = 0; i < run->nnamed; i++)
		if (run->named[i].id == order_id) {
			struct cr_order_due *o = &run->named[i];

			o->paid_fen += amount;
			snprintf(o->status, sizeof o->status, "%s",
			         o->paid_fen >= o->amount_fen ? "paid" : "partially_paid");
		}
}

static void
credit_args(struct cr_import_run *run, const struct cr_pending *p, struct cr_db_arg *a)
{
	const struct cr_txn *c = &p->c;
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

/*
 * Books one new credit that moves money, with its payments, at once (a later
 * credit of the batch may name the same order); p->id its row, or 0 when its
 * key was booked meanwhile by another import.
 */
static int
book(struct cr_import_run *run, struct cr_pending *p)
{
	struct cr_db_arg args[CREDIT_FIELDS];
	const struct cr_match *m = &p->m;
	long long credit_id;
	int rc;

	p->id = 0;
	credit_args(run, p, args);
	rc = cr_db_exec_args(run->db, NULL, run->err,
	                     "INSERT INTO credits (" CREDIT_COLUMNS ") VALUES " CREDIT_ROW, args,
	                     CREDIT_FIELDS);
	if (rc == CR_ECONFLICT)
		return 0; /* booked meanwhile by another import */
	if (rc != 0)
		return rc;
	credit_id = cr_db_insert_id(run->db);
	for (int i = 0; i < m->nalloc; i++)
		if ((rc = cr_payment_apply(
		         run->db, run->actor, &(struct cr_payment_src){.credit_id = credit_id},
		         m->alloc[i].order_id, m->alloc[i].amount_fen, m->payer_mismatch, run->err)) != 0)
			return rc;
	if (m->result == CR_MATCH_OVERPAID && m->nalloc > 0 &&
	    (rc = cr_payment_tell_surplus(run->db, m->alloc[0].order_id, "银行转账", p->c.amount_fen,
	                                  m->surplus_fen, run->err)) != 0)
		return rc;
	p->id = credit_id;
	return 0;
}

/* The orders of the batch p names (in run->named); *n how many, at most CR_MATCH_MAX_ORDERS. */
static void
named_of(const struct cr_import_run *run, const struct cr_pending *p, struct cr_order_due *named, int *n)
{
	char cand[CR_MATCH_MAX_CANDIDATES][9];
	int ncand = cr_match_candidates(p->c.text, cand, CR_MATCH_MAX_CANDIDATES);
	struct cr_order_due key, *o;

	*n = 0;
	for (int i = 0; i < ncand && *n < CR_MATCH_MAX_ORDERS; i++) {
		memcpy(key.order_no, cand[i], 9);
		if (run->nnamed &&
		    (o = bsearch(&key, run->named, run->nnamed, sizeof key, by_number)) != NULL)
			named[(*n)++] = *o;
	}
}

/* The suggestions' open orders for the credits of the batch that name no order. */
static int
suggest_batch(struct cr_import_run *run)
{
	const struct cr_txn **c = calloc(run->npend ? run->npend : 1, sizeof *c);
	struct cr_order_due named[CR_MATCH_MAX_ORDERS];
	size_t n = 0;
	int nnamed, rc;

	if (c == NULL)
		return cr_err_set(run->err, CR_ENOMEM, "statements: out of memory");
	for (size_t i = 0; i < run->npend; i++) {
		if (run->pend[i].state != CR_PENDING_NEW)
			continue;
		named_of(run, &run->pend[i], named, &nnamed);
		if (nnamed == 0)
			c[n++] = &run->pend[i].c;
	}
	rc = load_suggest(run, c, n);
	free(c);
	return rc;
}

/* Decides p, the named orders locked (and paid at once when it moves money). */
static int
decide_pending(struct cr_import_run *run, struct cr_pending *p)
{
	struct cr_order_due named[CR_MATCH_MAX_ORDERS];
	const struct cr_order_due *open = NULL;
	int nnamed, rc;
	size_t nopen = 0;

	named_of(run, p, named, &nnamed);
	if (nnamed == 0)
		open = open_of_amount(run, p->c.amount_fen, &nopen);
	cr_match_decide(&p->c, named, nnamed, open, (int)nopen, &p->m);
	cr_match_bound(&p->c, run->cfg->bank_max_credit_fen, &p->m);
	if (p->m.nalloc == 0)
		return 0;
	if ((rc = book(run, p)) != 0)
		return rc;
	if (p->id == 0) {
		p->state = CR_PENDING_DUP;
		run->out->duplicate++;
		return 0;
	}
	for (int i = 0; i < p->m.nalloc; i++)
		note_paid(run, p->m.alloc[i].order_id, p->m.alloc[i].amount_fen);
	return 0;
}

/* Inserts the new credits of pend[from..from+n) that are not booked yet (n <= ROWS) in one statement. */
static int
insert_rows(struct cr_import_run *run, size_t from, size_t n)
{
	struct cr_db_arg args[ROWS * CREDIT_FIELDS];
	size_t k = 0;
	const char *sql;
	int rc;

	for (size_t i = from; i < from + n; i++)
		if (run->pend[i].state == CR_PENDING_NEW && run->pend[i].id == 0)
			credit_args(run, &run->pend[i], &args[k++ * CREDIT_FIELDS]);
	if (k == 0)
		return 0;
	if ((sql = cr_db_sql_repeat("INSERT IGNORE INTO credits (" CREDIT_COLUMNS ") VALUES ", CREDIT_ROW, k,
	                            "")) == NULL)
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
int
cr_booking_flush(struct cr_import_run *run)
{
	struct cr_audit_row *rows;
	char(*ids)[24];
	size_t nrows = 0;
	int rc = 0;

	for (size_t i = 0; i < run->npend; i++)
		for (size_t j = 0; j < i && run->pend[i].state == CR_PENDING_NEW; j++)
			if (strcmp(run->pend[j].key, run->pend[i].key) == 0) {
				run->pend[i].state = CR_PENDING_DUP; /* the same credit twice in one file */
				run->out->duplicate++;
			}
	for (size_t i = 0; rc == 0 && i < run->npend; i += KEYS)
		rc = look_up(run, i, run->npend - i < KEYS ? run->npend - i : KEYS, 0);
	if (rc == 0)
		rc = load_named(run);
	if (rc == 0)
		rc = suggest_batch(run);
	for (size_t i = 0; rc == 0 && i < run->npend; i++)
		if (run->pend[i].state == CR_PENDING_NEW)
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
		struct cr_pending *p = &run->pend[i];

		if (p->state != CR_PENDING_NEW)
			continue;
		if (p->id == 0) {
			/* Inserted by another import between our look-up and our insert. */
			run->out->duplicate++;
			continue;
		}
		cr_booking_count(run->out, cr_match_result_name(p->m.result));
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
