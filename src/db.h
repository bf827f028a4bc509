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

#include <mysql.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"

#define CR_DB_CACHE 96

struct cr_db {
	MYSQL *my;
	const struct cr_config *cfg;
	int in_tx;
	unsigned long long affected;
	unsigned long long insert_id;
	unsigned ncache;
	struct {
		const char *sql;
		MYSQL_STMT *st;
	} cache[CR_DB_CACHE];
};

struct cr_res {
	unsigned ncols;
	size_t nrows;
	char **cell;	     /* nrows * ncols, row-major; NULL for SQL NULL */
	unsigned long *len;  /* byte length of each cell */
};

/* Once per process, before any thread uses the database. */
void cr_db_global_init(void);

int cr_db_open(struct cr_db *db, const struct cr_config *cfg, struct cr_err *err);
void cr_db_close(struct cr_db *db);
/* Checks the server answers (reconnecting if needed). */
int cr_db_ping(struct cr_db *db, struct cr_err *err);

int cr_db_exec(struct cr_db *db, struct cr_res *res, struct cr_err *err, const char *sql,
	       const char *types, ...);

int cr_db_begin(struct cr_db *db, struct cr_err *err);
int cr_db_commit(struct cr_db *db, struct cr_err *err);
/* Never fails from the caller's view; a lost connection is dropped. */
void cr_db_rollback(struct cr_db *db);

/* Runs a multi-statement SQL script (migrations); not prepared, not cached. */
int cr_db_script(struct cr_db *db, const char *text, struct cr_err *err);

const char *cr_res_str(const struct cr_res *res, size_t row, unsigned col);
/* The cell as an integer; 0 when NULL. */
long long cr_res_i64(const struct cr_res *res, size_t row, unsigned col);
void cr_res_release(struct cr_res *res);

#endif
