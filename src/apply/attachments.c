#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "applications.h"
#include "attachments.h"
#include "doccheck.h"
#include "forms.h"
#include "pdfpreview.h"
#include "qrscan.h"
#include "upload.h"

static int
for_audience(const struct cr_doc_kind *k, int enterprise)
{
	return (k->audience & (enterprise ? CR_FOR_ENTERPRISE : CR_FOR_INDIVIDUAL)) != 0;
}

int
cr_attachment_required(const struct cr_config *cfg, const struct cr_doc_kind *k, const char *license_type,
                       int enterprise)
{
	const char *req =
	    enterprise ? cfg->attachments_required_enterprise : cfg->attachments_required_individual;

	if (!for_audience(k, enterprise))
		return 0;
	if (k->separate_only && (!enterprise || strcmp(license_type, "separate") != 0))
		return 0;
	return (strcmp(req, "all") == 0 && !k->optional) || cr_doc_kinds_listed(req, k->kind);
}

json_t *
cr_attachments_required_json(const struct cr_config *cfg, const char *license_type, int enterprise)
{
	json_t *req = json_array();

	for (int k = 0; k < cr_doc_kind_count; k++)
		if (cr_attachment_required(cfg, &cr_doc_kinds[k], license_type, enterprise))
			json_array_append_new(req, json_string(cr_doc_kinds[k].kind));
	return req;
}

int
cr_attachments_missing(struct cr_db *db, const struct cr_config *cfg, long long app_id,
                       const char *license_type, int enterprise, struct cr_err *acc)
{
	struct cr_err one;
	struct cr_res res;
	int rc;

	if ((rc = cr_db_exec(db, &res, &one, "SELECT kind FROM attachments WHERE application_id = ?", "i",
	                     app_id)) != 0)
		return rc;
	for (int k = 0; k < cr_doc_kind_count; k++) {
		const struct cr_doc_kind *kind = &cr_doc_kinds[k];
		char field[CR_ERR_FIELD_MAX];
		int have = 0;

		if (!cr_attachment_required(cfg, kind, license_type, enterprise))
			continue;
		for (size_t r = 0; r < res.nrows && !have; r++)
			have = strcmp(cr_res_str(&res, r, 0), kind->kind) == 0;
		if (have)
			continue;
		snprintf(field, sizeof field, "attachments.%s", kind->kind);
		cr_err_user(&one, CR_EINCOMPLETE, field, "请上传%s",
		            !enterprise && kind->label_individual ? kind->label_individual : kind->label);
		cr_err_add(acc, &one);
	}
	cr_res_release(&res);
	return 0;
}

json_t *
cr_attachments_json(struct cr_db *db, const struct cr_app *a)
{
	long long app_id = a->id;
	json_t *att = json_object();
	struct cr_res res;

	/* since_rejection: uploaded after the application was last rejected (what the reviewer has not seen).
	 */
	if (cr_db_exec(
	        db, &res, NULL,
	        "SELECT kind, sha256, bytes, content_type, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%SZ'),"
	        " created_at > IFNULL((SELECT MAX(e.at) FROM application_events e WHERE e.application_id = ?"
	        " AND e.status_to = 'rejected'), created_at), qr_text"
	        " FROM attachments WHERE application_id = ?",
	        "ii", app_id, app_id) != 0)
		return att;
	for (size_t r = 0; r < res.nrows; r++) {
		const char *kind = cr_res_str(&res, r, 0);
		json_t *doc = json_pack("{s:s, s:I, s:s, s:s, s:b}", "sha256", cr_res_str(&res, r, 1),
		                        "bytes", (json_int_t)cr_res_i64(&res, r, 2), "content_type",
		                        cr_res_str(&res, r, 3), "uploaded_at", cr_res_str(&res, r, 4),
		                        "since_rejection", (int)cr_res_i64(&res, r, 5));

		if (cr_form_printed(kind))
			json_object_set_new(doc, "paper", cr_form_scan_json(a, kind, cr_res_str(&res, r, 6)));
		json_object_set_new(att, kind, doc);
	}
	cr_res_release(&res);
	return att;
}

/* An attachment's row, as its transaction (cr_db_tx) sees it; old: the file it replaces. */
struct store {
	long long account_id, id;
	const char *kind, *content_type;
	long long bytes;
	const char *sha, *name;
	const char *qr; /* the QR code read from a printed form, or "" */
	char old[80];
};

static int
store_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct store *st = arg;
	struct cr_res res;
	struct cr_app a;
	int rc;

	st->old[0] = '\0';
	if ((rc = cr_app_load(db, st->account_id, st->id, 1, &a, err)) != 0 ||
	    (rc = cr_app_editable(&a, err)) != 0)
		return rc;
	if ((rc = cr_db_exec(
	         db, &res, err,
	         "SELECT stored_name FROM attachments WHERE application_id = ? AND kind = ? FOR UPDATE", "is",
	         st->id, st->kind)) != 0)
		return rc;
	if (res.nrows)
		snprintf(st->old, sizeof st->old, "%s", cr_res_str(&res, 0, 0));
	cr_res_release(&res);
	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO attachments (application_id, kind, content_type, bytes, sha256, "
	                "stored_name, qr_text, created_at)"
	                " VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE"
	                " content_type = VALUES(content_type),"
	                " bytes = VALUES(bytes), sha256 = VALUES(sha256), stored_name = VALUES(stored_name),"
	                " qr_text = VALUES(qr_text), created_at = VALUES(created_at)",
	                "ississs", st->id, st->kind, st->content_type, st->bytes, st->sha, st->name, st->qr);
	if (rc == 0)
		rc = cr_db_exec(db, NULL, err,
		                "UPDATE applications SET updated_at = UTC_TIMESTAMP(6) WHERE id = ?", "i",
		                st->id);
	return rc;
}

/*
 * The QR code on a scan of application a's form of kind, as text that can
 * be stored and shown (printable ASCII, at most CR_FORM_QR_MAX bytes): of
 * the codes on it (a scan of the three forms in one PDF holds three), the
 * one of this form.
 */
static void
scan_qr(const struct cr_app *a, const char *kind, enum cr_doc_type t, const void *data, size_t len,
        char qr[CR_FORM_QR_MAX + 1])
{
	char want[CR_FORM_QR_MAX + 1], codes[4096];

	snprintf(want, sizeof want, CR_FORM_QR_PREFIX "%lld:%s:", a->id, kind);
	qr[0] = '\0';
	if (cr_doc_qr(t, data, len, want, codes, sizeof codes) == 0)
		cr_form_qr_pick(a, kind, codes, qr, CR_FORM_QR_MAX + 1);
}

int
cr_attachment_put(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id,
                  const char *kind, const void *data, size_t len, json_t **out, struct cr_err *err)
{
	char name[40], sha[65], field[CR_ERR_FIELD_MAX], qr[CR_FORM_QR_MAX + 1];
	const struct cr_doc_kind *k;
	struct cr_err why;
	enum cr_doc_type t;
	struct store st;
	struct cr_app a;
	int rc;

	if ((k = cr_doc_kind_find(kind)) == NULL)
		return cr_err_user(err, CR_ENOTFOUND, "kind", "未知的附件类型：%s", kind);
	/* Ownership and state first, so nothing is stored for a request that cannot succeed. */
	if ((rc = cr_app_load(db, account_id, id, 0, &a, err)) != 0 || (rc = cr_app_editable(&a, err)) != 0)
		return rc;
	if (!for_audience(k, cr_user_is_enterprise(db, a.account_id)))
		return cr_err_user(err, CR_EINVAL, "kind", "%s不适用于%s账户", k->label,
		                   cr_user_is_enterprise(db, a.account_id) ? "单位" : "个人");
	if ((t = cr_doc_check(data, len, &why)) == CR_DOC_NONE) {
		snprintf(field, sizeof field, "attachments.%s", kind);
		return cr_err_user(err, CR_EBADFILE, field, "%s", why.user);
	}
	/* A printed form's QR code says which application and which printing the scan belongs to. */
	qr[0] = '\0';
	if (cr_form_printed(kind))
		scan_qr(&a, kind, t, data, len, qr);
	if ((rc = cr_upload_store(cfg->attachments_dir, data, len, name, sha, err)) != 0)
		return rc;
	st = (struct store){account_id, id, kind, cr_doc_content_type(t), (long long)len, sha, name, qr, ""};
	if ((rc = cr_db_tx(db, store_tx, &st, err)) != 0)
		goto fail_file;
	/* A download that read the old row a moment ago may still open the old file: it stays a while. */
	if (st.old[0])
		cr_upload_retire(cfg->attachments_dir, st.old);
	*out = json_pack("{s:s, s:s, s:I, s:s}", "kind", kind, "sha256", sha, "bytes", (json_int_t)len,
	                 "content_type", cr_doc_content_type(t));
	return 0;
fail_file:
	cr_upload_remove(cfg->attachments_dir, name);
	return rc;
}

int
cr_attachment_get(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id,
                  const char *kind, char **data, size_t *len, char ctype[41], struct cr_err *err)
{
	char name[80] = "";
	struct cr_res res;
	int rc;

	/*
	 * The row names the file.  A file missing after its row was read was
	 * replaced or deleted in between (replaced files stay a while, deleted
	 * applications take theirs at once): the row is read again.  Missing
	 * while the row still names it, the file is lost: the server's fault.
	 */
	for (int tries = 0;; tries++) {
		rc = cr_db_one(
		    db, &res, err, "attachment",
		    "SELECT t.stored_name, t.content_type FROM attachments t JOIN applications a ON a.id "
		    "= t.application_id"
		    " WHERE t.application_id = ? AND t.kind = ? AND (a.account_id = ? OR ? = 0)",
		    "isii", id, kind, account_id, account_id);
		if (rc != 0)
			return rc;
		if (tries > 0 && strcmp(name, cr_res_str(&res, 0, 0)) == 0) {
			cr_res_release(&res);
			return cr_err_set(err, CR_EIO, "attachment %lld/%s: stored file %s is lost", id, kind,
			                  name);
		}
		snprintf(name, sizeof name, "%s", cr_res_str(&res, 0, 0));
		snprintf(ctype, 41, "%s", cr_res_str(&res, 0, 1));
		cr_res_release(&res);
		rc = cr_upload_read(cfg->attachments_dir, name, (size_t)cfg->attachments_max_bytes, data, len,
		                    err);
		if (rc != CR_ENOTFOUND)
			return rc;
		if (tries == 3)
			return cr_err_set(err, CR_EIO, "attachment %lld/%s: the file keeps moving", id, kind);
	}
}

int
cr_attachment_files(struct cr_db *db, long long app_id, struct cr_res *names, struct cr_err *err)
{
	return cr_db_exec(db, names, err, "SELECT stored_name FROM attachments WHERE application_id = ?", "i",
	                  app_id);
}

void
cr_attachment_files_remove(const struct cr_config *cfg, const struct cr_res *names)
{
	for (size_t i = 0; i < names->nrows; i++)
		cr_upload_remove(cfg->attachments_dir, cr_res_str(names, i, 0));
}

int
cr_attachment_referenced(const char *name, void *db)
{
	struct cr_res res;
	int found;

	if (cr_db_exec(db, &res, NULL, "SELECT 1 FROM attachments WHERE stored_name = ? LIMIT 1", "s",
	               name) != 0)
		return 1;
	found = res.nrows > 0;
	cr_res_release(&res);
	return found;
}

int
cr_attachment_preview(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long app_id,
                      const char *kind, char **data, size_t *len, char ctype[41], struct cr_err *err)
{
	char *png;
	size_t pnglen;
	int rc;

	if ((rc = cr_attachment_get(db, cfg, account_id, app_id, kind, data, len, ctype, err)) != 0 ||
	    strcmp(ctype, "application/pdf") != 0)
		return rc;
	rc = cr_pdf_preview(*data, *len, CR_PREVIEW_WIDTH, &png, &pnglen, err);
	free(*data);
	*data = NULL;
	if (rc != 0)
		return rc;
	*data = png;
	*len = pnglen;
	snprintf(ctype, 41, "image/png");
	return 0;
}
