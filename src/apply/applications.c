#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "applications.h"
#include "attachments.h"
#include "json.h"
#include "money.h"
#include "pki/pki.h"
#include "price.h"
#include "rules.h"
#include "search.h"
#include "status.h"
#include "timefmt.h"

#define APP_COLUMNS                                                                                          \
	"id, account_id, status, certificate_id, years, reject_reason,"                                      \
	" DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%SZ'), DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%SZ'),"     \
	" DATE_FORMAT(submitted_at, '%Y-%m-%dT%H:%i:%SZ'), quoted_fen,"                                      \
	" company_name, license_no, applicant_name, id_card_no, phone, email, department, license_type,"     \
	" payer_name, invoice_type, invoice_title, invoice_tax_no, invoice_address, invoice_phone,"          \
	" invoice_bank, invoice_bank_account, delivery_method, delivery_address"
#define APP_PREFIX 10 /* columns before the form's fields, which follow in the form's order */

static void
copy_cell(char *dst, size_t len, const struct cr_res *res, unsigned col, int *present)
{
	const char *v = cr_res_str(res, 0, col);

	if (present)
		*present = v != NULL;
	snprintf(dst, len, "%s", v ? v : "");
}

int
cr_app_load(struct cr_db *db, long long account_id, long long id, int lock, struct cr_app *a,
            struct cr_err *err)
{
	struct cr_appform *f = &a->form;
	struct cr_res res;
	int rc;

	memset(a, 0, sizeof *a);
	if (lock)
		rc = cr_db_one(db, &res, err, "application",
		               "SELECT " APP_COLUMNS
		               " FROM applications WHERE id = ? AND (account_id = ? OR ? = 0) FOR UPDATE",
		               "iii", id, account_id, account_id);
	else
		rc = cr_db_one(db, &res, err, "application",
		               "SELECT " APP_COLUMNS
		               " FROM applications WHERE id = ? AND (account_id = ? OR ? = 0)",
		               "iii", id, account_id, account_id);
	if (rc != 0)
		return rc;
	a->id = cr_res_i64(&res, 0, 0);
	a->account_id = cr_res_i64(&res, 0, 1);
	copy_cell(a->status, sizeof a->status, &res, 2, NULL);
	f->certificate_id = cr_res_i64(&res, 0, 3);
	f->years = cr_res_i64(&res, 0, 4);
	copy_cell(a->reject_reason, sizeof a->reject_reason, &res, 5, &a->has_reject);
	copy_cell(a->created, sizeof a->created, &res, 6, NULL);
	copy_cell(a->updated, sizeof a->updated, &res, 7, NULL);
	copy_cell(a->submitted, sizeof a->submitted, &res, 8, &a->has_submitted);
	a->quoted_fen = cr_res_str(&res, 0, 9) ? cr_res_i64(&res, 0, 9) : -1;
	for (int i = 0; i < CR_FORM_FIELDS; i++)
		copy_cell(f->f[i], CR_FORM_BYTES, &res, APP_PREFIX + i, NULL);
	cr_res_release(&res);
	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT centre_id FROM application_centres WHERE application_id = ? ORDER BY centre_id", "i", id);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < res.nrows && i < CR_FORM_MAX_CENTRES; i++)
		f->centres[f->ncentres++] = cr_res_i64(&res, i, 0);
	cr_res_release(&res);
	return 0;
}

/* Names the open application of a certificate in a conflict message. */
static int
open_conflict(struct cr_db *db, long long cert, struct cr_err *err)
{
	struct cr_res res;
	long long other = 0;

	if (cr_db_exec(db, &res, NULL, "SELECT id FROM applications WHERE open_certificate_id = ?", "i",
	               cert) == 0) {
		if (res.nrows)
			other = cr_res_i64(&res, 0, 0);
		cr_res_release(&res);
	}
	return cr_err_user(err, CR_ECONFLICT, "certificate_id",
	                   "该证书已有进行中的更新申请（编号 %lld），请先完成或撤销该申请", other);
}

static int
app_store(struct cr_db *db, const struct cr_app *a, struct cr_err *err)
{
	const struct cr_appform *f = &a->form;
	const char *v[CR_FORM_FIELDS];
	int rc;

	for (int i = 0; i < CR_FORM_FIELDS; i++)
		v[i] = cr_appform_value(f, i);
	rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE applications SET certificate_id = ?, years = ?, company_name = ?, license_no = ?,"
	    " applicant_name = ?, id_card_no = ?, phone = ?, email = ?, department = ?, license_type = ?,"
	    " payer_name = ?, invoice_type = ?, invoice_title = ?, invoice_tax_no = ?, invoice_address = ?,"
	    " invoice_phone = ?, invoice_bank = ?, invoice_bank_account = ?, delivery_method = ?,"
	    " delivery_address = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?",
	    "iissssssssssssssssssi", f->certificate_id, f->years, v[0], v[1], v[2], v[3], v[4], v[5], v[6],
	    v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], a->id);
	if (rc == CR_ECONFLICT)
		return open_conflict(db, f->certificate_id, err);
	if (rc == 0) /* the company and the applicant, findable by staff */
		rc = cr_search_index_names(db, a->account_id, v[0], v[2], err);
	return rc;
}

static int
store_centres(struct cr_db *db, const struct cr_app *a, struct cr_err *err)
{
	const struct cr_appform *f = &a->form;
	int rc =
	    cr_db_exec(db, NULL, err, "DELETE FROM application_centres WHERE application_id = ?", "i", a->id);

	for (int i = 0; rc == 0 && i < f->ncentres; i++)
		rc = cr_db_exec(db, NULL, err,
		                "INSERT INTO application_centres (application_id, centre_id) VALUES (?, ?)",
		                "ii", a->id, f->centres[i]);
	if (rc == 0)
		rc = cr_db_exec(db, NULL, err, "UPDATE applications SET addons = ? WHERE id = ?", "ii",
		                (long long)f->ncentres, a->id);
	return rc;
}

static int
event(struct cr_db *db, long long app, long long actor, const char *from, const char *to, const char *note,
      struct cr_err *err)
{
	return cr_db_exec(
	    db, NULL, err,
	    "INSERT INTO application_events (application_id, at, actor_id, status_from, status_to, note)"
	    " VALUES (?, UTC_TIMESTAMP(6), ?, ?, ?, ?)",
	    "iisss", app, actor, from, to, note);
}

int
cr_app_editable(const struct cr_app *a, struct cr_err *err)
{
	if (strcmp(a->status, "draft") == 0 || strcmp(a->status, "rejected") == 0)
		return 0;
	return cr_err_user(err, CR_ECONFLICT, NULL, "申请当前状态为“%s”，不能修改",
	                   cr_status_label(CR_SM_APPLICATION, a->status));
}

static int
names_field(const struct cr_err *err, const char *field)
{
	for (int i = 0; err && i < err->nfields; i++)
		if (strcmp(err->fields[i].field, field) == 0)
			return 1;
	return 0;
}

/* A new draft, as its transaction (cr_db_tx) sees it. */
struct create {
	const struct cr_actor *actor;
	long long account_id;
	struct cr_app *a;
	const struct cr_appform_given *given;
	int open; /* the certificate has an open application already */
};

static int
create_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct create *c = arg;
	struct cr_app *a = c->a;
	int rc;

	c->open = 0;
	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO applications (account_id, certificate_id, created_at, updated_at)"
	                " VALUES (?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
	                "ii", c->account_id, a->form.certificate_id);
	if (rc != 0) {
		c->open = rc == CR_ECONFLICT;
		return rc;
	}
	a->id = cr_db_insert_id(db);
	if ((rc = app_store(db, a, err)) != 0 ||
	    (c->given->centres && (rc = store_centres(db, a, err)) != 0) ||
	    (rc = event(db, a->id, c->account_id, NULL, "draft", NULL, err)) != 0)
		return rc;
	return cr_audit(
	    db, c->actor, "application.create", "application", a->id, NULL,
	    json_pack("{s:s, s:I}", "status", "draft", "certificate_id", (json_int_t)a->form.certificate_id),
	    err);
}

int
cr_app_create(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, json_t *in,
              long long *id, struct cr_err *err)
{
	long long account_id = actor->id;
	struct cr_appform_given given;
	struct create c;
	struct cr_app a;
	int rc;

	memset(&a, 0, sizeof a);
	a.form.years = 1;
	rc = cr_appform_merge(db, cfg, &a.form, in, &given, err);
	if (rc != 0 && rc != CR_EINVAL)
		return rc;
	if (!given.certificate_id && (rc == 0 || !names_field(err, "certificate_id"))) {
		struct cr_err one;

		cr_err_user(&one, CR_EINVAL, "certificate_id", "请选择待更新的数字证书");
		rc = cr_err_add(err, &one);
	}
	if (rc != 0)
		return rc;
	if ((rc = cr_cert_check_renewable(db, cfg, account_id, a.form.certificate_id, err)) != 0)
		return rc;
	c = (struct create){.actor = actor, .account_id = account_id, .a = &a, .given = &given};
	if ((rc = cr_db_tx(db, create_tx, &c, err)) != 0)
		return c.open ? open_conflict(db, a.form.certificate_id, err) : rc;
	*id = a.id;
	return 0;
}

/* One change of a draft, as its transaction (cr_db_tx) sees it. */
struct patch {
	const struct cr_config *cfg;
	long long account_id, id;
	json_t *in;
	struct cr_app a;
	int open; /* the certificate has another open application (read after the rollback) */
};

static int
patch_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct patch *p = arg;
	struct cr_appform_given given;
	long long old_cert;
	int rc;

	p->open = 0;
	if ((rc = cr_app_load(db, p->account_id, p->id, 1, &p->a, err)) != 0 ||
	    (rc = cr_app_editable(&p->a, err)) != 0)
		return rc;
	old_cert = p->a.form.certificate_id;
	if ((rc = cr_appform_merge(db, p->cfg, &p->a.form, p->in, &given, err)) != 0)
		return rc;
	if (given.certificate_id && p->a.form.certificate_id != old_cert &&
	    (rc = cr_cert_check_renewable(db, p->cfg, p->account_id, p->a.form.certificate_id, err)) != 0)
		return rc;
	if ((rc = app_store(db, &p->a, err)) != 0) {
		p->open = rc == CR_ECONFLICT;
		return rc;
	}
	return given.centres ? store_centres(db, &p->a, err) : 0;
}

int
cr_app_patch(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id, json_t *in,
             struct cr_err *err)
{
	struct patch p = {.cfg = cfg, .account_id = account_id, .id = id, .in = in};
	int rc = cr_db_tx(db, patch_tx, &p, err);

	/* The conflict's message reads the other application, after the rollback. */
	return rc != 0 && p.open ? open_conflict(db, p.a.form.certificate_id, err) : rc;
}

/* The licence type the required attachments depend on ("three_in_one" until chosen). */
static const char *
license_type(const struct cr_app *a)
{
	return a->form.f[CR_FORM_LICENSE_TYPE][0] ? a->form.f[CR_FORM_LICENSE_TYPE] : "three_in_one";
}

/* Everything still missing before a submit, into acc (CR_EINCOMPLETE items). */
static int
app_missing(struct cr_db *db, const struct cr_config *cfg, const struct cr_app *a, int enterprise,
            struct cr_err *acc)
{
	cr_appform_missing(&a->form, enterprise, acc);
	return cr_attachments_missing(db, cfg, a->id, license_type(a), enterprise, acc);
}

static json_t *
missing_json(const struct cr_err *acc)
{
	json_t *m = json_array();

	for (int i = 0; i < acc->nfields; i++)
		json_array_append_new(m, json_pack("{s:s, s:s}", "field", acc->fields[i].field, "message",
		                                   acc->fields[i].user));
	return m;
}

static json_t *
history_json(struct cr_db *db, long long id)
{
	json_t *h = json_array();
	struct cr_res res;

	if (cr_db_exec(db, &res, NULL,
	               "SELECT DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%SZ'), status_from, status_to, note"
	               " FROM application_events WHERE application_id = ? ORDER BY id",
	               "i", id) != 0)
		return h;
	for (size_t r = 0; r < res.nrows; r++) {
		const char *to = cr_res_str(&res, r, 2);

		json_array_append_new(h, json_pack("{s:s, s:o, s:s, s:s, s:o}", "at", cr_res_str(&res, r, 0),
		                                   "from", cr_json_cell(&res, r, 1), "to", to, "label",
		                                   cr_status_label(CR_SM_APPLICATION, to), "note",
		                                   cr_json_cell(&res, r, 3)));
	}
	cr_res_release(&res);
	return h;
}

static json_t *
app_json(struct cr_db *db, const struct cr_config *cfg, const struct cr_app *a)
{
	json_t *o = json_object(), *tc = json_array();
	const struct cr_appform *f = &a->form;
	struct cr_prices prices;
	struct cr_err missing;
	struct cr_res res;
	long long price;

	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "status", json_string(a->status));
	json_object_set_new(o, "status_label", json_string(cr_status_label(CR_SM_APPLICATION, a->status)));
	json_object_set_new(o, "certificate_id", json_integer(f->certificate_id));
	/* The certificate being renewed, as the customer and the reviewer know it. */
	if (cr_db_exec(db, &res, NULL,
	               "SELECT token, subject, DATE_FORMAT(not_after, '%Y-%m-%dT%H:%i:%SZ'), serial"
	               " FROM certificates WHERE id = ?",
	               "i", f->certificate_id) == 0) {
		json_object_set_new(
		    o, "certificate",
		    res.nrows
		        ? json_pack("{s:I, s:o, s:o, s:o, s:o}", "id", (json_int_t)f->certificate_id, "token",
		                    cr_json_cell(&res, 0, 0), "subject", cr_json_cell(&res, 0, 1),
		                    "not_after", cr_json_cell(&res, 0, 2), "serial", cr_json_cell(&res, 0, 3))
		        : json_null());
		cr_res_release(&res);
	}
	cr_appform_to_json(f, o);
	json_object_set_new(o, "years", json_integer(f->years));
	for (int i = 0; i < f->ncentres; i++)
		json_array_append_new(tc, json_integer(f->centres[i]));
	json_object_set_new(o, "trading_centre_ids", tc);
	cr_prices_load(db, cfg, &prices);
	price = cr_price_fen(&prices, f->years, f->ncentres);
	/* Once submitted, the price it was submitted at; while it is edited, the price in force. */
	if (a->quoted_fen >= 0 && cr_choice_has("submitted|approved", a->status))
		price = a->quoted_fen;
	json_object_set_new(o, "price_fen", price >= 0 ? json_integer(price) : json_null());
	if (cr_db_exec(db, &res, NULL, "SELECT order_no, status FROM orders WHERE application_id = ?", "i",
	               a->id) == 0) {
		json_object_set_new(o, "order_no", cr_json_cell(&res, 0, 0));
		json_object_set_new(o, "order_status", cr_json_cell(&res, 0, 1));
		cr_res_release(&res);
	}
	json_object_set_new(o, "reject_reason", a->has_reject ? json_string(a->reject_reason) : json_null());
	json_object_set_new(o, "created_at", json_string(a->created));
	json_object_set_new(o, "updated_at", json_string(a->updated));
	json_object_set_new(o, "submitted_at", a->has_submitted ? json_string(a->submitted) : json_null());
	json_object_set_new(o, "attachments", cr_attachments_json(db, a));
	int enterprise = cr_user_is_enterprise(db, a->account_id);
	json_object_set_new(o, "account_type", json_string(enterprise ? "enterprise" : "individual"));

	json_object_set_new(o, "required_attachments",
	                    cr_attachments_required_json(cfg, license_type(a), enterprise));
	cr_err_clear(&missing);
	app_missing(db, cfg, a, enterprise, &missing);
	json_object_set_new(o, "missing", missing_json(&missing));
	json_object_set_new(o, "history", history_json(db, a->id));
	json_object_set_new(o, "reusable", cr_attachments_reusable_json(db, cfg, a, enterprise));
	return o;
}

int
cr_app_get(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id, json_t **out,
           struct cr_err *err)
{
	struct cr_app a;
	int rc;

	struct cr_res res;

	if ((rc = cr_app_load(db, account_id, id, 0, &a, err)) != 0)
		return rc;
	*out = app_json(db, cfg, &a);
	if (*out == NULL)
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	/* Staff see what the approval rules checked (the reasons are theirs, not the customer's). */
	if (account_id == 0 &&
	    cr_db_exec(db, &res, NULL, "SELECT rule_check, rule_approved FROM applications WHERE id = ?", "i",
	               id) == 0) {
		json_object_set_new(*out, "rule_check",
		                    res.nrows ? cr_json_cell_parsed(&res, 0, 0) : json_null());
		json_object_set_new(*out, "rule_approved",
		                    json_string(res.nrows && cr_res_i64(&res, 0, 1) == 1   ? "approved"
		                                : res.nrows && cr_res_i64(&res, 0, 1) == 2 ? "withdrawn"
		                                                                           : "no"));
		cr_res_release(&res);
	}
	return 0;
}

int
cr_app_list(struct cr_db *db, const struct cr_config *cfg, long long account_id, const struct cr_app_query *q,
            json_t **out, struct cr_err *err)
{
	const char *period = q->period, *status = q->status, *text = q->s ? q->s->key : "";
	long long after = q->after, limit = q->limit, number = 0, days;
	const char *order_no = q->s ? q->s->order_no : "";
	struct cr_prices prices;
	struct cr_res res;
	json_t *arr;
	int rc;

	if (period == NULL || *period == '\0' || strcmp(period, "3m") == 0)
		days = 92;
	else if (strcmp(period, "all") == 0)
		days = 365LL * 100;
	else
		return cr_err_user(err, CR_EINVAL, "period", "period 只能是 3m（最近三个月）或 all（全部）");
	if (status && *status && strcmp(status, "all") != 0 && !cr_status_known(CR_SM_APPLICATION, status))
		return cr_err_user(err, CR_EINVAL, "status", "未知的申请状态：%s", status);
	if (status && (*status == '\0' || strcmp(status, "all") == 0))
		status = NULL;
	/* The search box: an application's number ("#12" or "12"), an order's number, or a name in it. */
	if (text[0] == '#' || (text[0] && strspn(text, "0123456789") == strlen(text) && !order_no[0])) {
		number = strtoll(text + (text[0] == '#'), NULL, 10);
		text = "";
		if (number <= 0)
			return cr_err_user(err, CR_EINVAL, "q", "申请编号应为数字，如 #12");
	} else if (order_no[0]) {
		text = "";
	}
	/* One round trip: the prices in force come with the rows, the price is computed here. */
	rc =
	    cr_db_exec(db, &res, err,
	               "SELECT a.id, a.status, a.company_name, a.applicant_name, a.years,"
	               " a.created_at, a.updated_at, a.certificate_id, a.addons, a.reject_reason,"
	               " p.base_per_year, p.addon_per_year, a.quoted_fen"
	               " FROM applications a LEFT JOIN prices p ON p.id = 1"
	               " WHERE a.account_id = ? AND a.created_at > UTC_TIMESTAMP() - INTERVAL ? DAY"
	               " AND (? IS NULL OR a.status = ?) AND (? = 0 OR a.id < ?)"
	               " AND (? = 0 OR a.id = ?) AND (? = '' OR a.id = (SELECT o.application_id FROM orders o"
	               "  WHERE o.order_no = ? AND o.account_id = a.account_id))"
	               " AND (? = '' OR LOCATE(?, a.company_name) > 0 OR LOCATE(?, a.applicant_name) > 0)"
	               " AND (? = '' OR a.created_at >= CAST(? AS DATETIME) - INTERVAL 8 HOUR)"
	               " AND (? = '' OR a.created_at < CAST(? AS DATETIME) - INTERVAL 8 HOUR)"
	               " ORDER BY a.id DESC LIMIT ?",
	               "iissiiiisssssssssi", account_id, days, status, status, after, after, number, number,
	               order_no, order_no, text, text, text, q->from, q->from, q->to, q->to, limit);
	if (rc != 0)
		return rc;
	cr_prices_load(NULL, cfg, &prices);
	arr = json_array();
	for (size_t i = 0; i < res.nrows; i++) {
		const char *st = cr_res_str(&res, i, 1);
		char created[21], updated[21];
		long long price;

		if (cr_res_str(&res, i, 10)) {
			prices.base_per_year = cr_res_i64(&res, i, 10);
			prices.addon_per_year = cr_res_i64(&res, i, 11);
		}
		price = cr_price_fen(&prices, cr_res_i64(&res, i, 4), cr_res_i64(&res, i, 8));
		if (cr_res_str(&res, i, 12) && cr_choice_has("submitted|approved", st))
			price = cr_res_i64(&res, i, 12);
		cr_time_iso(cr_res_str(&res, i, 5), created);
		cr_time_iso(cr_res_str(&res, i, 6), updated);
		json_array_append_new(
		    arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:o, s:o}", "id",
		                   (json_int_t)cr_res_i64(&res, i, 0), "status", st, "status_label",
		                   cr_status_label(CR_SM_APPLICATION, st), "company_name",
		                   cr_res_str(&res, i, 2), "applicant_name", cr_res_str(&res, i, 3), "years",
		                   (json_int_t)cr_res_i64(&res, i, 4), "created_at", created, "updated_at",
		                   updated, "certificate_id", (json_int_t)cr_res_i64(&res, i, 7), "price_fen",
		                   price >= 0 ? json_integer(price) : json_null(), "reject_reason",
		                   cr_json_cell(&res, i, 9)));
	}
	*out = cr_json_page(arr, &res, 0, limit);
	cr_res_release(&res);
	return 0;
}

/* The audit action of a move to status to. */
static const char *
action_of(const char *to)
{
	static const char *const actions[][2] = {
	    {"submitted", "application.submit"},
	    {"cancelled", "application.cancel"},
	    {"approved", "application.approve"},
	    {"rejected", "application.reject"},
	};

	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(actions[i][0], to) == 0)
			return actions[i][1];
	return "application.update";
}

/* Moves a to status to, with its event and audit row; reason is the rejection's. */
static int
set_status(struct cr_db *db, struct cr_app *a, const char *to, const struct cr_actor *actor,
           const char *reason, struct cr_err *err)
{
	int rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE applications SET status = ?, updated_at = UTC_TIMESTAMP(6),"
	    " submitted_at = IF(? = 'submitted', UTC_TIMESTAMP(6), submitted_at),"
	    " reject_reason = IF(? = 'submitted', NULL, IF(? = 'rejected', ?, reject_reason)) WHERE id = ?",
	    "sssssi", to, to, to, to, reason, a->id);

	if (rc == CR_ECONFLICT)
		return open_conflict(db, a->form.certificate_id, err);
	if (rc == 0)
		rc = event(db, a->id, actor->id, a->status, to, reason, err);
	if (rc == 0)
		rc = cr_audit(db, actor, action_of(to), "application", a->id,
		              json_pack("{s:s}", "status", a->status),
		              reason ? json_pack("{s:s, s:s}", "status", to, "reason", reason)
		                     : json_pack("{s:s}", "status", to),
		              err);
	return rc;
}

/* One move of an application, as its transaction (cr_db_tx) sees it. */
struct move {
	const struct cr_config *cfg;
	const struct cr_actor *actor;
	long long account_id, id;
	const struct cr_app_move *mv;
};

static int
move_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct move *m = arg;
	const struct cr_app_move *mv = m->mv;
	struct cr_app a;
	int rc;

	if ((rc = cr_app_load(db, m->account_id, m->id, 1, &a, err)) != 0)
		return rc;
	if (!cr_choice_has(mv->from, a.status))
		return cr_err_user(err, CR_ECONFLICT, NULL, "申请当前状态为“%s”，%s",
		                   cr_status_label(CR_SM_APPLICATION, a.status), mv->refusal);
	if (mv->step && (rc = mv->step(db, m->cfg, m->actor, &a, mv->arg, err)) != 0)
		return rc;
	return mv->to ? set_status(db, &a, mv->to, m->actor, mv->reason, err) : 0;
}

int
cr_app_transition(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                  long long account_id, long long id, const struct cr_app_move *mv, struct cr_err *err)
{
	struct move m = {cfg, actor, account_id, id, mv};

	return cr_db_tx(db, move_tx, &m, err);
}

struct submit {
	int enterprise;
	long long seen_fen; /* the price the customer was shown, or -1 */
};

/*
 * Submit's step: the certificate is still renewable, nothing is missing,
 * and the price is the one the customer saw (else CR_ECONFLICT on
 * price_fen, naming the new one); the price is kept with the application.
 */
static int
check_complete(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, struct cr_app *a,
               void *arg, struct cr_err *err)
{
	const struct submit *sb = arg;
	int enterprise = sb->enterprise, rc;
	struct cr_prices prices;
	char now[32], seen[32];
	long long price;
	struct cr_err acc;

	if ((rc = cr_cert_check_renewable(db, cfg, actor->id, a->form.certificate_id, err)) != 0)
		return rc;
	cr_err_clear(&acc);
	if ((rc = app_missing(db, cfg, a, enterprise, &acc)) != 0)
		return cr_err_set(err, rc, "%s", acc.msg);
	if (acc.nfields == 0) {
		cr_prices_load(db, cfg, &prices);
		if ((price = cr_price_fen(&prices, a->form.years, a->form.ncentres)) < 0)
			return cr_err_set(err, CR_EINVAL, "application %lld: no price for %lld years", a->id,
			                  a->form.years);
		if (sb->seen_fen >= 0 && sb->seen_fen != price) {
			cr_money_format(price, now, sizeof now);
			cr_money_format(sb->seen_fen, seen, sizeof seen);
			return cr_err_user(
			    err, CR_ECONFLICT, "price_fen",
			    "价格已调整：订单金额现为 %s 元（您看到的是 %s 元），请确认后再提交", now, seen);
		}
		return cr_db_exec(db, NULL, err, "UPDATE applications SET quoted_fen = ? WHERE id = ?", "ii",
		                  price, a->id);
	}
	/* The list is in fields[]; the message counts it. */
	snprintf(acc.user, sizeof acc.user, "申请信息不完整：还有 %d 项未填写或未上传", acc.nfields);
	snprintf(acc.msg, sizeof acc.msg, "application %lld: %d items missing", a->id, acc.nfields);
	acc.code = CR_EINCOMPLETE;
	if (err)
		*err = acc;
	return CR_EINCOMPLETE;
}

int
cr_app_submit(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, int enterprise,
              long long id, long long seen_fen, struct cr_err *err)
{
	struct submit sb = {enterprise, seen_fen};
	struct cr_app_move mv = {"draft|rejected", "submitted", "不能提交", NULL, check_complete, &sb};
	int rc = cr_app_transition(db, cfg, actor, actor->id, id, &mv, err);

	/* A returning customer with nothing changed: approved now when the agency's rules say so. */
	if (rc == 0)
		cr_auto_approve(db, cfg, id);
	return rc;
}

int
cr_app_cancel(struct cr_db *db, const struct cr_actor *actor, long long id, struct cr_err *err)
{
	struct cr_app_move mv = {"draft|submitted|rejected", "cancelled", "不能撤销", NULL, NULL, NULL};

	return cr_app_transition(db, NULL, actor, actor->id, id, &mv, err);
}

/* Delete's step: the row goes (its attachments and events with it); the files' names are kept for after. */
static int
remove_draft(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, struct cr_app *a,
             void *arg, struct cr_err *err)
{
	struct cr_res *files = arg;
	int rc;

	(void)cfg;
	if ((rc = cr_attachment_files(db, a->id, files, err)) != 0)
		return rc;
	if ((rc = cr_db_exec(db, NULL, err, "DELETE FROM applications WHERE id = ?", "i", a->id)) != 0 ||
	    (rc = cr_audit(db, actor, "application.delete", "application", a->id,
	                   json_pack("{s:s}", "status", "draft"), NULL, err)) != 0) {
		cr_res_release(files);
		return rc;
	}
	return 0;
}

int
cr_app_delete(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long id,
              struct cr_err *err)
{
	struct cr_res files = {0};
	struct cr_app_move mv = {"draft", NULL,         "只能删除草稿；已提交的申请请使用“撤销”",
	                         NULL,    remove_draft, &files};
	int rc = cr_app_transition(db, cfg, actor, actor->id, id, &mv, err);

	/* The files go only once the rows are gone for good. */
	if (rc == 0)
		cr_attachment_files_remove(cfg, &files);
	cr_res_release(&files);
	return rc;
}
