/*
 * Keeping and deleting (issue 23, 个人信息保护法 art. 19: personal data kept no
 * longer than its purpose needs).  The documents of applications that will
 * not go on are deleted: drafts nobody touched for retention.draft_days,
 * rejected or cancelled applications untouched for retention.closed_days.
 * Each deletion is an audit row naming what went (the kinds, their sizes and
 * SHA-256), never the content.  The application row stays (its history and
 * the audit trail refer to it); audit rows and certificate records are never
 * deleted here (电子签名法 art. 24 keeps them five years after expiry).
 */
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "attachments.h"
#include "log.h"

#define BATCH 100 /* applications looked up at a time */

/* The applications whose documents are due to go, oldest first, after id after. */
#define DUE                                                                                                  \
	" FROM applications a WHERE a.id > ? AND ((a.status = 'draft' AND a.updated_at < UTC_TIMESTAMP(6)"   \
	" - INTERVAL ? DAY) OR (a.status IN ('rejected', 'cancelled') AND a.updated_at < UTC_TIMESTAMP(6)"   \
	" - INTERVAL ? DAY)) AND EXISTS (SELECT 1 FROM attachments t WHERE t.application_id = a.id)"

struct purge {
	long long id, draft_days, closed_days;
	struct cr_res files; /* the stored names, removed after the commit */
	int done;
};

/* Both periods at least attachments.reuse_days: documents offered again are not deleted before. */
static long long
days(long long want, const struct cr_config *cfg)
{
	return want > cfg->attachments_reuse_days ? want : cfg->attachments_reuse_days;
}

static int
purge_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	static const struct cr_actor system = {0, "system", ""};
	struct purge *p = arg;
	struct cr_res res, docs;
	json_t *kinds, *what;
	long long bytes = 0;
	char status[16];
	int rc;

	p->done = 0;
	cr_res_release(&p->files);
	/* Still due once locked: the customer may have edited it a moment ago. */
	if ((rc = cr_db_exec(db, &res, err, "SELECT a.status" DUE " AND a.id = ? FOR UPDATE", "iiii",
	                     p->id - 1, p->draft_days, p->closed_days, p->id)) != 0)
		return rc;
	if (res.nrows == 0) {
		cr_res_release(&res);
		return 0;
	}
	snprintf(status, sizeof status, "%s", cr_res_str(&res, 0, 0));
	cr_res_release(&res);
	if ((rc = cr_db_exec(
	         db, &docs, err,
	         "SELECT kind, bytes, sha256 FROM attachments WHERE application_id = ? ORDER BY kind", "i",
	         p->id)) != 0)
		return rc;
	kinds = json_array();
	for (size_t i = 0; i < docs.nrows; i++) {
		json_array_append_new(kinds, json_pack("{s:s, s:I, s:s}", "kind", cr_res_str(&docs, i, 0),
		                                       "bytes", (json_int_t)cr_res_i64(&docs, i, 1), "sha256",
		                                       cr_res_str(&docs, i, 2)));
		bytes += cr_res_i64(&docs, i, 1);
	}
	cr_res_release(&docs);
	what = json_pack("{s:s, s:o, s:I}", "status", status, "documents", kinds, "bytes", (json_int_t)bytes);
	if ((rc = cr_attachment_files(db, p->id, &p->files, err)) != 0 ||
	    (rc = cr_db_exec(db, NULL, err, "DELETE FROM attachments WHERE application_id = ?", "i",
	                     p->id)) != 0 ||
	    (rc = cr_audit(
	         db, &system, "application.documents_purged", "application", p->id, what,
	         json_pack("{s:s, s:I}", "rule", strcmp(status, "draft") == 0 ? "draft_days" : "closed_days",
	                   "days",
	                   (json_int_t)(strcmp(status, "draft") == 0 ? p->draft_days : p->closed_days)),
	         err)) != 0) {
		cr_res_release(&p->files);
		return rc;
	}
	p->done = 1;
	return 0;
}

int
cr_retention_purge(struct cr_db *db, const struct cr_config *cfg, int (*alive)(void *arg, struct cr_err *err),
                   void *arg, long long *apps, struct cr_err *err)
{
	struct purge p = {
	    0, days(cfg->retention_draft_days, cfg), days(cfg->retention_closed_days, cfg), {0}, 0};
	long long after = 0;
	struct cr_res due;
	int rc;

	*apps = 0;
	for (;;) {
		if ((rc = cr_db_exec(db, &due, err, "SELECT a.id" DUE " ORDER BY a.id LIMIT ?", "iiii", after,
		                     p.draft_days, p.closed_days, (long long)BATCH)) != 0)
			return rc;
		if (due.nrows == 0) {
			cr_res_release(&due);
			return 0;
		}
		for (size_t i = 0; i < due.nrows; i++) {
			p.id = after = cr_res_i64(&due, i, 0);
			if ((rc = cr_db_tx(db, purge_tx, &p, err)) == 0 && p.done) {
				/* The files go only once their rows are gone for good. */
				cr_attachment_files_remove(cfg, &p.files);
				(*apps)++;
			}
			cr_res_release(&p.files);
			if (rc == 0 && alive)
				rc = alive(arg, err);
			if (rc != 0) {
				cr_res_release(&due);
				return rc;
			}
		}
		cr_res_release(&due);
	}
}
