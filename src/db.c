#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"

#define MAX_PARAMS 32
#define CACHE_SIZE 96

struct cr_db {
	MYSQL *my;
	const struct cr_config *cfg;
	int in_tx;
	/*
	 * The open transaction is gone on the server: the connection was lost,
	 * or a deadlock (on Galera also a certification conflict) rolled it back.
	 * The server then runs what follows in autocommit, one statement at a
	 * time, so nothing more is sent until the caller rolls back and starts
	 * over (cr_db_tx).
	 */
	int tx_lost;
	void (*after_commit)(void); /* called once the open transaction commits (cr_db_after_commit) */
	unsigned long long affected;
	unsigned long long insert_id;
	int host_at; /* which of [db] host's nodes answered last: tried first next time */
	/* Seconds a statement's answer may take: [db] timeout, or an hour for certrenewctl. */
	unsigned read_timeout;
	unsigned ncache;
	struct {
		const char *sql;
		MYSQL_STMT *st;
	} cache[CACHE_SIZE];
};

void
cr_db_global_init(void)
{
	mysql_library_init(0, NULL, NULL);
}

static void
cache_clear(struct cr_db *db)
{
	for (unsigned i = 0; i < db->ncache; i++)
		mysql_stmt_close(db->cache[i].st);
	db->ncache = 0;
}

/*
 * The i-th entry of [db] host ("node1:3306, node2, …") into host and *port (the [db] port when it names
 * none); 0 when there is no such entry.
 */
static int
host_entry(const struct cr_config *cfg, int i, char *host, size_t hostlen, unsigned *port)
{
	const char *p = cfg->db_host;

	for (int k = 0; k < i && p; k++)
		if ((p = strchr(p, ',')) != NULL)
			p++;
	if (p == NULL)
		return 0;
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, ",");
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n == 0 || n >= hostlen)
		return 0;
	memcpy(host, p, n);
	host[n] = '\0';
	*port = (unsigned)cfg->db_port;
	/* host:port, but not an IPv6 address without brackets */
	char *colon = strrchr(host, ':');
	if (colon && strchr(host, ':') == colon && colon[1]) {
		*port = (unsigned)strtoul(colon + 1, NULL, 10);
		*colon = '\0';
	}
	return 1;
}

static int
connect_one(struct cr_db *db, const char *host, unsigned port, struct cr_err *err)
{
	const struct cr_config *cfg = db->cfg;
	unsigned int timeout = (unsigned int)cfg->db_timeout, reads = db->read_timeout;
	my_bool off = 0;
	const char *init = "SET time_zone = '+00:00'";

	if ((db->my = mysql_init(NULL)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "db: out of memory");
	mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->my, MYSQL_OPT_READ_TIMEOUT, &reads);
	mysql_options(db->my, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(db->my, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->my, MYSQL_INIT_COMMAND, init);
	/* A Galera node that is not part of the primary component refuses queries (1047): the next one is
	 * tried. */
	if (mysql_real_connect(db->my, host, cfg->db_user, cfg->db_password, cfg->db_name, port,
	                       host ? NULL : cfg->db_socket,
	                       CLIENT_MULTI_STATEMENTS | CLIENT_FOUND_ROWS) == NULL ||
	    mysql_query(db->my, "SELECT 1") != 0) {
		cr_err_set(err, CR_EDB, "db: connect to %s: %s", host ? host : cfg->db_socket,
		           mysql_error(db->my));
		mysql_close(db->my);
		db->my = NULL;
		return CR_EDB;
	}
	mysql_free_result(mysql_store_result(db->my));
	return 0;
}

/* Connects to the socket, or to the first node of [db] host that answers, starting with the last that did. */
static int
db_connect(struct cr_db *db, struct cr_err *err)
{
	const struct cr_config *cfg = db->cfg;
	int n = 0, rc = CR_EDB;
	char host[256];
	unsigned port;

	if (cfg->db_host[0] == '\0')
		return connect_one(db, NULL, 0, err);
	while (host_entry(cfg, n, host, sizeof host, &port))
		n++;
	if (n == 0)
		return cr_err_set(err, CR_EINVAL, "db: host names no server");
	for (int k = 0; k < n; k++) {
		int i = (db->host_at + k) % n;

		host_entry(cfg, i, host, sizeof host, &port);
		if ((rc = connect_one(db, host, port, err)) == 0) {
			if (i != db->host_at)
				cr_warn("db: connected to %s:%u (of %d servers in [db] host)", host, port, n);
			db->host_at = i;
			return 0;
		}
	}
	return rc;
}

static int
db_open(struct cr_db **out, const struct cr_config *cfg, unsigned read_timeout, struct cr_err *err)
{
	struct cr_db *db = calloc(1, sizeof *db);
	int rc;

	*out = NULL;
	if (db == NULL)
		return cr_err_set(err, CR_ENOMEM, "db: out of memory");
	db->cfg = cfg;
	db->read_timeout = read_timeout;
	if ((rc = db_connect(db, err)) != 0) {
		free(db);
		return rc;
	}
	*out = db;
	return 0;
}

int
cr_db_open(struct cr_db **out, const struct cr_config *cfg, struct cr_err *err)
{
	return db_open(out, cfg, (unsigned)cfg->db_timeout, err);
}

/* Checks and exports read every row of years of data: an hour for one statement's answer. */
#define ADMIN_READ_TIMEOUT 3600

int
cr_db_open_admin(struct cr_db **out, const struct cr_config *cfg, struct cr_err *err)
{
	return db_open(out, cfg,
	               cfg->db_timeout > ADMIN_READ_TIMEOUT ? (unsigned)cfg->db_timeout : ADMIN_READ_TIMEOUT,
	               err);
}

void
cr_db_free(struct cr_db *db)
{
	if (db == NULL)
		return;
	cache_clear(db);
	if (db->my)
		mysql_close(db->my);
	free(db);
}

long long
cr_db_affected(const struct cr_db *db)
{
	return (long long)db->affected;
}

long long
cr_db_insert_id(const struct cr_db *db)
{
	return (long long)db->insert_id;
}

int
cr_db_in_tx(const struct cr_db *db)
{
	return db->in_tx;
}

/* The connection is of no more use: gone, or (1047) its Galera node left the primary component, so that the
 * next connection goes to another node of [db] host. */
static int
lost_connection(unsigned int e)
{
	return e == ER_UNKNOWN_COM_ERROR || e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	       e == CR_CONN_HOST_ERROR || e == CR_CONNECTION_ERROR || e == ER_CONNECTION_KILLED ||
	       e == CR_SERVER_LOST_EXTENDED || e == CR_COMMANDS_OUT_OF_SYNC || e == ER_SERVER_SHUTDOWN;
}

/* Forgets a broken connection: the next statement opens a new one. */
static void
drop_connection(struct cr_db *db)
{
	cache_clear(db);
	if (db->my)
		mysql_close(db->my);
	db->my = NULL;
	if (db->in_tx)
		db->tx_lost = 1;
}

static int
reconnect(struct cr_db *db, struct cr_err *err)
{
	drop_connection(db);
	return db_connect(db, err);
}

/* Maps a server error number to our code. */
static int
map_errno(unsigned int e)
{
	if (e == ER_DUP_ENTRY || e == ER_DUP_KEY)
		return CR_ECONFLICT;
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT || lost_connection(e))
		return CR_ERETRY;
	return CR_EDB;
}

int
cr_db_ping(struct cr_db *db, struct cr_err *err)
{
	if (db->my && mysql_ping(db->my) == 0)
		return 0;
	return reconnect(db, err);
}

/* The prepared statement of sql, from the cache or prepared now; 0 or a CR_E* code. */
static int
stmt_get(struct cr_db *db, const char *sql, MYSQL_STMT **out, unsigned int *eno, struct cr_err *err)
{
	MYSQL_STMT *st;
	my_bool yes = 1;
	int rc;

	if (db->tx_lost) {
		*eno = 0;
		return cr_err_set(err, CR_ERETRY, "db: the transaction was rolled back; it must start over");
	}
	for (unsigned i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql) {
			*out = db->cache[i].st;
			return 0;
		}
	if (db->my == NULL) {
		*eno = CR_SERVER_GONE_ERROR;
		return cr_err_set(err, CR_ERETRY, "db: not connected");
	}
	if ((st = mysql_stmt_init(db->my)) == NULL) {
		*eno = mysql_errno(db->my);
		return cr_err_set(err, CR_ENOMEM, "db: statement: %s", mysql_error(db->my));
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		*eno = mysql_stmt_errno(st);
		if (map_errno(*eno) == CR_ERETRY && db->in_tx)
			db->tx_lost = 1; /* a deadlock heard here has rolled the transaction back too */
		rc = cr_err_set(err, map_errno(*eno), "db: prepare %.60s: %s", sql, mysql_stmt_error(st));
		mysql_stmt_close(st);
		return rc;
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &yes);
	if (db->ncache == CACHE_SIZE) {
		/* Full: drop the oldest. */
		mysql_stmt_close(db->cache[0].st);
		memmove(&db->cache[0], &db->cache[1], sizeof db->cache[0] * (CACHE_SIZE - 1));
		db->ncache--;
	}
	db->cache[db->ncache].sql = sql;
	db->cache[db->ncache].st = st;
	db->ncache++;
	*out = st;
	return 0;
}

struct params {
	MYSQL_BIND bind[MAX_PARAMS];
	unsigned long len[MAX_PARAMS];
	long long ival[MAX_PARAMS];
	unsigned n;
};

static int
params_bind(struct params *p, const char *types, va_list ap, struct cr_err *err)
{
	memset(p, 0, sizeof *p);
	for (const char *t = types; *t; t++) {
		MYSQL_BIND *b;
		const long long *ip;
		const char *s;

		if (p->n == MAX_PARAMS)
			return cr_err_set(err, CR_EINVAL, "db: too many parameters");
		b = &p->bind[p->n];
		switch (*t) {
		case 'i':
			p->ival[p->n] = va_arg(ap, long long);
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &p->ival[p->n];
			break;
		case 'I':
			ip = va_arg(ap, long long *);
			if (ip == NULL) {
				b->buffer_type = MYSQL_TYPE_NULL;
			} else {
				p->ival[p->n] = *ip;
				b->buffer_type = MYSQL_TYPE_LONGLONG;
				b->buffer = &p->ival[p->n];
			}
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL) {
				b->buffer_type = MYSQL_TYPE_NULL;
			} else {
				b->buffer_type = MYSQL_TYPE_STRING;
				b->buffer = (void *)s;
				p->len[p->n] = strlen(s);
				b->buffer_length = p->len[p->n];
				b->length = &p->len[p->n];
			}
			break;
		case 'b':
			b->buffer_type = MYSQL_TYPE_BLOB;
			b->buffer = (void *)va_arg(ap, const void *);
			p->len[p->n] = va_arg(ap, size_t);
			b->buffer_length = p->len[p->n];
			b->length = &p->len[p->n];
			break;
		default: return cr_err_set(err, CR_EINVAL, "db: bad parameter type '%c'", *t);
		}
		p->n++;
	}
	return 0;
}

/* Reads every row of an executed statement into res. */
static int
fetch_all(MYSQL_STMT *st, struct cr_res *res, struct cr_err *err)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	MYSQL_FIELD *fields;
	MYSQL_BIND *bind = NULL;
	unsigned long *lens = NULL;
	my_bool *nulls = NULL;
	char **bufs = NULL;
	unsigned ncols;
	size_t cap = 0;
	int rc = 0;

	memset(res, 0, sizeof *res);
	if (meta == NULL)
		return 0; /* no result set */
	if (mysql_stmt_store_result(st) != 0) {
		mysql_free_result(meta);
		return cr_err_set(err, map_errno(mysql_stmt_errno(st)), "db: store result: %s",
		                  mysql_stmt_error(st));
	}
	ncols = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	bind = calloc(ncols, sizeof *bind);
	lens = calloc(ncols, sizeof *lens);
	nulls = calloc(ncols, sizeof *nulls);
	bufs = calloc(ncols, sizeof *bufs);
	if (!bind || !lens || !nulls || !bufs) {
		rc = cr_err_set(err, CR_ENOMEM, "db: out of memory");
		goto out;
	}
	for (unsigned c = 0; c < ncols; c++) {
		unsigned long size = fields[c].max_length;

		if (size < 64)
			size = 64;
		if ((bufs[c] = malloc(size + 1)) == NULL) {
			rc = cr_err_set(err, CR_ENOMEM, "db: out of memory");
			goto out;
		}
		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer = bufs[c];
		bind[c].buffer_length = size;
		bind[c].length = &lens[c];
		bind[c].is_null = &nulls[c];
	}
	if (mysql_stmt_bind_result(st, bind) != 0) {
		rc = cr_err_set(err, CR_EDB, "db: bind result: %s", mysql_stmt_error(st));
		goto out;
	}
	res->ncols = ncols;
	for (;;) {
		int f = mysql_stmt_fetch(st);

		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1) {
			rc = cr_err_set(err, map_errno(mysql_stmt_errno(st)), "db: fetch: %s",
			                mysql_stmt_error(st));
			goto out;
		}
		if (res->nrows == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **ncell = realloc(res->cell, ncap * ncols * sizeof *ncell);
			unsigned long *nlen;

			if (ncell == NULL) {
				rc = cr_err_set(err, CR_ENOMEM, "db: out of memory");
				goto out;
			}
			res->cell = ncell;
			nlen = realloc(res->len, ncap * ncols * sizeof *nlen);
			if (nlen == NULL) {
				rc = cr_err_set(err, CR_ENOMEM, "db: out of memory");
				goto out;
			}
			res->len = nlen;
			cap = ncap;
		}
		for (unsigned c = 0; c < ncols; c++) {
			size_t i = res->nrows * ncols + c;
			char *v;

			res->len[i] = nulls[c] ? 0 : lens[c];
			res->cell[i] = NULL;
			if (nulls[c])
				continue;
			if ((v = malloc(lens[c] + 1)) == NULL) {
				for (unsigned k = 0; k < c; k++)
					free(res->cell[res->nrows * ncols + k]);
				rc = cr_err_set(err, CR_ENOMEM, "db: out of memory");
				goto out;
			}
			if (lens[c] > bind[c].buffer_length) {
				/* Truncated: fetch the whole column. */
				MYSQL_BIND one;

				memset(&one, 0, sizeof one);
				one.buffer_type = MYSQL_TYPE_STRING;
				one.buffer = v;
				one.buffer_length = lens[c];
				mysql_stmt_fetch_column(st, &one, c, 0);
			} else {
				memcpy(v, bufs[c], lens[c]);
			}
			v[lens[c]] = '\0';
			res->cell[i] = v;
		}
		res->nrows++;
	}
out:
	if (rc != 0)
		cr_res_release(res);
	if (bufs)
		for (unsigned c = 0; c < ncols; c++)
			free(bufs[c]);
	free(bufs);
	free(bind);
	free(lens);
	free(nulls);
	mysql_stmt_free_result(st);
	mysql_free_result(meta);
	return rc;
}

/* The server still holds the transaction this connection began. */
static int
server_in_tx(struct cr_db *db)
{
	unsigned int status = 0;

	return db->my && mariadb_get_infov(db->my, MARIADB_CONNECTION_SERVER_STATUS, &status) == 0 &&
	       (status & SERVER_STATUS_IN_TRANS);
}

/* Executes a bound statement and reads its result (into res when not NULL); *eno the server's error. */
static int
run_stmt(struct cr_db *db, MYSQL_STMT *st, struct cr_res *res, const char *sql, unsigned int *eno,
         struct cr_err *err)
{
	int rc;

	if (mysql_stmt_execute(st) != 0) {
		int code;

		*eno = mysql_stmt_errno(st);
		code = map_errno(*eno);
		if (code == CR_ERETRY && db->in_tx)
			db->tx_lost = 1;
		return cr_err_set(err, code, "db: %.60s: %s", sql, mysql_stmt_error(st));
	}
	db->affected = mysql_stmt_affected_rows(st);
	db->insert_id = mysql_stmt_insert_id(st);
	if (res && (rc = fetch_all(st, res, err)) != 0)
		return rc;
	if (res == NULL) {
		mysql_stmt_store_result(st);
		mysql_stmt_free_result(st);
	}
	/*
	 * On Galera a transaction can be rolled back under its client (a
	 * brute-force abort by a write set of another node) without the next
	 * statement hearing of it: that statement then ran on its own.  Seen
	 * here, the transaction goes no further, so at most that one statement
	 * is outside it (a read, as a rule: every write path reads first).
	 */
	if (db->in_tx && !server_in_tx(db)) {
		db->tx_lost = 1;
		if (res)
			cr_res_release(res);
		return cr_err_set(
		    err, CR_ERETRY,
		    "db: %.60s: the transaction was rolled back under it (a conflict); it starts over", sql);
	}
	return 0;
}

static int
exec_once(struct cr_db *db, struct cr_res *res, const char *sql, const char *types, va_list ap,
          unsigned int *eno, int *sent, struct cr_err *err)
{
	struct params p;
	MYSQL_STMT *st = NULL;
	int rc;

	*eno = 0;
	*sent = 0;
	if ((rc = stmt_get(db, sql, &st, eno, err)) != 0)
		return rc;
	if ((rc = params_bind(&p, types, ap, err)) != 0)
		goto out;
	if (mysql_stmt_param_count(st) != p.n) {
		rc = cr_err_set(err, CR_EINVAL, "db: %.60s: %lu parameters, %u given", sql,
		                mysql_stmt_param_count(st), p.n);
		goto out;
	}
	if (p.n && mysql_stmt_bind_param(st, p.bind) != 0) {
		*eno = mysql_stmt_errno(st);
		rc = cr_err_set(err, CR_EDB, "db: bind: %s", mysql_stmt_error(st));
		goto out;
	}
	*sent = 1;
	rc = run_stmt(db, st, res, sql, eno, err);
out:
	return rc;
}

int
cr_db_exec_args(struct cr_db *db, struct cr_res *res, struct cr_err *err, const char *sql,
                const struct cr_db_arg *args, unsigned n)
{
	MYSQL_BIND *bind = calloc(n ? n : 1, sizeof *bind);
	unsigned long *len = calloc(n ? n : 1, sizeof *len);
	MYSQL_STMT *st = NULL;
	unsigned int eno = 0;
	int rc;

	if (bind == NULL || len == NULL) {
		rc = cr_err_set(err, CR_ENOMEM, "db: out of memory");
		goto out;
	}
	if ((rc = stmt_get(db, sql, &st, &eno, err)) != 0)
		goto out;
	for (unsigned k = 0; k < n; k++) {
		const struct cr_db_arg *a = &args[k];

		if (a->type == 'i') {
			bind[k].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[k].buffer = (void *)&a->i;
		} else if (a->type == 's' && a->s) {
			bind[k].buffer_type = MYSQL_TYPE_STRING;
			bind[k].buffer = (void *)a->s;
			len[k] = strlen(a->s);
			bind[k].buffer_length = len[k];
			bind[k].length = &len[k];
		} else {
			bind[k].buffer_type = MYSQL_TYPE_NULL;
		}
	}
	if (mysql_stmt_param_count(st) != n) {
		rc = cr_err_set(err, CR_EINVAL, "db: %.60s: %lu parameters, %u given", sql,
		                mysql_stmt_param_count(st), n);
		goto out;
	}
	if (n && mysql_stmt_bind_param(st, bind) != 0) {
		rc = cr_err_set(err, CR_EDB, "db: bind: %s", mysql_stmt_error(st));
		goto out;
	}
	if ((rc = run_stmt(db, st, res, sql, &eno, err)) != 0 && lost_connection(eno)) {
		drop_connection(db); /* inside a transaction: gone with it; the caller starts over */
		rc = CR_ERETRY;
	}
out:
	free(bind);
	free(len);
	return rc;
}

int
cr_db_vexec(struct cr_db *db, struct cr_res *res, struct cr_err *err, const char *sql, const char *types,
            va_list ap)
{
	unsigned int eno;
	va_list again;
	int rc, sent, safe;

	va_copy(again, ap);
	rc = exec_once(db, res, sql, types, ap, &eno, &sent, err);
	/*
	 * A statement on its own that a deadlock rolled back (on Galera: lost
	 * certification twice, after the server's own retry) had no effect:
	 * it runs again, a few times, apart.  Inside a transaction the
	 * transaction itself starts over (cr_db_tx).
	 */
	for (int attempt = 2; rc == CR_ERETRY && eno == ER_LOCK_DEADLOCK && !db->in_tx && attempt <= 4;
	     attempt++) {
		struct timespec pause = {0, (long)(5 + random() % (20L << attempt)) * 1000 * 1000};
		va_list next;

		nanosleep(&pause, NULL);
		va_copy(next, again);
		rc = exec_once(db, res, sql, types, next, &eno, &sent, err);
		va_end(next);
	}
	if (rc == 0 || !lost_connection(eno))
		goto out;
	/*
	 * Running it again is safe only if it cannot have run: it was never
	 * sent, the server was gone before it arrived, or it only reads.  A
	 * write lost mid-flight is reported, not repeated.
	 */
	safe = !db->in_tx && (!sent || eno == CR_SERVER_GONE_ERROR || eno == ER_UNKNOWN_COM_ERROR ||
	                      strncmp(sql, "SELECT ", 7) == 0);
	if (!safe) {
		drop_connection(db); /* the next statement starts on a new one; an open transaction is gone */
		rc = CR_ERETRY;
		goto out;
	}
	cr_warn("db: connection lost (%u), reconnecting", eno);
	if (reconnect(db, err) != 0) {
		rc = CR_ERETRY;
		goto out;
	}
	rc = exec_once(db, res, sql, types, again, &eno, &sent, err);
out:
	va_end(again);
	return rc;
}

int
cr_db_exec(struct cr_db *db, struct cr_res *res, struct cr_err *err, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = cr_db_vexec(db, res, err, sql, types, ap);
	va_end(ap);
	return rc;
}

int
cr_db_one(struct cr_db *db, struct cr_res *res, struct cr_err *err, const char *what, const char *sql,
          const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = cr_db_vexec(db, res, err, sql, types, ap);
	va_end(ap);
	if (rc != 0)
		return rc;
	if (res->nrows == 0) {
		cr_res_release(res);
		return cr_err_set(err, CR_ENOTFOUND, "%s not found", what);
	}
	return 0;
}

static int
simple(struct cr_db *db, const char *q, struct cr_err *err)
{
	unsigned int e;

	if (db->my && mysql_query(db->my, q) == 0)
		return 0;
	e = db->my ? mysql_errno(db->my) : CR_SERVER_GONE_ERROR;
	return cr_err_set(err, map_errno(e), "db: %s: %s", q, db->my ? mysql_error(db->my) : "not connected");
}

/* Forgets what a transaction left: its state, or a connection that died under it. */
static void
tx_forget(struct cr_db *db)
{
	if (db->tx_lost && db->my)
		mysql_query(db->my, "ROLLBACK");
	db->in_tx = db->tx_lost = 0;
	db->after_commit = NULL;
}

int
cr_db_begin(struct cr_db *db, struct cr_err *err)
{
	int rc;

	tx_forget(db);
	rc = simple(db, "START TRANSACTION", err);

	if (rc == CR_ERETRY && reconnect(db, NULL) == 0)
		rc = simple(db, "START TRANSACTION", err);
	if (rc == 0)
		db->in_tx = 1;
	return rc;
}

int
cr_db_begin_snapshot(struct cr_db *db, struct cr_err *err)
{
	static const char sql[] = "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";
	int rc;

	tx_forget(db);
	rc = simple(db, sql, err);

	if (rc == CR_ERETRY && reconnect(db, NULL) == 0)
		rc = simple(db, sql, err);
	if (rc == 0)
		db->in_tx = 1;
	return rc;
}

int
cr_db_commit(struct cr_db *db, struct cr_err *err)
{
	void (*fn)(void) = db->after_commit;
	int rc;

	/*
	 * A transaction the server no longer holds is not committed: what ran
	 * after it was rolled back ran on its own, and the caller starts over.
	 */
	if (db->in_tx && (db->tx_lost || !server_in_tx(db)))
		rc = cr_err_set(err, CR_ERETRY, "db: the transaction was rolled back before its commit%s",
		                db->my ? "" : " (the connection was lost)");
	else
		rc = simple(db, "COMMIT", err);
	if (rc != 0 && db->my && db->in_tx)
		mysql_query(db->my, "ROLLBACK");
	db->in_tx = db->tx_lost = 0;
	db->after_commit = NULL;
	if (rc == 0 && fn)
		fn();
	return rc;
}

void
cr_db_rollback(struct cr_db *db)
{
	if (db->my && mysql_query(db->my, "ROLLBACK") != 0)
		cr_warn("db: rollback: %s", mysql_error(db->my));
	db->in_tx = db->tx_lost = 0;
	db->after_commit = NULL;
}

void
cr_db_after_commit(struct cr_db *db, void (*fn)(void))
{
	db->after_commit = fn;
}

int
cr_db_end(struct cr_db *db, int rc, struct cr_err *err)
{
	if (rc == 0 && (rc = cr_db_commit(db, err)) == 0)
		return 0;
	cr_db_rollback(db);
	return rc;
}

int
cr_db_tx(struct cr_db *db, int (*step)(struct cr_db *db, void *arg, struct cr_err *err), void *arg,
         struct cr_err *err)
{
	int rc = CR_ERETRY;

	for (int attempt = 1; rc == CR_ERETRY && attempt <= CR_DB_TX_ATTEMPTS; attempt++) {
		if (attempt > 1) {
			/* Apart, so that the transactions that met do not meet again. */
			struct timespec pause = {
			    0, (long)(5 + random() % (20L << (attempt < 5 ? attempt : 5))) * 1000 * 1000};

			cr_warn("db: %s; the transaction runs again (attempt %d)", err ? err->msg : "retry",
			        attempt);
			nanosleep(&pause, NULL);
		}
		if ((rc = cr_db_begin(db, err)) == 0)
			rc = cr_db_end(db, step(db, arg, err), err);
	}
	return rc;
}

int
cr_db_script(struct cr_db *db, const char *text, struct cr_err *err)
{
	int status;

	if (db->my == NULL)
		return cr_err_set(err, CR_EDB, "db: not connected");
	if (mysql_real_query(db->my, text, strlen(text)) != 0)
		return cr_err_set(err, CR_EDB, "db: %s", mysql_error(db->my));
	do {
		MYSQL_RES *r = mysql_store_result(db->my);

		if (r)
			mysql_free_result(r);
		status = mysql_next_result(db->my);
		if (status > 0)
			return cr_err_set(err, CR_EDB, "db: %s", mysql_error(db->my));
	} while (status == 0);
	return 0;
}

const char *
cr_res_str(const struct cr_res *res, size_t row, unsigned col)
{
	if (row >= res->nrows || col >= res->ncols)
		return NULL;
	return res->cell[row * res->ncols + col];
}

long long
cr_res_i64(const struct cr_res *res, size_t row, unsigned col)
{
	const char *s = cr_res_str(res, row, col);

	return s ? strtoll(s, NULL, 10) : 0;
}
void
cr_res_release(struct cr_res *res)
{
	if (res->cell)
		for (size_t i = 0; i < res->nrows * res->ncols; i++)
			free(res->cell[i]);
	free(res->cell);
	free(res->len);
	memset(res, 0, sizeof *res);
}

#define SQL_REPEAT_MAX 1024 /* distinct texts cr_db_sql_repeat keeps */

const char *
cr_db_sql_repeat(const char *head, const char *row, size_t rows, const char *tail)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static struct {
		const char *head, *row, *tail;
		size_t rows;
		char *sql;
	} built[SQL_REPEAT_MAX];
	static size_t nbuilt;
	size_t hl = strlen(head), rl = strlen(row), tl = strlen(tail), i;
	char *sql = NULL, *p;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nbuilt; i++)
		if (built[i].head == head && built[i].row == row && built[i].tail == tail &&
		    built[i].rows == rows) {
			sql = built[i].sql;
			goto out;
		}
	if (nbuilt == SQL_REPEAT_MAX || (sql = malloc(hl + rows * (rl + 1) + tl + 1)) == NULL)
		goto out;
	memcpy(p = sql, head, hl);
	p += hl;
	for (i = 0; i < rows; i++) {
		if (i)
			*p++ = ',';
		memcpy(p, row, rl);
		p += rl;
	}
	memcpy(p, tail, tl + 1);
	built[nbuilt].head = head;
	built[nbuilt].row = row;
	built[nbuilt].tail = tail;
	built[nbuilt].rows = rows;
	built[nbuilt++].sql = sql;
out:
	pthread_mutex_unlock(&lock);
	return sql;
}
