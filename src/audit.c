#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "audit.h"
#include "bytes.h"
#include "file.h"
#include "json.h"
#include "timefmt.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The time of a row as it is hashed and stored: UTC with microseconds. */
static void
now_text(char at[32])
{
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(at, 32, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(at + 19, 32 - 19, ".%06ld", (long)tv.tv_usec);
}

static char *
canonical(const char *prev, const char *at, long long actor_id, const char *actor, const char *action,
          const char *otype, const char *oid, const char *ip, const char *before, const char *after)
{
	char *s = NULL;

	if (asprintf(&s, "%s|%s|%lld|%s|%s|%s|%s|%s|%s|%s", prev, at, actor_id, actor, action, otype, oid, ip,
	             before ? before : "", after ? after : "") < 0)
		return NULL;
	return s;
}

/* The key of the chain (audit.key_file), when one is configured: rows then carry an HMAC. */
static unsigned char chain_key[32];
static int have_key;

int
cr_audit_key_load(const char *path, struct cr_err *err)
{
	char *data = NULL;
	size_t len;
	int rc;

	have_key = 0;
	if (path == NULL || path[0] == '\0')
		return 0;
	if ((rc = cr_file_read(path, 4096, &data, &len, err)) != 0)
		return rc;
	data[strcspn(data, "\r\n")] = '\0';
	rc = strlen(data) == 64 && cr_unhex(chain_key, sizeof chain_key, data) == 0
	         ? 0
	         : cr_err_set(err, CR_EINVAL, "audit.key_file %s: not 64 hex digits (openssl rand -hex 32)",
	                      path);
	OPENSSL_cleanse(data, len);
	free(data);
	have_key = rc == 0;
	return rc;
}

/* A field for the hash: its length, then itself, so that no content can move a boundary; NULL is "-". */
static void
field(char **buf, size_t *len, size_t *cap, const char *s)
{
	char head[24];
	size_t hl, sl = s ? strlen(s) : 0;

	hl = (size_t)(s ? snprintf(head, sizeof head, "%zu:", sl) : snprintf(head, sizeof head, "-"));
	if (*buf == NULL || *len + hl + sl + 1 > *cap) {
		size_t want = (*len + hl + sl + 1) * 2;
		char *grown = realloc(*buf, want);

		if (grown == NULL) {
			free(*buf);
			*buf = NULL;
			return;
		}
		*buf = grown;
		*cap = want;
	}
	memcpy(*buf + *len, head, hl);
	memcpy(*buf + *len + hl, s ? s : "", sl);
	*len += hl + sl;
}

/*
 * The hash of a row (64 hex digits) in version v: 1, SHA-256 of the fields
 * joined by '|' (the first rows); 2, SHA-256 of the length-prefixed fields;
 * 3, HMAC-SHA-256 of those under the chain's key.  -1 when it cannot be
 * computed (no key for a version 3 row, no memory).
 */
static int
row_hash(int v, const char *prev, const char *at, long long actor_id, const char *actor, const char *action,
         const char *otype, const char *oid, const char *ip, const char *before, const char *after,
         char out[65])
{
	char *buf = NULL, id[24];
	size_t len = 0, cap = 0;
	unsigned char mac[32];
	unsigned maclen = 0;

	if (v == 1) {
		char *text = canonical(prev, at, actor_id, actor, action, otype, oid, ip, before, after);

		if (text == NULL)
			return -1;
		cr_sha256_hex(out, text, strlen(text));
		free(text);
		return 0;
	}
	if (v == 3 && !have_key)
		return -1;
	snprintf(id, sizeof id, "%lld", actor_id);
	field(&buf, &len, &cap, prev);
	field(&buf, &len, &cap, at);
	field(&buf, &len, &cap, id);
	field(&buf, &len, &cap, actor);
	field(&buf, &len, &cap, action);
	field(&buf, &len, &cap, otype);
	field(&buf, &len, &cap, oid);
	field(&buf, &len, &cap, ip);
	field(&buf, &len, &cap, before);
	field(&buf, &len, &cap, after);
	if (buf == NULL)
		return -1;
	if (v == 3) {
		HMAC(EVP_sha256(), chain_key, sizeof chain_key, (unsigned char *)buf, len, mac, &maclen);
		cr_hex(out, mac, sizeof mac);
	} else {
		cr_sha256_hex(out, buf, len);
	}
	free(buf);
	return 0;
}

/* The version new rows are written in. */
static int
version(void)
{
	return have_key ? 3 : 2;
}

static int audit_append(struct cr_db *db, const struct cr_actor *actor, const char *action,
                        const char *object_type, const char *object_id, json_t *before, json_t *after,
                        struct cr_err *err);

struct audit_one {
	const struct cr_actor *actor;
	const char *action, *object_type, *object_id;
	json_t *before, *after;
};

static int
audit_one(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct audit_one *a = arg;

	return audit_append(db, a->actor, a->action, a->object_type, a->object_id, json_incref(a->before),
	                    json_incref(a->after), err);
}

int
cr_audit_s(struct cr_db *db, const struct cr_actor *actor, const char *action, const char *object_type,
           const char *object_id, json_t *before, json_t *after, struct cr_err *err)
{
	struct audit_one a = {actor, action, object_type, object_id, before, after};
	int rc;

	if (cr_db_in_tx(db))
		return audit_append(db, actor, action, object_type, object_id, before, after, err);
	/* On its own: the head's lock must last until the row is in, and a conflict on the head (a deadlock,
	 * or on Galera a commit that another node's append beat) runs the append again. */
	rc = cr_db_tx(db, audit_one, &a, err);
	json_decref(before);
	json_decref(after);
	return rc;
}

/*
 * An object id as its column holds it (40 characters): a longer one (an
 * account name typed at login) is cut, with a marker, never refused.
 */
static const char *
fit_id(const char *id, char out[200])
{
	size_t i = 0, chars = 0;

	while (id[i] && chars < 38) {
		i++;
		while (((unsigned char)id[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	if (id[i] == '\0')
		return id;
	snprintf(out, 200, "%.*s…", (int)i, id);
	return out;
}

static int
audit_append(struct cr_db *db, const struct cr_actor *actor, const char *action, const char *object_type,
             const char *object_id, json_t *before, json_t *after, struct cr_err *err)
{
	char at[32], prev[65], hash[65], *b = NULL, *a = NULL, cut[200];
	int v = version();
	struct cr_res res;
	long long aid = actor ? actor->id : 0;
	const char *aname = actor && actor->name ? actor->name : "system",
	           *ip = actor && actor->ip ? actor->ip : "";
	int rc;

	now_text(at);
	object_id = fit_id(object_id ? object_id : "", cut);
	if ((rc = cr_db_exec(db, &res, err, "SELECT last_hash FROM audit_head WHERE id = 1 FOR UPDATE",
	                     "")) != 0) {
		json_decref(before);
		json_decref(after);
		return rc;
	}
	snprintf(prev, sizeof prev, "%s", res.nrows ? cr_res_str(&res, 0, 0) : ZERO_HASH);
	cr_res_release(&res);
	if (before)
		b = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
	if (after)
		a = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	if (row_hash(v, prev, at, aid, aname, action, object_type, object_id, ip, b, a, hash) != 0) {
		rc = cr_err_set(err, CR_ENOMEM, "audit: out of memory");
		goto out;
	}
	rc = cr_db_exec(
	    db, NULL, err,
	    "INSERT INTO audit_log (at, actor_id, actor, action, object_type, object_id, ip, before_state,"
	    " after_state, prev_hash, hash, hash_v) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "sIsssssssssi", at, aid ? &aid : NULL, aname, action, object_type, object_id, ip, b, a, prev,
	    hash, (long long)v);
	if (rc == 0)
		rc =
		    cr_db_exec(db, NULL, err, "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1",
		               "is", cr_db_insert_id(db), hash);
out:
	free(b);
	free(a);
	json_decref(before);
	json_decref(after);
	return rc;
}

int
cr_audit(struct cr_db *db, const struct cr_actor *actor, const char *action, const char *object_type,
         long long object_id, json_t *before, json_t *after, struct cr_err *err)
{
	char id[24];

	snprintf(id, sizeof id, "%lld", object_id);
	return cr_audit_s(db, actor, action, object_type, id, before, after, err);
}

/* Where a walk of the chain stands: the last row's id, hash and form. */
struct walk {
	char prev[65];
	long long last, rows;
	int last_v;
};

/* Checks the rows of one table (sql: the page after id ?) onto the chain w, in pages: memory stays flat. */
static int
walk_table(struct cr_db *db, const char *sql, struct walk *w, long long *broken, struct cr_err *err)
{
	char hash[65];
	struct cr_res res;
	int rc;

	for (;;) {
		if ((rc = cr_db_exec(db, &res, err, sql, "i", w->last)) != 0)
			return rc;
		if (res.nrows == 0) {
			cr_res_release(&res);
			return 0;
		}
		for (size_t i = 0; i < res.nrows; i++) {
			long long id = cr_res_i64(&res, i, 0);
			int v = (int)cr_res_i64(&res, i, 12);

			/* Versions never go back: a row rewritten in an older, unkeyed form is a break. */
			if (v < w->last_v) {
				*broken = id;
				cr_res_release(&res);
				return cr_err_set(err, CR_ECONFLICT,
				                  "audit: row %lld is sealed in an older form (%d) than the "
				                  "row before it (%d)",
				                  id, v, w->last_v);
			}
			w->last_v = v;

			if (row_hash(v, cr_res_str(&res, i, 10), cr_res_str(&res, i, 1),
			             cr_res_i64(&res, i, 2), cr_res_str(&res, i, 3), cr_res_str(&res, i, 4),
			             cr_res_str(&res, i, 5), cr_res_str(&res, i, 6), cr_res_str(&res, i, 7),
			             cr_res_str(&res, i, 8), cr_res_str(&res, i, 9), hash) != 0) {
				cr_res_release(&res);
				return v == 3 && !have_key
				           ? cr_err_set(
				                 err, CR_EINVAL,
				                 "audit: row %lld is keyed; verify needs audit.key_file", id)
				           : cr_err_set(err, CR_ENOMEM, "audit: out of memory");
			}
			if (strcmp(cr_res_str(&res, i, 10), w->prev) != 0) {
				*broken = id;
				cr_res_release(&res);
				return cr_err_set(
				    err, CR_ECONFLICT,
				    "audit: row %lld does not follow row %lld (a row was removed or changed)",
				    id, w->last);
			}
			if (strcmp(hash, cr_res_str(&res, i, 11)) != 0) {
				*broken = id;
				cr_res_release(&res);
				return cr_err_set(err, CR_ECONFLICT,
				                  "audit: row %lld was changed (its hash does not match)",
				                  id);
			}
			memcpy(w->prev, hash, sizeof w->prev);
			w->last = id;
			w->rows++;
		}
		cr_res_release(&res);
	}
}

#define AUDIT_FIELDS_SQL                                                                                     \
	"SELECT id, at, IFNULL(actor_id, 0), actor, action, object_type, object_id, ip, before_state,"       \
	" after_state, prev_hash, hash, hash_v FROM "

static int
verify_in(struct cr_db *db, long long *rows, long long *broken, struct cr_err *err)
{
	struct walk w = {ZERO_HASH, 0, 0, 1};
	struct cr_res res;
	int rc;

	*rows = *broken = 0;
	/* The archived rows first (audit archive), then the live ones: one chain. */
	rc = walk_table(db, AUDIT_FIELDS_SQL "audit_archive WHERE id > ? ORDER BY id LIMIT 1000", &w, broken,
	                err);
	if (rc == 0)
		rc = walk_table(db, AUDIT_FIELDS_SQL "audit_log WHERE id > ? ORDER BY id LIMIT 1000", &w,
		                broken, err);
	*rows = w.rows;
	if (rc != 0)
		return rc;
	rc = cr_db_exec(db, &res, err, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", "");
	if (rc != 0)
		return rc;
	if (res.nrows && (cr_res_i64(&res, 0, 0) != w.last || strcmp(cr_res_str(&res, 0, 1), w.prev) != 0)) {
		*broken = cr_res_i64(&res, 0, 0);
		cr_res_release(&res);
		return cr_err_set(
		    err, CR_ECONFLICT,
		    "audit: the log ends at row %lld but its head says row %lld (rows removed at the end)",
		    w.last, *broken);
	}
	cr_res_release(&res);
	/* With a key, the newest rows are keyed: a tail rewritten unkeyed from the key's first row is a
	 * break. */
	if (have_key && w.last && w.last_v != 3) {
		*broken = w.last;
		return cr_err_set(err, CR_ECONFLICT,
		                  "audit: the last row (%lld) is not sealed with the audit key", w.last);
	}
	return 0;
}

/* "YYYY-MM-DD" */
static int
is_date(const char *s)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%d", &tm);
	return end && *end == '\0' && strlen(s) == 10;
}

static const char *
blank(const char *s)
{
	return s && *s ? s : NULL;
}

/* The filters of the list, after FROM; the same for the live rows and the archived ones. */
#define AUDIT_LIST_WHERE                                                                                     \
	" l LEFT JOIN users u ON u.id = l.actor_id"                                                          \
	" WHERE (? = 0 OR l.id < ?) AND (? IS NULL OR l.actor = ?) AND (? IS NULL OR l.action LIKE "         \
	"CONCAT(?, '%'))"                                                                                    \
	" AND (? IS NULL OR l.object_type = ?) AND (? IS NULL OR l.object_id = ?)"                           \
	" AND (? IS NULL OR l.at >= ?) AND (? IS NULL OR l.at < CONCAT(?, ' 99'))"                           \
	" ORDER BY l.id DESC LIMIT ?"
#define AUDIT_LIST_COLUMNS                                                                                   \
	"SELECT l.id, l.at, l.actor, l.action, l.object_type, l.object_id, l.ip, l.before_state,"            \
	" l.after_state, u.display_name FROM "

int
cr_audit_list(struct cr_db *db, int archived, const char *actor, const char *action, const char *object_type,
              const char *object_id, const char *from, const char *to, long long before_id, long long limit,
              json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc;

	actor = blank(actor), action = blank(action), object_type = blank(object_type),
	object_id = blank(object_id);
	from = blank(from), to = blank(to);
	if ((from && !is_date(from)) || (to && !is_date(to)))
		return cr_err_user(err, CR_EINVAL, from && !is_date(from) ? "from" : "to",
		                   "日期格式应为 YYYY-MM-DD");
	/* The live rows, or those moved to the archive (cr_audit_archive). */
	rc = cr_db_exec(db, &res, err,
	                archived ? AUDIT_LIST_COLUMNS "audit_archive" AUDIT_LIST_WHERE
	                         : AUDIT_LIST_COLUMNS "audit_log" AUDIT_LIST_WHERE,
	                "iissssssssssssi", before_id, before_id, actor, actor, action, action, object_type,
	                object_type, object_id, object_id, from, from, to, to, limit);
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++) {
		json_t *o =
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)cr_res_i64(&res, i, 0),
		              "at", cr_res_str(&res, i, 1), "actor", cr_res_str(&res, i, 2), "action",
		              cr_res_str(&res, i, 3), "object_type", cr_res_str(&res, i, 4), "object_id",
		              cr_res_str(&res, i, 5), "ip", cr_res_str(&res, i, 6));
		json_object_set_new(o, "before", cr_json_cell_parsed(&res, i, 7));
		json_object_set_new(o, "after", cr_json_cell_parsed(&res, i, 8));
		/* Who that was, by name (none for the system and for tries that logged nobody in). */
		json_object_set_new(o, "actor_name", cr_json_cell(&res, i, 9));
		json_array_append_new(items, o);
	}
	*out = cr_json_page(items, &res, 0, limit);
	cr_res_release(&res);
	return 0;
}

#define MANY_ROWS 100 /* rows of one multi-row INSERT */
#define AUDIT_FIELDS 12

int
cr_audit_many(struct cr_db *db, const struct cr_actor *actor, const char *action, const char *object_type,
              struct cr_audit_row *rows, size_t n, struct cr_err *err)
{
	long long aid = actor ? actor->id : 0;
	const char *aname = actor && actor->name ? actor->name : "system",
	           *ip = actor && actor->ip ? actor->ip : "";
	struct cr_db_arg *args = calloc(MANY_ROWS * AUDIT_FIELDS, sizeof *args);
	char(*at)[32] = calloc(MANY_ROWS, sizeof *at), (*hash)[65] = calloc(MANY_ROWS + 1, sizeof *hash);
	char *after[MANY_ROWS] = {NULL}, *before[MANY_ROWS] = {NULL};
	struct cr_res res;
	int rc, v = version();

	if (args == NULL || at == NULL || hash == NULL) {
		rc = cr_err_set(err, CR_ENOMEM, "audit: out of memory");
		goto out;
	}
	/* The head is locked once for the whole batch: the chain grows from it without a fork. */
	if ((rc = cr_db_exec(db, &res, err, "SELECT last_hash FROM audit_head WHERE id = 1 FOR UPDATE",
	                     "")) != 0)
		goto out;
	snprintf(hash[MANY_ROWS], 65, "%s", res.nrows ? cr_res_str(&res, 0, 0) : ZERO_HASH);
	cr_res_release(&res);
	for (size_t done = 0; done < n && rc == 0;) {
		size_t k = n - done < MANY_ROWS ? n - done : MANY_ROWS;
		const char *sql = cr_db_sql_repeat("INSERT INTO audit_log (at, actor_id, actor, action, "
		                                   "object_type, object_id, ip, before_state,"
		                                   " after_state, prev_hash, hash, hash_v) VALUES ",
		                                   "(?,?,?,?,?,?,?,?,?,?,?,?)", k, "");

		for (size_t i = 0; i < k; i++) {
			struct cr_audit_row *row = &rows[done + i];
			const char *prev = i ? hash[i - 1] : hash[MANY_ROWS];
			struct cr_db_arg *a = &args[i * AUDIT_FIELDS];

			now_text(at[i]);
			free(after[i]);
			free(before[i]);
			after[i] = row->after ? json_dumps(row->after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
			before[i] =
			    row->before ? json_dumps(row->before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
			if (row_hash(v, prev, at[i], aid, aname, action, object_type, row->object_id, ip,
			             before[i], after[i], hash[i]) != 0) {
				rc = cr_err_set(err, CR_ENOMEM, "audit: out of memory");
				break;
			}
			a[0] = (struct cr_db_arg){'s', 0, at[i]};
			a[1] = aid ? (struct cr_db_arg){'i', aid, NULL} : (struct cr_db_arg){'n', 0, NULL};
			a[2] = (struct cr_db_arg){'s', 0, aname};
			a[3] = (struct cr_db_arg){'s', 0, action};
			a[4] = (struct cr_db_arg){'s', 0, object_type};
			a[5] = (struct cr_db_arg){'s', 0, row->object_id};
			a[6] = (struct cr_db_arg){'s', 0, ip};
			a[7] = before[i] ? (struct cr_db_arg){'s', 0, before[i]}
			                 : (struct cr_db_arg){'n', 0, NULL};
			a[8] = (struct cr_db_arg){'s', 0, after[i]};
			a[9] = (struct cr_db_arg){'s', 0, prev};
			a[10] = (struct cr_db_arg){'s', 0, hash[i]};
			a[11] = (struct cr_db_arg){'i', v, NULL};
		}
		if (rc == 0 && sql == NULL)
			rc = cr_err_set(err, CR_ENOMEM, "audit: out of memory");
		if (rc == 0)
			rc = cr_db_exec_args(db, NULL, err, sql, args, (unsigned)(k * AUDIT_FIELDS));
		memcpy(hash[MANY_ROWS], hash[k - 1], 65);
		done += k;
	}
	/* Only this transaction writes under the head's lock: the newest row is its last. */
	if (rc == 0 && (rc = cr_db_exec(db, &res, err, "SELECT MAX(id) FROM audit_log", "")) == 0) {
		long long last = cr_res_i64(&res, 0, 0);

		cr_res_release(&res);
		rc =
		    cr_db_exec(db, NULL, err, "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1",
		               "is", last, hash[MANY_ROWS]);
	}
out:
	for (size_t i = 0; i < MANY_ROWS; i++) {
		free(after[i]);
		free(before[i]);
	}
	for (size_t i = 0; i < n; i++) {
		json_decref(rows[i].after);
		json_decref(rows[i].before);
		rows[i].after = rows[i].before = NULL;
	}
	free(args);
	free(at);
	free(hash);
	return rc;
}

#define ARCHIVE_BATCH 5000 /* rows moved a transaction */

int
cr_audit_archive(struct cr_db *db, const struct cr_actor *actor, const char *before,
                 int (*alive)(void *arg, struct cr_err *err), void *arg, long long *moved, struct cr_err *err)
{
	char cut[32];
	long long until = 0, through = 0;
	struct cr_res res;
	int rc, y, mo, d, h = 0, mi = 0, se = 0;
	size_t n = strlen(before);

	*moved = 0;
	/* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (UTC, as the rows' times). */
	if ((n != 10 && n != 19) || sscanf(before, "%4d-%2d-%2d", &y, &mo, &d) != 3 ||
	    !cr_date_valid(y, mo, d) ||
	    (n == 19 &&
	     (sscanf(before + 11, "%2d:%2d:%2d", &h, &mi, &se) != 3 || h > 23 || mi > 59 || se > 59)))
		return cr_err_user(err, CR_EINVAL, "before", "before 须为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM:SS");
	snprintf(cut, sizeof cut, "%04d-%02d-%02d %02d:%02d:%02d", y % 10000, mo % 100, d % 100, h % 100,
	         mi % 100, se % 100);
	/*
	 * The rows before the first one made at or after the cut move, a prefix of the chain; the newest row
	 * always stays (the head names it).
	 */
	if ((rc = cr_db_exec(
	         db, &res, err,
	         "SELECT LEAST(IFNULL((SELECT id FROM audit_log WHERE at >= ? ORDER BY at, id LIMIT 1),"
	         " last_id), last_id) FROM audit_head WHERE id = 1",
	         "s", cut)) != 0)
		return rc;
	until = res.nrows && cr_res_str(&res, 0, 0) ? cr_res_i64(&res, 0, 0) : 0;
	cr_res_release(&res);
	while (until > 0) {
		long long n_moved;

		if ((rc = cr_db_begin(db, err)) != 0)
			return rc;
		rc = cr_db_exec(
		    db, NULL, err,
		    "INSERT INTO audit_archive SELECT * FROM audit_log WHERE id < ? ORDER BY id LIMIT ?",
		    "ii", until, (long long)ARCHIVE_BATCH);
		n_moved = rc == 0 ? cr_db_affected(db) : 0;
		if (rc == 0 && n_moved > 0 &&
		    (rc = cr_db_exec(db, &res, err, "SELECT MAX(id) FROM audit_archive", "")) == 0) {
			through = cr_res_i64(&res, 0, 0);
			cr_res_release(&res);
			rc = cr_db_exec(db, NULL, err, "DELETE FROM audit_log WHERE id <= ?", "i", through);
			if (rc == 0 && cr_db_affected(db) != n_moved)
				rc = cr_err_set(err, CR_ECONFLICT,
				                "audit: archive moved %lld rows but removed %lld", n_moved,
				                cr_db_affected(db));
		}
		if ((rc = cr_db_end(db, rc, err)) != 0)
			return rc;
		if (n_moved == 0)
			break;
		*moved += n_moved;
		if (alive && (rc = alive(arg, err)) != 0)
			return rc;
	}
	if (*moved > 0)
		rc = cr_audit(db, actor, "audit.archived", "audit", through, NULL,
		              json_pack("{s:I, s:s}", "rows", (json_int_t)*moved, "before", cut), err);
	return rc;
}

int
cr_audit_verify(struct cr_db *db, long long *rows, long long *broken, struct cr_err *err)
{
	int rc;

	/* The rows and the head read from one snapshot: appends made meanwhile are not half seen. */
	if ((rc = cr_db_begin_snapshot(db, err)) != 0)
		return rc;
	rc = verify_in(db, rows, broken, err);
	cr_db_rollback(db);
	return rc;
}
