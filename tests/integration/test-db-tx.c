/*
 * The db layer's transactions against the stack's MariaDB (CR_CONF): a
 * transaction the server rolled back behind the caller's back (a deadlock; on
 * Galera also a certification conflict or a brute-force abort) or whose
 * connection died must not go on.  MariaDB runs what follows such a rollback
 * in autocommit, one statement at a time, so every later statement of it and
 * its commit answer CR_ERETRY and nothing of it is kept; cr_db_tx then runs the
 * whole transaction again.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/tap.h"
#include "config.h"
#include "db.h"

static struct cr_config cfg;

/* How many rows WHERE says (a literal: the db layer keeps statements by their text's address). */
#define count(db, where) count_sql(db, "SELECT COUNT(*) FROM cr_test_db_tx WHERE " where)

static long long
count_sql(struct cr_db *db, const char *sql)
{
	struct cr_res res;
	struct cr_err err;
	long long n = -1;

	if (cr_db_exec(db, &res, &err, sql, "") == 0) {
		n = cr_res_i64(&res, 0, 0);
		cr_res_release(&res);
	}
	return n;
}

struct side {
	struct cr_db *db;
	int rc;
};

/* The other side of the deadlock: holds row 2, then asks for row 1. */
static void *
other(void *arg)
{
	struct side *s = arg;
	struct cr_err err;

	s->rc = cr_db_exec(s->db, NULL, &err, "UPDATE cr_test_db_tx SET v = 2 WHERE id = 1", "");
	return NULL;
}

static struct cr_db *killer;

/* Kills db's connection from another one. */
static int
kill_own(struct cr_db *db)
{
	struct cr_res res;
	struct cr_err err;
	long long id = 0;

	if (cr_db_exec(db, &res, &err, "SELECT CONNECTION_ID()", "") == 0) {
		id = cr_res_i64(&res, 0, 0);
		cr_res_release(&res);
	}
	return id > 0 ? cr_db_exec(killer, NULL, &err, "KILL ?", "i", id) : -1;
}

static int
retried(struct cr_db *db, void *arg, struct cr_err *err)
{
	int *runs = arg, rc;

	(*runs)++;
	rc = cr_db_exec(db, NULL, err, "INSERT INTO cr_test_db_tx (id, v) VALUES (?, 0)", "i",
	                (long long)(200 + *runs));
	/* The first run loses its connection half-way. */
	if (rc == 0 && *runs == 1 && kill_own(db) == 0)
		rc = cr_db_exec(db, NULL, err, "INSERT INTO cr_test_db_tx (id, v) VALUES (300, 0)", "");
	return rc;
}

int
main(void)
{
	const char *path = getenv("CR_CONF");
	struct cr_db *a, *b, *c;
	struct cr_err err;
	struct cr_res res;
	struct side s;
	pthread_t t;
	int rc, runs = 0;

	cr_db_global_init();
	if (path == NULL || cr_config_load(&cfg, path, &err) != 0) {
		printf("Bail out! CR_CONF: %s\n", path ? err.msg : "not set (run from contrib/dev.sh test)");
		return 1;
	}
	if (cr_db_open(&a, &cfg, &err) != 0 || cr_db_open(&b, &cfg, &err) != 0 ||
	    cr_db_open(&c, &cfg, &err) != 0) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	rc = cr_db_script(c,
	                  "DROP TABLE IF EXISTS cr_test_db_tx; CREATE TABLE cr_test_db_tx"
	                  " (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB;"
	                  " INSERT INTO cr_test_db_tx VALUES (1, 0), (2, 0)",
	                  &err);
	ok(rc == 0, "a scratch table");

	/* A deadlock: a holds row 1 and waits for row 2, b holds row 2 and asks for row 1. */
	ok(cr_db_begin(a, &err) == 0 && cr_db_begin(b, &err) == 0, "two transactions");
	ok(cr_db_exec(a, NULL, &err, "UPDATE cr_test_db_tx SET v = 1 WHERE id = 1", "") == 0 &&
	       cr_db_exec(b, NULL, &err, "UPDATE cr_test_db_tx SET v = 2 WHERE id = 2", "") == 0,
	   "each holds a row");
	s.db = b;
	pthread_create(&t, NULL, other, &s);
	usleep(300 * 1000);
	rc = cr_db_exec(a, NULL, &err, "UPDATE cr_test_db_tx SET v = 1 WHERE id = 2", "");
	pthread_join(t, NULL);
	/* InnoDB rolls back one of them, the one that closed the cycle as a rule. */
	struct cr_db *victim = rc != 0 ? a : b, *winner = rc != 0 ? b : a;
	ok((rc != 0) != (s.rc != 0) && (rc == CR_ERETRY || s.rc == CR_ERETRY),
	   "one of them is rolled back by a deadlock (CR_ERETRY)");
	rc = cr_db_exec(victim, NULL, &err, "INSERT INTO cr_test_db_tx (id, v) VALUES (3, 3)", "");
	ok(rc == CR_ERETRY,
	   "the next statement of the rolled-back transaction is refused, not run on its own");
	ok(cr_db_commit(victim, &err) == CR_ERETRY, "and its commit answers CR_ERETRY");
	ok(cr_db_commit(winner, &err) == 0, "the other commits");
	ok(count(c, "id = 3") == 0, "nothing of the rolled-back transaction was kept");
	ok(cr_db_in_tx(victim) == 0, "the victim is out of its transaction");

	/* The connection killed under an open transaction. */
	killer = c;
	ok(cr_db_begin(a, &err) == 0 &&
	       cr_db_exec(a, NULL, &err, "INSERT INTO cr_test_db_tx (id, v) VALUES (4, 4)", "") == 0,
	   "a transaction writes");
	ok(kill_own(a) == 0, "its connection is killed");
	rc = cr_db_exec(a, &res, &err, "SELECT COUNT(*) FROM cr_test_db_tx", "");
	if (rc == 0)
		cr_res_release(&res);
	ok(rc == CR_ERETRY, "a read of the lost transaction answers CR_ERETRY (not read again on a new "
	                    "connection)");
	rc = cr_db_exec(a, NULL, &err, "INSERT INTO cr_test_db_tx (id, v) VALUES (5, 5)", "");
	ok(rc == CR_ERETRY, "a write after it is refused too: it would run on its own on a new connection");
	ok(cr_db_commit(a, &err) == CR_ERETRY, "the commit answers CR_ERETRY");
	ok(count(c, "id IN (4, 5)") == 0, "nothing of it was kept");

	/* cr_db_tx: the run that lost its connection half-way is run again whole, on a new one. */
	ok(cr_db_tx(a, retried, &runs, &err) == 0, "cr_db_tx commits in the end");
	ok(runs == 2, "on its second run (%d)", runs);
	ok(count(c, "id = 202") == 1 && count(c, "id IN (201, 300)") == 0,
	   "only the second run's row is kept: nothing of the first, before or after the loss");
	cr_db_script(c, "DROP TABLE cr_test_db_tx", &err);
	cr_db_free(a);
	cr_db_free(b);
	cr_db_free(c);
	return tap_done();
}
