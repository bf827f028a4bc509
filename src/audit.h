/*
 * The audit log (SPEC 4): one row per state change and staff action, each
 * hash-chained to the one before:
 *   hash = SHA-256(prev_hash "|" at "|" actor_id "|" actor "|" action "|"
 *                  object_type "|" object_id "|" ip "|" before "|" after)
 * Appends lock the single audit_head row, so they are serial and the chain
 * has no forks; call cr_audit inside the transaction of the change it
 * records, so both commit or neither does (outside one, it opens its own).
 */
#ifndef CR_AUDIT_H
#define CR_AUDIT_H

#include <jansson.h>

#include "db.h"

struct cr_actor {
	long long id; /* 0: the system (daemon, command line) */
	const char *name;
	const char *ip;
};

/*
 * The chain's key (audit.key_file: 64 hex digits, readable by the service's
 * users only): rows appended from then on carry an HMAC-SHA-256 under it,
 * which nobody who can only write to MariaDB can recompute.  "" : no key
 * (rows carry a plain SHA-256).  Call once at start, before any append.
 */
int cr_audit_key_load(const char *path, struct cr_err *err);

/* before/after: JSON objects or NULL; their references are taken (freed here). */
int cr_audit(struct cr_db *db, const struct cr_actor *actor, const char *action, const char *object_type,
             long long object_id, json_t *before, json_t *after, struct cr_err *err);
/* As cr_audit with a textual object id (an account name, an order number). */
int cr_audit_s(struct cr_db *db, const struct cr_actor *actor, const char *action, const char *object_type,
               const char *object_id, json_t *before, json_t *after, struct cr_err *err);
/* One row of cr_audit_many: the object's id and its state after and before (references taken, or NULL). */
struct cr_audit_row {
	const char *object_id;
	json_t *after;
	json_t *before;
};
/*
 * Appends n rows of one action by one actor inside the caller's
 * transaction (which it needs: the head stays locked until its commit),
 * locking the head once and inserting many rows a statement: the audit of
 * a batch (a statement's credits).  The rows' references are taken.
 */
int cr_audit_many(struct cr_db *db, const struct cr_actor *actor, const char *action, const char *object_type,
                  struct cr_audit_row *rows, size_t n, struct cr_err *err);
/*
 * Moves the audit rows made before the time before ("YYYY-MM-DD" or
 * "YYYY-MM-DD HH:MM:SS", UTC) out of the live table into audit_archive
 * (compressed), the oldest first, a transaction a batch: the chain stays
 * whole and cr_audit_verify walks both.  The newest row always stays.
 * alive(arg) between batches (NULL: none); *moved: how many.  One audit row
 * (audit.archived) says what moved.
 */
int cr_audit_archive(struct cr_db *db, const struct cr_actor *actor, const char *before,
                     int (*alive)(void *arg, struct cr_err *err), void *arg, long long *moved,
                     struct cr_err *err);
/*
 * Recomputes the whole chain, archived rows and live ones.  Returns 0 when intact (*rows: rows checked),
 * or CR_ECONFLICT with *broken the id of the first broken row and the reason
 * in err.
 */
int cr_audit_verify(struct cr_db *db, long long *rows, long long *broken, struct cr_err *err);
/*
 * Audit rows for the administrator, newest first, limit a page of those
 * older than before_id (0: from the newest); filters may be NULL or "".
 * from/to: "YYYY-MM-DD" (UTC days); archived: those moved to audit_archive.  {"items", "next"}, a new
 * reference.
 */
int cr_audit_list(struct cr_db *db, int archived, const char *actor, const char *action,
                  const char *object_type, const char *object_id, const char *from, const char *to,
                  long long before_id, long long limit, json_t **out, struct cr_err *err);

#endif
