/*
 * The state of one statement import, shared by statements.c (the passes over
 * the file, the statement's row) and booking.c (matching and booking a
 * batch of credits).  Internal to the wing: callers use bank.h.
 */
#ifndef CR_BOOKING_H
#define CR_BOOKING_H

#include <stddef.h>

#include "bank.h"
#include "match.h"

/* Records a statement received for a later import (an upload): status queued; *id its row. */
int cr_statement_queue(struct cr_db *db, const char *sha256, const char *name, const char *source,
                       const struct cr_actor *actor, long long *id, int *done, struct cr_err *err);

/* Occurrences of content keys within one file: two identical payments on one day are two payments. */
struct cr_seen {
	struct {
		unsigned char key[16];
		int count;
	} * slot;
	size_t cap, used;
};

struct cr_import_run {
	struct cr_db *db;
	const struct cr_config *cfg;
	const struct cr_import_opts *opts;
	const struct cr_actor *actor;
	int dry_run;
	long long statement_id;
	struct cr_import *out;
	struct cr_err *err;
	struct cr_seen seen;
	long long total, done; /* transactions in the file, and handled so far */
	long long in_batch;
	int stopped;             /* on_batch said stop: not a failure of the file */
	struct cr_pending *pend; /* the batch being gathered (booking pass) */
	size_t npend, cap;
	struct cr_order_due
	    *open_all; /* orders awaiting payment the batch's suggestions may name, by amount */
	size_t nopen_all, open_cap;
	struct cr_order_due *named; /* the orders the batch names, by number, locked */
	size_t nnamed, named_cap;
};

/* A credit of the batch, from the file to its booking. */
struct cr_pending {
	struct cr_txn c;
	char key[65];
	struct cr_match m;
	long long id; /* its row, once booked */
	int state;
};

enum { CR_PENDING_NEW, CR_PENDING_SEEN, CR_PENDING_DUP };

/* Counts one booked credit by its stored status into im. */
void cr_booking_count(struct cr_import *im, const char *status);
/* A dry run's decision on one credit: the orders it needs looked up (not locked), nothing written. */
int cr_booking_decide(struct cr_import_run *run, const struct cr_txn *c, struct cr_match *m);
/*
 * Books the gathered batch (run->pend[0..npend)) inside the caller's
 * transaction: one look-up of every key, the named orders locked, money
 * moved at once, new credits in multi-row statements, their audit rows
 * chained under one head lock.
 */
int cr_booking_flush(struct cr_import_run *run);

#endif
