/*
 * MariaDB access: one connection, every statement prepared once and cached.
 *
 * cr_db_exec(db, res, err, sql, types, ...) binds one argument per
 * character of types:
 *   'i'  long long           'I'  const long long * (NULL gives SQL NULL)
 *   's'  const char *        (NUL-terminated; NULL gives SQL NULL)
 *   'b'  const void *, size_t (binary data)
 * sql must be a string with static storage (a literal): the cache is keyed
 * on its address.  A lost connection is reopened and the statement retried
 * once, unless a transaction was open (then CR_ERETRY is returned and the
 * caller decides).  A deadlock or lock wait time-out also gives CR_ERETRY;
 * a duplicate key gives CR_ECONFLICT.
 *
 * Results: if res is not NULL it receives every row as strings (cells are
 * NULL for SQL NULL); the caller frees it with cr_res_release.
 * One struct cr_db is used by one thread at a time.
 */
#ifndef CR_DB_H
#define CR_DB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"

/* One connection with its statement cache; opaque. */
struct cr_db;

struct cr_res {
	unsigned ncols;
	size_t nrows;
	char **cell;        /* nrows * ncols, row-major; NULL for SQL NULL */
	unsigned long *len; /* byte length of each cell */
};

/* Once per process, before any thread uses the database. */
void cr_db_global_init(void);

/* Connects; *out is the caller's to free with cr_db_free (NULL on failure). */
int cr_db_open(struct cr_db **out, const struct cr_config *cfg, struct cr_err *err);
/*
 * The same for certrenewctl: a statement's answer may take an hour (a check of
 * years of rows), not [db] timeout; connecting still gives up after it.
 */
int cr_db_open_admin(struct cr_db **out, const struct cr_config *cfg, struct cr_err *err);
/* Closes the connection and frees db (NULL is fine). */
void cr_db_free(struct cr_db *db);
/* Checks the server answers (reconnecting if needed). */
int cr_db_ping(struct cr_db *db, struct cr_err *err);

int cr_db_exec(struct cr_db *db, struct cr_res *res, struct cr_err *err, const char *sql, const char *types,
               ...);
int cr_db_vexec(struct cr_db *db, struct cr_res *res, struct cr_err *err, const char *sql, const char *types,
                va_list ap);
/*
 * As cr_db_exec for a query that must give exactly one row: none is
 * CR_ENOTFOUND ("<what> not found" in err->msg) and res is then empty.
 */
int cr_db_one(struct cr_db *db, struct cr_res *res, struct cr_err *err, const char *what, const char *sql,
              const char *types, ...);
/*
 * One bound value of cr_db_exec_args, for statements whose number of values
 * is not known when the code is written (multi-row INSERTs of a batch):
 * type 'i' (i), 's' (s; NULL gives SQL NULL) or 'n' (SQL NULL).
 */
struct cr_db_arg {
	char type;
	long long i;
	const char *s;
};
/*
 * As cr_db_exec with the values in an array.  Meant for statements inside
 * a transaction (no retry on a lost connection); sql must still be of
 * static storage (built once, e.g. into a static buffer).
 */
int cr_db_exec_args(struct cr_db *db, struct cr_res *res, struct cr_err *err, const char *sql,
                    const struct cr_db_arg *args, unsigned n);
/*
 * The SQL text head, then rows copies of row joined by ',', then tail: the
 * placeholders of a multi-row INSERT ("(?,?,?)") or of an IN list ("?").
 * Built once for each (head, row, rows, tail), compared by address, and
 * kept for the process's life, because the statement cache keys on the
 * text's address.  NULL when out of memory.
 */
const char *cr_db_sql_repeat(const char *head, const char *row, size_t rows, const char *tail);
/* Of the last statement: rows changed (found, for UPDATE), and the AUTO_INCREMENT id it made. */
long long cr_db_affected(const struct cr_db *db);
long long cr_db_insert_id(const struct cr_db *db);
/* 1 while a transaction begun with cr_db_begin is open. */
int cr_db_in_tx(const struct cr_db *db);

int cr_db_begin(struct cr_db *db, struct cr_err *err);
/* A read-only transaction over one consistent snapshot (end it with cr_db_commit). */
int cr_db_begin_snapshot(struct cr_db *db, struct cr_err *err);
int cr_db_commit(struct cr_db *db, struct cr_err *err);
/* Never fails from the caller's view; a lost connection is dropped. */
void cr_db_rollback(struct cr_db *db);
/*
 * Ends the transaction of a change that returned rc: commits when rc is 0
 * (the commit's own failure is returned), else rolls back and returns rc.
 */
int cr_db_end(struct cr_db *db, int rc, struct cr_err *err);
/*
 * Runs step(db, arg, err) as one transaction: committed when it returns 0,
 * rolled back otherwise.  A transaction that meets a deadlock, a lock-wait
 * time-out, a Galera certification failure or a lost connection (CR_ERETRY,
 * from a statement or the commit) is run again whole after a short random
 * pause (up to 0.65 s, random), CR_DB_TX_ATTEMPTS times at most, instead of failing the request: on a
 * Galera cluster written through several nodes a hot row (the audit head) fails certification often.
 * step must be safe to run again: it decides on what it reads inside the
 * transaction, and what it writes is keyed so that a commit whose outcome
 * was unknown is not applied twice.
 */
#define CR_DB_TX_ATTEMPTS 8
/*
 * Calls fn once the open transaction commits (not at all when it rolls
 * back): what must be seen only after the data it speaks of, such as waking
 * the daemons for a job queued inside it.  One function per transaction.
 */
void cr_db_after_commit(struct cr_db *db, void (*fn)(void));
int cr_db_tx(struct cr_db *db, int (*step)(struct cr_db *db, void *arg, struct cr_err *err), void *arg,
             struct cr_err *err);

/* Runs a multi-statement SQL script (migrations); not prepared, not cached. */
int cr_db_script(struct cr_db *db, const char *text, struct cr_err *err);

const char *cr_res_str(const struct cr_res *res, size_t row, unsigned col);
/* The cell as an integer; 0 when NULL. */
long long cr_res_i64(const struct cr_res *res, size_t row, unsigned col);
void cr_res_release(struct cr_res *res);

#endif
