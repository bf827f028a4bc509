/*
 * An account's documents used again: the second key of a company (主锁,
 * then 副锁) needs the same licence, seal and forms as the first.  The
 * documents of the account's latest application uploaded within
 * attachments.reuse_days are offered to a draft that lacks them, and
 * copied on request: each file read back, stored again under a name of
 * its own (so that deleting either application never takes the other's
 * file), its row written with the kind's audit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "applications.h"
#include "attachments.h"
#include "audit.h"
#include "rules.h"
#include "upload.h"

/* Whether kind fits an application of this account type and licence type. */
static int
fits(const char *kind, int enterprise, const char *license_type)
{
	const struct cr_doc_kind *k = cr_doc_kind_find(kind);

	return k && (k->audience & (enterprise ? CR_FOR_ENTERPRISE : CR_FOR_INDIVIDUAL)) &&
	       (!k->separate_only || (enterprise && strcmp(license_type, "separate") == 0));
}

static const char *
license_of(const struct cr_app *a)
{
	return a->form.f[CR_FORM_LICENSE_TYPE][0] ? a->form.f[CR_FORM_LICENSE_TYPE] : "three_in_one";
}

#define ANY_AGE 36500 /* days: the documents of the approval the rules lean on, whatever their age */

/*
 * How many days back the documents of application src may be offered to a:
 * attachments.reuse_days; or, when the approval rules are on and src is the
 * account's newest application a person approved within their period, any
 * age (the period counts from that approval, and what the rules compare with
 * is what the customer reuses).  0: none.
 */
static long long
window(struct cr_db *db, const struct cr_config *cfg, const struct cr_app *a, long long src)
{
	long long id, age;
	char at[24], who[128];
	struct cr_rules r;

	cr_rules_load(db, cfg, &r);
	if (r.enabled && cr_rules_prior(db, a->account_id, a->id, &id, &age, at, who, NULL) == 0 &&
	    id == src && age < r.reuse_days)
		return ANY_AGE;
	return cfg->attachments_reuse_days;
}

/*
 * The kinds application src (of the same account) can give a: uploaded
 * within the last days (window()), not uploaded to a yet; rows of kind,
 * content_type, bytes, sha256, stored_name, qr_text.
 */
static int
offered(struct cr_db *db, long long src, const struct cr_app *a, long long days, struct cr_res *res,
        struct cr_err *err)
{
	return cr_db_exec(
	    db, res, err,
	    "SELECT s.kind, s.content_type, s.bytes, s.sha256, s.stored_name, s.qr_text FROM attachments s"
	    " JOIN applications sa ON sa.id = s.application_id"
	    " WHERE s.application_id = ? AND sa.account_id = ? AND s.application_id <> ?"
	    " AND s.created_at > UTC_TIMESTAMP(6) - INTERVAL ? DAY AND NOT EXISTS (SELECT 1"
	    " FROM attachments t WHERE t.application_id = ? AND t.kind = s.kind) ORDER BY s.kind",
	    "iiiii", src, a->account_id, a->id, days, a->id);
}

json_t *
cr_attachments_reusable_json(struct cr_db *db, const struct cr_config *cfg, const struct cr_app *a,
                             int enterprise)
{
	struct cr_res res;
	long long src, age, days = cfg->attachments_reuse_days;
	char at[24], who[128];
	struct cr_rules rules;
	json_t *kinds, *o = NULL;

	if (!cr_choice_has("draft|rejected", a->status))
		return json_null();
	/* With the approval rules on: the documents of the application a person approved, which they compare
	 * with. */
	cr_rules_load(db, cfg, &rules);
	if (rules.enabled && cr_rules_prior(db, a->account_id, a->id, &src, &age, at, who, NULL) == 0 &&
	    src && age < rules.reuse_days) {
		days = ANY_AGE;
		if (cr_db_exec(db, &res, NULL,
		               "SELECT ?, DATE_FORMAT(MAX(created_at), '%Y-%m-%dT%H:%i:%SZ') FROM attachments"
		               " WHERE application_id = ? HAVING COUNT(*) > 0",
		               "ii", src, src) != 0)
			return json_null();
	} else if (cfg->attachments_reuse_days <= 0)
		return json_null();
	/* Else the account's other application with the latest upload inside the window. */
	else if (cr_db_exec(db, &res, NULL,
	                    "SELECT s.application_id, DATE_FORMAT(MAX(s.created_at), '%Y-%m-%dT%H:%i:%SZ')"
	                    " FROM attachments s JOIN applications sa ON sa.id = s.application_id"
	                    " WHERE sa.account_id = ? AND sa.id <> ? AND s.created_at > UTC_TIMESTAMP(6) - "
	                    "INTERVAL ? DAY"
	                    " GROUP BY s.application_id ORDER BY MAX(s.created_at) DESC LIMIT 1",
	                    "iii", a->account_id, a->id, cfg->attachments_reuse_days) != 0)
		return json_null();
	if (res.nrows == 0) {
		cr_res_release(&res);
		return json_null();
	}
	src = cr_res_i64(&res, 0, 0);
	snprintf(at, sizeof at, "%s", cr_res_str(&res, 0, 1));
	cr_res_release(&res);
	if (offered(db, src, a, days, &res, NULL) != 0)
		return json_null();
	kinds = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		if (fits(cr_res_str(&res, i, 0), enterprise, license_of(a)))
			json_array_append_new(kinds, json_string(cr_res_str(&res, i, 0)));
	cr_res_release(&res);
	if (json_array_size(kinds))
		o = json_pack("{s:I, s:s, s:o}", "from", (json_int_t)src, "uploaded_at", at, "kinds", kinds);
	else
		json_decref(kinds);
	return o ? o : json_null();
}

/* A reuse, as its transaction (cr_db_tx) sees it; the copies were stored before, named in names. */
struct reuse {
	const struct cr_config *cfg;
	const struct cr_actor *actor;
	long long id, from;
	struct cr_res *rows; /* the offered rows read before the copies were made */
	char (*names)[40];   /* each row's copy, or "" for a row not copied */
	char *recorded;      /* each copy's row written */
	int copied;
};

static int
reuse_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct reuse *r = arg;
	json_t *kinds = json_array();
	struct cr_app a;
	int rc;

	r->copied = 0; /* a transaction retried whole starts again */
	memset(r->recorded, 0, r->rows->nrows);
	if ((rc = cr_app_load(db, r->actor->id, r->id, 1, &a, err)) != 0 ||
	    (rc = cr_app_editable(&a, err)) != 0) {
		json_decref(kinds);
		return rc;
	}
	for (size_t i = 0; rc == 0 && i < r->rows->nrows; i++) {
		if (!r->names[i][0])
			continue;
		/* A kind uploaded meanwhile is kept: the customer's own upload wins. */
		rc = cr_db_exec(
		    db, NULL, err,
		    "INSERT IGNORE INTO attachments (application_id, kind, content_type, bytes, sha256,"
		    " stored_name, qr_text, created_at) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), "
		    "UTC_TIMESTAMP(6))",
		    "ississs", r->id, cr_res_str(r->rows, i, 0), cr_res_str(r->rows, i, 1),
		    cr_res_i64(r->rows, i, 2), cr_res_str(r->rows, i, 3), r->names[i],
		    cr_res_str(r->rows, i, 5));
		if (rc == 0 && cr_db_affected(db) == 1) {
			json_array_append_new(kinds, json_string(cr_res_str(r->rows, i, 0)));
			r->recorded[i] = 1;
			r->copied++;
		}
	}
	if (rc == 0 && r->copied)
		rc = cr_db_exec(db, NULL, err,
		                "UPDATE applications SET updated_at = UTC_TIMESTAMP(6) WHERE id = ?", "i",
		                r->id);
	if (rc == 0 && r->copied)
		return cr_audit(
		    db, r->actor, "application.reuse_attachments", "application", r->id, NULL,
		    json_pack("{s:I, s:o}", "from_application_id", (json_int_t)r->from, "kinds", kinds), err);
	json_decref(kinds);
	return rc;
}

int
cr_attachments_reuse(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                     long long id, long long from, int *copied, struct cr_err *err)
{
	struct cr_res rows = {0};
	struct reuse r = {cfg, actor, id, from, &rows, NULL, NULL, 0};
	struct cr_app a;
	long long days;
	int enterprise, rc;

	*copied = 0;
	if ((rc = cr_app_load(db, actor->id, id, 0, &a, err)) != 0 || (rc = cr_app_editable(&a, err)) != 0)
		return rc;
	if ((days = window(db, cfg, &a, from)) <= 0)
		return cr_err_user(err, CR_ECONFLICT, NULL, "本机构未开放沿用以前申请的材料");
	enterprise = cr_user_is_enterprise(db, a.account_id);
	if ((rc = offered(db, from, &a, days, &rows, err)) != 0)
		return rc;
	if (rows.nrows == 0) {
		cr_res_release(&rows);
		return days >= ANY_AGE
		           ? cr_err_user(err, CR_ECONFLICT, "from", "申请 #%lld 没有可沿用的材料", from)
		           : cr_err_user(err, CR_ECONFLICT, "from",
		                         "申请 #%lld 没有可沿用的材料（只能沿用本账户 %lld 天内上传的材料）",
		                         from, days);
	}
	r.names = calloc(rows.nrows, sizeof *r.names);
	r.recorded = calloc(rows.nrows, 1);
	if (r.names == NULL || r.recorded == NULL) {
		free(r.names);
		free(r.recorded);
		cr_res_release(&rows);
		return cr_err_set(err, CR_ENOMEM, "reuse: out of memory");
	}
	/* Each file copied before the transaction: a copy it does not record is removed below (or swept). */
	for (size_t i = 0; rc == 0 && i < rows.nrows; i++) {
		char *data = NULL, sha[65];
		size_t len;

		if (!fits(cr_res_str(&rows, i, 0), enterprise, license_of(&a)))
			continue;
		rc = cr_upload_read(cfg->attachments_dir, cr_res_str(&rows, i, 4),
		                    (size_t)cfg->attachments_max_bytes, &data, &len, err);
		if (rc == 0)
			rc = cr_upload_store(cfg->attachments_dir, data, len, r.names[i], sha, err);
		free(data);
	}
	if (rc == 0)
		rc = cr_db_tx(db, reuse_tx, &r, err);
	for (size_t i = 0; i < rows.nrows; i++)
		if (r.names[i][0] && (rc != 0 || !r.recorded[i]))
			cr_upload_remove(cfg->attachments_dir, r.names[i]);
	*copied = rc == 0 ? r.copied : 0;
	free(r.names);
	free(r.recorded);
	cr_res_release(&rows);
	return rc;
}
