#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applications.h"
#include "audit.h"
#include "messages.h"
#include "orders.h"
#include "certs.h"
#include "idcheck.h"
#include "log.h"
#include "price.h"
#include "timefmt.h"
#include "upload.h"
#include "utf8.h"

const struct cr_attachment_kind cr_attachment_kinds[] = {
    {"business_license", "企业营业执照（副本）", 0},
    {"bank_account_permit", "开户银行许可证（副本）", 0},
    {"company_seal", "企业公章扫描件", 0},
    {"legal_person_seal", "法人章扫描件", 0},
    {"application_form", "企业数字证书申请表", 0},
    {"responsibility_letter", "数字证书责任书", 0},
    {"power_of_attorney", "授权委托书", 0},
    {"org_code_cert", "组织机构代码证（副本）", 1},
    {"tax_registration_cert", "税务登记证（副本）", 1},
};
const int cr_attachment_kind_count = sizeof cr_attachment_kinds / sizeof cr_attachment_kinds[0];

static const char *const status_labels[][2] = {
    {"draft", "草稿"}, {"submitted", "待审核"}, {"approved", "审核通过"}, {"rejected", "已驳回"}, {"cancelled", "已撤销"},
};

const char *
cr_app_status_label(const char *status)
{
	for (size_t i = 0; i < sizeof status_labels / sizeof status_labels[0]; i++)
		if (strcmp(status_labels[i][0], status) == 0)
			return status_labels[i][1];
	return status;
}

enum fkind { F_TEXT, F_USCC, F_IDCARD, F_PHONE, F_EMAIL, F_TAXNO, F_ENUM, F_ACCOUNT };
enum need { N_NONE, N_ALWAYS, N_ENTERPRISE, N_TAX, N_SPECIAL, N_COURIER };

struct field {
	const char *obj; /* NULL, "invoice" or "delivery" */
	const char *key;
	const char *name; /* JSON field name in errors: "invoice.tax_no" */
	const char *label;
	long maxchars;
	enum fkind kind;
	const char *choices; /* F_ENUM: "a|b" */
	enum need need;
};

/* Order = the column order of APP_COLUMNS below. */
static const struct field fields[] = {
    {NULL, "company_name", "company_name", "单位名称", 100, F_TEXT, NULL, N_ENTERPRISE},
    {NULL, "license_no", "license_no", "营业执照号（统一社会信用代码）", 18, F_USCC, NULL, N_ENTERPRISE},
    {NULL, "applicant_name", "applicant_name", "申请人姓名", 50, F_TEXT, NULL, N_ALWAYS},
    {NULL, "id_card_no", "id_card_no", "申请人身份证号", 18, F_IDCARD, NULL, N_ALWAYS},
    {NULL, "phone", "phone", "申请人联系电话", 30, F_PHONE, NULL, N_ALWAYS},
    {NULL, "email", "email", "申请人电子邮箱", 254, F_EMAIL, NULL, N_ALWAYS},
    {NULL, "department", "department", "申请人所在部门", 50, F_TEXT, NULL, N_NONE},
    {NULL, "license_type", "license_type", "营业执照类型", 20, F_ENUM, "three_in_one|separate", N_ALWAYS},
    {NULL, "payer_name", "payer_name", "付款人", 100, F_TEXT, NULL, N_ALWAYS},
    {NULL, "invoice_type", "invoice_type", "发票类型", 10, F_ENUM, "normal|special", N_ALWAYS},
    {"invoice", "title", "invoice.title", "发票抬头", 100, F_TEXT, NULL, N_ALWAYS},
    {"invoice", "tax_no", "invoice.tax_no", "纳税人识别号", 20, F_TAXNO, NULL, N_TAX},
    {"invoice", "address", "invoice.address", "专票地址", 200, F_TEXT, NULL, N_SPECIAL},
    {"invoice", "phone", "invoice.phone", "专票电话", 30, F_PHONE, NULL, N_SPECIAL},
    {"invoice", "bank", "invoice.bank", "开户银行", 100, F_TEXT, NULL, N_SPECIAL},
    {"invoice", "bank_account", "invoice.bank_account", "银行账号", 40, F_ACCOUNT, NULL, N_SPECIAL},
    {"delivery", "method", "delivery.method", "发票领取方式", 10, F_ENUM, "pickup|courier", N_ALWAYS},
    {"delivery", "address", "delivery.address", "邮寄地址", 200, F_TEXT, NULL, N_COURIER},
};
#define NFIELDS ((int)(sizeof fields / sizeof fields[0]))
#define F_LICENSE_TYPE 7
#define F_INVOICE_TYPE 9
#define F_DELIVERY_METHOD 16
#define FIELD_BYTES (4 * 254 + 1)
#define MAX_CENTRES 32

#define APP_COLUMNS                                                                                      \
	"id, account_id, status, certificate_id, years, reject_reason,"                                  \
	" DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%SZ'), DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%SZ'),"  \
	" DATE_FORMAT(submitted_at, '%Y-%m-%dT%H:%i:%SZ'),"                                              \
	" company_name, license_no, applicant_name, id_card_no, phone, email, department, license_type," \
	" payer_name, invoice_type, invoice_title, invoice_tax_no, invoice_address, invoice_phone,"      \
	" invoice_bank, invoice_bank_account, delivery_method, delivery_address"
#define APP_PREFIX 9

struct app {
	long long id, account_id, certificate_id, years;
	char status[16];
	char reject_reason[2001];
	char created[24], updated[24], submitted[24];
	int has_reject, has_submitted;
	char f[NFIELDS][FIELD_BYTES];
	long long centres[MAX_CENTRES];
	int ncentres;
};

/* Validates v for field i; writes the canonical form into out. Empty is always fine here. */
static int
field_check(int i, const char *v, char out[FIELD_BYTES], struct cr_err *err)
{
	const struct field *f = &fields[i];
	int rc;

	snprintf(out, FIELD_BYTES, "%s", v);
	if (*v == '\0')
		return 0;
	if ((rc = cr_check_text(v, f->name, f->label, f->maxchars, 0, err)) != 0)
		return rc;
	switch (f->kind) {
	case F_TEXT: return 0;
	case F_USCC: return cr_check_uscc(v, f->name, out, FIELD_BYTES, err);
	case F_IDCARD: return cr_check_id_card(v, f->name, out, FIELD_BYTES, err);
	case F_PHONE: return cr_check_phone(v, f->name, out, FIELD_BYTES, err);
	case F_EMAIL: return cr_check_email(v, f->name, err);
	case F_TAXNO: return cr_check_tax_no(v, f->name, out, FIELD_BYTES, err);
	case F_ENUM:
		if (!cr_choice_has(f->choices, v))
			return cr_err_field(err, CR_EINVAL, f->name, "%s的取值无效（可选：%s）", f->label, f->choices);
		return 0;
	case F_ACCOUNT: {
		size_t digits = 0;

		for (const char *p = v; *p; p++) {
			if (*p >= '0' && *p <= '9')
				digits++;
			else if (*p != ' ' && *p != '-')
				return cr_err_field(err, CR_EINVAL, f->name, "银行账号只能包含数字");
		}
		if (digits < 6 || digits > 34)
			return cr_err_field(err, CR_EINVAL, f->name, "银行账号应为 6 到 34 位数字");
		return 0;
	}
	}
	return 0;
}

/* Loads application id (of account_id, or any when 0); FOR UPDATE inside a transaction. */
static int
app_load(struct cr_db *db, long long account_id, long long id, int lock, struct app *a, struct cr_err *err)
{
	struct cr_res res;
	int rc;

	memset(a, 0, sizeof *a);
	if (lock)
		rc = cr_db_exec(db, &res, err,
				"SELECT " APP_COLUMNS " FROM applications WHERE id = ? AND (account_id = ? OR ? = 0) FOR UPDATE",
				"iii", id, account_id, account_id);
	else
		rc = cr_db_exec(db, &res, err,
				"SELECT " APP_COLUMNS " FROM applications WHERE id = ? AND (account_id = ? OR ? = 0)",
				"iii", id, account_id, account_id);
	if (rc != 0)
		return rc;
	if (res.nrows == 0) {
		cr_res_release(&res);
		return cr_err_set(err, CR_ENOTFOUND, "application %lld not found", id);
	}
	a->id = cr_res_i64(&res, 0, 0);
	a->account_id = cr_res_i64(&res, 0, 1);
	snprintf(a->status, sizeof a->status, "%s", cr_res_str(&res, 0, 2));
	a->certificate_id = cr_res_i64(&res, 0, 3);
	a->years = cr_res_i64(&res, 0, 4);
	a->has_reject = cr_res_str(&res, 0, 5) != NULL;
	snprintf(a->reject_reason, sizeof a->reject_reason, "%s", a->has_reject ? cr_res_str(&res, 0, 5) : "");
	snprintf(a->created, sizeof a->created, "%s", cr_res_str(&res, 0, 6));
	snprintf(a->updated, sizeof a->updated, "%s", cr_res_str(&res, 0, 7));
	a->has_submitted = cr_res_str(&res, 0, 8) != NULL;
	snprintf(a->submitted, sizeof a->submitted, "%s", a->has_submitted ? cr_res_str(&res, 0, 8) : "");
	for (int i = 0; i < NFIELDS; i++) {
		const char *v = cr_res_str(&res, 0, APP_PREFIX + i);

		snprintf(a->f[i], FIELD_BYTES, "%s", v ? v : "");
	}
	cr_res_release(&res);
	rc = cr_db_exec(db, &res, err, "SELECT centre_id FROM application_centres WHERE application_id = ? ORDER BY centre_id",
			"i", id);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < res.nrows && i < MAX_CENTRES; i++)
		a->centres[a->ncentres++] = cr_res_i64(&res, i, 0);
	cr_res_release(&res);
	return 0;
}

static const char *
nul(const char *s)
{
	return s && *s ? s : NULL;
}

static int
app_store(struct cr_db *db, const struct app *a, struct cr_err *err)
{
	int rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE applications SET certificate_id = ?, years = ?, company_name = ?, license_no = ?,"
	    " applicant_name = ?, id_card_no = ?, phone = ?, email = ?, department = ?, license_type = ?,"
	    " payer_name = ?, invoice_type = ?, invoice_title = ?, invoice_tax_no = ?, invoice_address = ?,"
	    " invoice_phone = ?, invoice_bank = ?, invoice_bank_account = ?, delivery_method = ?,"
	    " delivery_address = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?",
	    "iissssssssssssssssssi", a->certificate_id, a->years, a->f[0], a->f[1], a->f[2], a->f[3], a->f[4],
	    a->f[5], a->f[6], nul(a->f[7]), a->f[8], nul(a->f[9]), a->f[10], a->f[11], a->f[12], a->f[13], a->f[14],
	    a->f[15], nul(a->f[16]), a->f[17], a->id);
	if (rc == CR_ECONFLICT)
		return cr_err_field(err, CR_ECONFLICT, "certificate_id", "该证书已有进行中的续期申请");
	return rc;
}

static int
event(struct cr_db *db, long long app, long long actor, const char *from, const char *to, const char *note,
      struct cr_err *err)
{
	return cr_db_exec(db, NULL, err,
			  "INSERT INTO application_events (application_id, at, actor_id, status_from, status_to, note)"
			  " VALUES (?, UTC_TIMESTAMP(6), ?, ?, ?, ?)",
			  "iisss", app, actor, from, to, note);
}

/* Names the open application of a certificate in a conflict message. */
static int
open_conflict(struct cr_db *db, long long cert, struct cr_err *err)
{
	struct cr_res res;
	long long other = 0;

	if (cr_db_exec(db, &res, NULL, "SELECT id, status FROM applications WHERE open_certificate_id = ?", "i",
		       cert) == 0) {
		if (res.nrows)
			other = cr_res_i64(&res, 0, 0);
		cr_res_release(&res);
	}
	return cr_err_field(err, CR_ECONFLICT, "certificate_id", "该证书已有进行中的续期申请（编号 %lld），请先完成或撤销该申请",
			    other);
}

/* Reads a JSON integer member; absent leaves *v. */
static int
json_int_member(json_t *in, const char *key, const char *label, long long lo, long long hi, long long *v, int *given,
		struct cr_err *err)
{
	json_t *j = json_object_get(in, key);

	*given = 0;
	if (j == NULL)
		return 0;
	if (!json_is_integer(j))
		return cr_err_field(err, CR_EINVAL, key, "%s必须是整数", label);
	if (json_integer_value(j) < lo || json_integer_value(j) > hi)
		return cr_err_field(err, CR_EINVAL, key, "%s应在 %lld 到 %lld 之间", label, lo, hi);
	*v = json_integer_value(j);
	*given = 1;
	return 0;
}

static const char *const known_top[] = {"certificate_id", "years", "trading_centre_ids", "invoice", "delivery", NULL};

/* Merges the members of in into a, validating each; nothing is written. */
static int
app_merge(struct cr_db *db, const struct cr_config *cfg, struct app *a, json_t *in, int *centres_given,
	  int *cert_given, struct cr_err *err)
{
	char canon[FIELD_BYTES];
	const char *key;
	json_t *v;
	int rc, given;

	/* Unknown members are refused so that a typo is not silently dropped. */
	json_object_foreach(in, key, v)
	{
		int known = 0;

		for (int i = 0; i < NFIELDS && !known; i++)
			known = fields[i].obj == NULL && strcmp(fields[i].key, key) == 0;
		for (int i = 0; known_top[i] && !known; i++)
			known = strcmp(known_top[i], key) == 0;
		if (!known && strcmp(key, "id") != 0 && strcmp(key, "status") != 0)
			return cr_err_field(err, CR_EINVAL, key, "未知字段：%s", key);
	}
	for (int i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];
		json_t *obj = f->obj ? json_object_get(in, f->obj) : in;

		if (f->obj && obj && !json_is_object(obj) && !json_is_null(obj))
			return cr_err_field(err, CR_EINVAL, f->obj, "%s 必须是对象", f->obj);
		if (obj == NULL || json_is_null(obj) || (v = json_object_get(obj, f->key)) == NULL)
			continue;
		if (json_is_null(v)) {
			a->f[i][0] = '\0';
			continue;
		}
		if (!json_is_string(v))
			return cr_err_field(err, CR_EINVAL, f->name, "%s必须是文本", f->label);
		if (strlen(json_string_value(v)) != json_string_length(v))
			return cr_err_field(err, CR_EINVAL, f->name, "%s含有无效字符", f->label);
		if ((rc = field_check(i, json_string_value(v), canon, err)) != 0)
			return rc;
		memcpy(a->f[i], canon, FIELD_BYTES);
	}
	if ((rc = json_int_member(in, "years", "开通年限", 1, cfg->order_max_years, &a->years, &given, err)) != 0)
		return rc;
	if ((rc = json_int_member(in, "certificate_id", "待更新数字证书", 1, INT64_MAX, &a->certificate_id, cert_given,
				  err)) != 0)
		return rc;
	*centres_given = 0;
	if ((v = json_object_get(in, "trading_centre_ids")) != NULL) {
		size_t i;
		json_t *c;

		if (!json_is_array(v))
			return cr_err_field(err, CR_EINVAL, "trading_centre_ids", "加开地州市证书须为列表");
		if (json_array_size(v) > MAX_CENTRES)
			return cr_err_field(err, CR_EINVAL, "trading_centre_ids", "最多选择 %d 个交易中心", MAX_CENTRES);
		a->ncentres = 0;
		json_array_foreach(v, i, c)
		{
			struct cr_res res;
			long long cid;
			int found;

			if (!json_is_integer(c))
				return cr_err_field(err, CR_EINVAL, "trading_centre_ids", "交易中心编号必须是整数");
			cid = json_integer_value(c);
			for (int k = 0; k < a->ncentres; k++)
				if (a->centres[k] == cid)
					return cr_err_field(err, CR_EINVAL, "trading_centre_ids", "交易中心重复选择");
			if ((rc = cr_db_exec(db, &res, err, "SELECT 1 FROM trading_centres WHERE id = ? AND active = 1",
					     "i", cid)) != 0)
				return rc;
			found = res.nrows > 0;
			cr_res_release(&res);
			if (!found)
				return cr_err_field(err, CR_EINVAL, "trading_centre_ids", "交易中心 %lld 不存在", cid);
			a->centres[a->ncentres++] = cid;
		}
		*centres_given = 1;
	}
	return 0;
}

static int
store_centres(struct cr_db *db, const struct app *a, struct cr_err *err)
{
	int rc = cr_db_exec(db, NULL, err, "DELETE FROM application_centres WHERE application_id = ?", "i", a->id);

	for (int i = 0; rc == 0 && i < a->ncentres; i++)
		rc = cr_db_exec(db, NULL, err, "INSERT INTO application_centres (application_id, centre_id) VALUES (?, ?)",
				"ii", a->id, a->centres[i]);
	if (rc == 0)
		rc = cr_db_exec(db, NULL, err, "UPDATE applications SET addons = ? WHERE id = ?", "ii",
				(long long)a->ncentres, a->id);
	return rc;
}

static int
editable(const struct app *a, struct cr_err *err)
{
	if (strcmp(a->status, "draft") == 0 || strcmp(a->status, "rejected") == 0)
		return 0;
	return cr_err_set(err, CR_ECONFLICT, "申请当前状态为“%s”，不能修改", cr_app_status_label(a->status));
}

int
cr_app_create(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, json_t *in, long long *id,
	      struct cr_err *err)
{
	long long account_id = actor->id;
	struct app a;
	int rc, centres_given = 0, cert_given = 0;

	memset(&a, 0, sizeof a);
	a.years = 1;
	if ((rc = app_merge(db, cfg, &a, in, &centres_given, &cert_given, err)) != 0)
		return rc;
	if (!cert_given)
		return cr_err_field(err, CR_EINVAL, "certificate_id", "请选择待更新的数字证书");
	if ((rc = cr_cert_check_renewable(db, cfg, account_id, a.certificate_id, err)) != 0)
		return rc;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	rc = cr_db_exec(db, NULL, err,
			"INSERT INTO applications (account_id, certificate_id, created_at, updated_at)"
			" VALUES (?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
			"ii", account_id, a.certificate_id);
	if (rc == CR_ECONFLICT) {
		cr_db_rollback(db);
		return open_conflict(db, a.certificate_id, err);
	}
	if (rc != 0)
		goto fail;
	a.id = (long long)db->insert_id;
	if ((rc = app_store(db, &a, err)) != 0 || (centres_given && (rc = store_centres(db, &a, err)) != 0) ||
	    (rc = event(db, a.id, account_id, NULL, "draft", NULL, err)) != 0 ||
	    (rc = cr_audit(db, actor, "application.create", "application", a.id, NULL,
			   json_pack("{s:s, s:I}", "status", "draft", "certificate_id", (json_int_t)a.certificate_id), err)) != 0)
		goto fail;
	if ((rc = cr_db_commit(db, err)) != 0)
		goto fail;
	*id = a.id;
	return 0;
fail:
	cr_db_rollback(db);
	return rc;
}

int
cr_app_patch(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id, json_t *in,
	     struct cr_err *err)
{
	struct app a;
	int rc, centres_given = 0, cert_given = 0;
	long long old_cert;

	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if ((rc = app_load(db, account_id, id, 1, &a, err)) != 0 || (rc = editable(&a, err)) != 0)
		goto fail;
	old_cert = a.certificate_id;
	if ((rc = app_merge(db, cfg, &a, in, &centres_given, &cert_given, err)) != 0)
		goto fail;
	if (cert_given && a.certificate_id != old_cert &&
	    (rc = cr_cert_check_renewable(db, cfg, account_id, a.certificate_id, err)) != 0)
		goto fail;
	if ((rc = app_store(db, &a, err)) != 0) {
		if (rc == CR_ECONFLICT) {
			cr_db_rollback(db);
			return open_conflict(db, a.certificate_id, err);
		}
		goto fail;
	}
	if (centres_given && (rc = store_centres(db, &a, err)) != 0)
		goto fail;
	return cr_db_commit(db, err);
fail:
	cr_db_rollback(db);
	return rc;
}

static int
kind_required(const struct cr_config *cfg, const struct cr_attachment_kind *k, const char *license_type)
{
	const char *req = cfg->attachments_required;
	size_t n = strlen(k->kind);

	if (k->separate_only && strcmp(license_type, "separate") != 0)
		return 0;
	if (strcmp(req, "all") == 0)
		return 1;
	for (const char *p = req; (p = strstr(p, k->kind)) != NULL; p += n)
		if ((p == req || p[-1] == ',' || p[-1] == ' ') && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

static int
field_needed(const struct field *f, const struct app *a, int enterprise)
{
	switch (f->need) {
	case N_NONE: return 0;
	case N_ALWAYS: return 1;
	case N_ENTERPRISE: return enterprise;
	case N_TAX: return enterprise || strcmp(a->f[F_INVOICE_TYPE], "special") == 0;
	case N_SPECIAL: return strcmp(a->f[F_INVOICE_TYPE], "special") == 0;
	case N_COURIER: return strcmp(a->f[F_DELIVERY_METHOD], "courier") == 0;
	}
	return 0;
}

/* Everything still missing before a submit: JSON array of {field, message}. */
static json_t *
app_missing(struct cr_db *db, const struct cr_config *cfg, const struct app *a, int enterprise)
{
	json_t *m = json_array();
	struct cr_res res;

	for (int i = 0; i < NFIELDS; i++)
		if (a->f[i][0] == '\0' && field_needed(&fields[i], a, enterprise))
			json_array_append_new(m, json_pack("{s:s, s:s++}", "field", fields[i].name, "message", "请填写",
							   fields[i].label, ""));
	if (cr_db_exec(db, &res, NULL, "SELECT kind FROM attachments WHERE application_id = ?", "i", a->id) != 0)
		return m;
	for (int k = 0; k < cr_attachment_kind_count; k++) {
		int have = 0;

		if (!kind_required(cfg, &cr_attachment_kinds[k], a->f[F_LICENSE_TYPE]))
			continue;
		for (size_t r = 0; r < res.nrows && !have; r++)
			have = strcmp(cr_res_str(&res, r, 0), cr_attachment_kinds[k].kind) == 0;
		if (!have) {
			char field[64];

			snprintf(field, sizeof field, "attachments.%s", cr_attachment_kinds[k].kind);
			json_array_append_new(m, json_pack("{s:s, s:s++}", "field", field, "message", "请上传",
							   cr_attachment_kinds[k].label, ""));
		}
	}
	cr_res_release(&res);
	return m;
}

static int
account_is_enterprise(struct cr_db *db, long long account_id)
{
	struct cr_res res;
	int ent = 0;

	if (cr_db_exec(db, &res, NULL, "SELECT role = 'enterprise' FROM users WHERE id = ?", "i", account_id) == 0) {
		ent = res.nrows && cr_res_i64(&res, 0, 0) == 1;
		cr_res_release(&res);
	}
	return ent;
}

static json_t *
str_or_null(const char *s, int present)
{
	return present ? json_string(s) : json_null();
}

static json_t *
app_json(struct cr_db *db, const struct cr_config *cfg, const struct app *a, int full)
{
	json_t *o = json_object(), *inv = json_object(), *del = json_object(), *tc = json_array(), *att = json_object();
	int enterprise = account_is_enterprise(db, a->account_id);
	struct cr_prices prices;
	struct cr_res res;
	long long price;

	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "status", json_string(a->status));
	json_object_set_new(o, "status_label", json_string(cr_app_status_label(a->status)));
	json_object_set_new(o, "certificate_id", json_integer(a->certificate_id));
	for (int i = 0; i < NFIELDS; i++) {
		json_t *target = fields[i].obj == NULL ? o : strcmp(fields[i].obj, "invoice") == 0 ? inv : del;
		int is_enum = fields[i].kind == F_ENUM;

		json_object_set_new(target, fields[i].key,
				    is_enum && a->f[i][0] == '\0' ? json_null() : json_string(a->f[i]));
	}
	json_object_set_new(o, "invoice", inv);
	json_object_set_new(o, "delivery", del);
	json_object_set_new(o, "years", json_integer(a->years));
	for (int i = 0; i < a->ncentres; i++)
		json_array_append_new(tc, json_integer(a->centres[i]));
	json_object_set_new(o, "trading_centre_ids", tc);
	cr_prices_load(db, cfg, &prices);
	price = cr_price_fen(&prices, a->years, a->ncentres);
	json_object_set_new(o, "price_fen", price >= 0 ? json_integer(price) : json_null());
	if (cr_db_exec(db, &res, NULL, "SELECT order_no, status FROM orders WHERE application_id = ?", "i", a->id) == 0) {
		json_object_set_new(o, "order_no", res.nrows ? json_string(cr_res_str(&res, 0, 0)) : json_null());
		json_object_set_new(o, "order_status", res.nrows ? json_string(cr_res_str(&res, 0, 1)) : json_null());
		cr_res_release(&res);
	}
	json_object_set_new(o, "reject_reason", str_or_null(a->reject_reason, a->has_reject));
	json_object_set_new(o, "created_at", json_string(a->created));
	json_object_set_new(o, "updated_at", json_string(a->updated));
	json_object_set_new(o, "submitted_at", str_or_null(a->submitted, a->has_submitted));
	if (cr_db_exec(db, &res, NULL,
		       "SELECT kind, sha256, bytes, content_type, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%SZ')"
		       " FROM attachments WHERE application_id = ?",
		       "i", a->id) == 0) {
		for (size_t r = 0; r < res.nrows; r++)
			json_object_set_new(att, cr_res_str(&res, r, 0),
					    json_pack("{s:s, s:I, s:s, s:s}", "sha256", cr_res_str(&res, r, 1), "bytes",
						      (json_int_t)cr_res_i64(&res, r, 2), "content_type",
						      cr_res_str(&res, r, 3), "uploaded_at", cr_res_str(&res, r, 4)));
		cr_res_release(&res);
	}
	json_object_set_new(o, "attachments", att);
	if (!full)
		return o;
	{
		json_t *req = json_array();

		for (int k = 0; k < cr_attachment_kind_count; k++)
			if (kind_required(cfg, &cr_attachment_kinds[k], a->f[F_LICENSE_TYPE][0] ? a->f[F_LICENSE_TYPE]
												  : "three_in_one"))
				json_array_append_new(req, json_string(cr_attachment_kinds[k].kind));
		json_object_set_new(o, "required_attachments", req);
	}
	json_object_set_new(o, "missing", app_missing(db, cfg, a, enterprise));
	if (cr_db_exec(db, &res, NULL,
		       "SELECT DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%SZ'), status_from, status_to, note"
		       " FROM application_events WHERE application_id = ? ORDER BY id",
		       "i", a->id) == 0) {
		json_t *h = json_array();

		for (size_t r = 0; r < res.nrows; r++) {
			const char *to = cr_res_str(&res, r, 2), *from = cr_res_str(&res, r, 1);

			json_array_append_new(h, json_pack("{s:s, s:o, s:s, s:s, s:o}", "at", cr_res_str(&res, r, 0),
							   "from", from ? json_string(from) : json_null(), "to", to,
							   "label", cr_app_status_label(to), "note",
							   str_or_null(cr_res_str(&res, r, 3), cr_res_str(&res, r, 3) != NULL)));
		}
		json_object_set_new(o, "history", h);
		cr_res_release(&res);
	}
	return o;
}

int
cr_app_get(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id, json_t **out,
	   struct cr_err *err)
{
	struct app a;
	int rc;

	if ((rc = app_load(db, account_id, id, 0, &a, err)) != 0)
		return rc;
	*out = app_json(db, cfg, &a, 1);
	return *out ? 0 : cr_err_set(err, CR_ENOMEM, "out of memory");
}

int
cr_app_list(struct cr_db *db, const struct cr_config *cfg, long long account_id, const char *period,
	    const char *status, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *arr;
	long long days;
	int rc;

	if (period == NULL || *period == '\0' || strcmp(period, "3m") == 0)
		days = 92;
	else if (strcmp(period, "all") == 0)
		days = 365LL * 100;
	else
		return cr_err_field(err, CR_EINVAL, "period", "period 只能是 3m（最近三个月）或 all（全部）");
	if (status && *status && strcmp(status, "all") != 0 && strcmp(cr_app_status_label(status), status) == 0)
		return cr_err_field(err, CR_EINVAL, "status", "未知的申请状态：%s", status);
	if (status && (*status == '\0' || strcmp(status, "all") == 0))
		status = NULL;
	/* One round trip: the price is computed here from the prices in force. */
	rc = cr_db_exec(db, &res, err,
			"SELECT a.id, a.status, a.company_name, a.applicant_name, a.years,"
			" a.created_at, a.updated_at, a.certificate_id,"
			" a.years * (IFNULL(p.base_per_year, ?) + IFNULL(p.addon_per_year, ?) * a.addons), a.reject_reason"
			" FROM applications a LEFT JOIN prices p ON p.id = 1"
			" WHERE a.account_id = ? AND a.created_at > UTC_TIMESTAMP() - INTERVAL ? DAY"
			" AND (? IS NULL OR a.status = ?) ORDER BY a.id DESC LIMIT 500",
			"iiiiss", (long long)cfg->price_base_per_year, (long long)cfg->price_addon_per_year, account_id, days,
			status, status);
	if (rc != 0)
		return rc;
	arr = json_array();
	for (size_t i = 0; i < res.nrows; i++) {
		const char *reason = cr_res_str(&res, i, 9);
		char created[21], updated[21];
		json_t *o;

		cr_time_iso(cr_res_str(&res, i, 5), created);
		cr_time_iso(cr_res_str(&res, i, 6), updated);
		o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:o}", "id",
				      (json_int_t)cr_res_i64(&res, i, 0), "status", cr_res_str(&res, i, 1), "status_label",
				      cr_app_status_label(cr_res_str(&res, i, 1)), "company_name", cr_res_str(&res, i, 2),
				      "applicant_name", cr_res_str(&res, i, 3), "years", (json_int_t)cr_res_i64(&res, i, 4),
				      "created_at", created, "updated_at", updated,
				      "certificate_id", (json_int_t)cr_res_i64(&res, i, 7), "price_fen",
				      (json_int_t)cr_res_i64(&res, i, 8), "reject_reason",
				      reason ? json_string(reason) : json_null());

		json_array_append_new(arr, o);
	}
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", arr);
	return 0;
}

/* Moves a to status to, with its event and audit row; reason is the rejection's. */
static int
set_status(struct cr_db *db, struct app *a, const char *to, const struct cr_actor *actor, const char *reason,
	   struct cr_err *err)
{
	char action[40];
	int rc = cr_db_exec(db, NULL, err,
			    "UPDATE applications SET status = ?, updated_at = UTC_TIMESTAMP(6),"
			    " submitted_at = IF(? = 'submitted', UTC_TIMESTAMP(6), submitted_at),"
			    " reject_reason = IF(? = 'submitted', NULL, IF(? = 'rejected', ?, reject_reason)) WHERE id = ?",
			    "sssssi", to, to, to, to, reason, a->id);

	if (rc == CR_ECONFLICT)
		return open_conflict(db, a->certificate_id, err);
	if (rc == 0)
		rc = event(db, a->id, actor->id, a->status, to, reason, err);
	snprintf(action, sizeof action, "application.%s", strcmp(to, "submitted") == 0 ? "submit" :
		 strcmp(to, "cancelled") == 0 ? "cancel" : strcmp(to, "approved") == 0 ? "approve" :
		 strcmp(to, "rejected") == 0 ? "reject" : to);
	if (rc == 0)
		rc = cr_audit(db, actor, action, "application", a->id, json_pack("{s:s}", "status", a->status),
			      reason ? json_pack("{s:s, s:s}", "status", to, "reason", reason) : json_pack("{s:s}", "status", to),
			      err);
	return rc;
}

int
cr_app_submit(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, int enterprise, long long id,
	      json_t **missing, struct cr_err *err)
{
	long long account_id = actor->id;
	struct app a;
	json_t *m;
	int rc;

	*missing = NULL;
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if ((rc = app_load(db, account_id, id, 1, &a, err)) != 0)
		goto fail;
	if (strcmp(a.status, "draft") != 0 && strcmp(a.status, "rejected") != 0) {
		rc = cr_err_set(err, CR_ECONFLICT, "申请当前状态为“%s”，不能提交", cr_app_status_label(a.status));
		goto fail;
	}
	if ((rc = cr_cert_check_renewable(db, cfg, account_id, a.certificate_id, err)) != 0)
		goto fail;
	m = app_missing(db, cfg, &a, enterprise);
	if (json_array_size(m) > 0) {
		json_t *first = json_array_get(m, 0);

		rc = cr_err_field(err, CR_EINVAL, json_string_value(json_object_get(first, "field")),
				  "申请信息不完整：还有 %zu 项未填写或未上传", json_array_size(m));
		*missing = m;
		goto fail;
	}
	json_decref(m);
	if ((rc = set_status(db, &a, "submitted", actor, NULL, err)) != 0)
		goto fail;
	return cr_db_commit(db, err);
fail:
	cr_db_rollback(db);
	return rc;
}

/* A step run inside a transition's transaction (approve makes the order, reject posts the message). */
typedef int (*app_step)(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, struct app *a,
			void *arg, struct cr_err *err);

/*
 * Moves application id (of account_id, or any for 0) from one of the
 * '|'-separated statuses from to status to, in one transaction with its
 * event, audit row and step.  refusal says why another status cannot move.
 */
static int
transition(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long account_id,
	   long long id, const char *from, const char *to, const char *reason, const char *refusal, app_step step,
	   void *arg, struct cr_err *err)
{
	struct app a;
	int rc;

	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if ((rc = app_load(db, account_id, id, 1, &a, err)) != 0)
		goto fail;
	if (!cr_choice_has(from, a.status)) {
		rc = cr_err_set(err, CR_ECONFLICT, "申请当前状态为“%s”，%s", cr_app_status_label(a.status), refusal);
		goto fail;
	}
	if ((step && (rc = step(db, cfg, actor, &a, arg, err)) != 0) ||
	    (rc = set_status(db, &a, to, actor, reason, err)) != 0)
		goto fail;
	return cr_db_commit(db, err);
fail:
	cr_db_rollback(db);
	return rc;
}

int
cr_app_cancel(struct cr_db *db, const struct cr_actor *actor, long long id, struct cr_err *err)
{
	return transition(db, NULL, actor, actor->id, id, "draft|submitted|rejected", "cancelled", NULL, "不能撤销", NULL,
			  NULL, err);
}

int
cr_app_delete(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long id,
	      struct cr_err *err)
{
	long long account_id = actor->id;
	struct cr_res files;
	struct app a;
	int rc;

	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	if ((rc = app_load(db, account_id, id, 1, &a, err)) != 0)
		goto fail;
	if (strcmp(a.status, "draft") != 0) {
		rc = cr_err_set(err, CR_ECONFLICT, "只能删除草稿；已提交的申请请使用“撤销”");
		goto fail;
	}
	if ((rc = cr_db_exec(db, &files, err, "SELECT stored_name FROM attachments WHERE application_id = ?", "i", id)) != 0)
		goto fail;
	if ((rc = cr_db_exec(db, NULL, err, "DELETE FROM applications WHERE id = ?", "i", id)) != 0 ||
	    (rc = cr_audit(db, actor, "application.delete", "application", id, json_pack("{s:s}", "status", "draft"), NULL,
			   err)) != 0 ||
	    (rc = cr_db_commit(db, err)) != 0) {
		cr_res_release(&files);
		goto fail;
	}
	for (size_t i = 0; i < files.nrows; i++)
		cr_upload_remove(cfg->attachments_dir, cr_res_str(&files, i, 0));
	cr_res_release(&files);
	return 0;
fail:
	cr_db_rollback(db);
	return rc;
}

static const struct cr_attachment_kind *
find_kind(const char *kind)
{
	for (int k = 0; k < cr_attachment_kind_count; k++)
		if (strcmp(cr_attachment_kinds[k].kind, kind) == 0)
			return &cr_attachment_kinds[k];
	return NULL;
}

int
cr_app_attach(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id, const char *kind,
	      const void *data, size_t len, json_t **out, struct cr_err *err)
{
	char name[40], sha[65], old[80] = "";
	enum cr_doc_type t;
	struct cr_res res;
	struct app a;
	int rc;

	if (find_kind(kind) == NULL)
		return cr_err_field(err, CR_ENOTFOUND, "kind", "未知的附件类型：%s", kind);
	/* Ownership and state first, so nothing is stored for a request that cannot succeed. */
	if ((rc = app_load(db, account_id, id, 0, &a, err)) != 0 || (rc = editable(&a, err)) != 0)
		return rc;
	if ((t = cr_upload_sniff(data, len, err)) == CR_DOC_NONE) {
		err->code = CR_EINVAL;
		snprintf(err->field, sizeof err->field, "attachments.%s", kind);
		return CR_EINVAL;
	}
	if ((rc = cr_upload_store(cfg->attachments_dir, data, len, name, sha, err)) != 0)
		return rc;
	if ((rc = cr_db_begin(db, err)) != 0)
		goto fail_file;
	if ((rc = app_load(db, account_id, id, 1, &a, err)) != 0 || (rc = editable(&a, err)) != 0)
		goto fail_tx;
	if ((rc = cr_db_exec(db, &res, err,
			     "SELECT stored_name FROM attachments WHERE application_id = ? AND kind = ? FOR UPDATE", "is",
			     id, kind)) != 0)
		goto fail_tx;
	if (res.nrows)
		snprintf(old, sizeof old, "%s", cr_res_str(&res, 0, 0));
	cr_res_release(&res);
	rc = cr_db_exec(db, NULL, err,
			"INSERT INTO attachments (application_id, kind, content_type, bytes, sha256, stored_name, created_at)"
			" VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE content_type = VALUES(content_type),"
			" bytes = VALUES(bytes), sha256 = VALUES(sha256), stored_name = VALUES(stored_name),"
			" created_at = VALUES(created_at)",
			"ississ", id, kind, cr_doc_content_type(t), (long long)len, sha, name);
	if (rc != 0)
		goto fail_tx;
	rc = cr_db_exec(db, NULL, err, "UPDATE applications SET updated_at = UTC_TIMESTAMP(6) WHERE id = ?", "i", id);
	if (rc != 0 || (rc = cr_db_commit(db, err)) != 0)
		goto fail_tx;
	if (old[0])
		cr_upload_remove(cfg->attachments_dir, old);
	*out = json_pack("{s:s, s:s, s:I, s:s}", "kind", kind, "sha256", sha, "bytes", (json_int_t)len, "content_type",
			 cr_doc_content_type(t));
	return 0;
fail_tx:
	cr_db_rollback(db);
fail_file:
	cr_upload_remove(cfg->attachments_dir, name);
	return rc;
}

int
cr_app_attachment(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id, const char *kind,
		  char **data, size_t *len, char ctype[41], struct cr_err *err)
{
	struct cr_res res;
	int rc;

	rc = cr_db_exec(db, &res, err,
			"SELECT t.stored_name, t.content_type FROM attachments t JOIN applications a ON a.id = t.application_id"
			" WHERE t.application_id = ? AND t.kind = ? AND (a.account_id = ? OR ? = 0)",
			"isii", id, kind, account_id, account_id);
	if (rc != 0)
		return rc;
	if (res.nrows == 0) {
		cr_res_release(&res);
		return cr_err_set(err, CR_ENOTFOUND, "no attachment");
	}
	snprintf(ctype, 41, "%s", cr_res_str(&res, 0, 1));
	rc = cr_upload_read(cfg->attachments_dir, cr_res_str(&res, 0, 0), (size_t)cfg->attachments_max_bytes, data, len,
			    err);
	cr_res_release(&res);
	return rc;
}

struct approval {
	char *order_no;
	long long *amount;
};

static int
make_order(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, struct app *a, void *arg,
	   struct cr_err *err)
{
	struct approval *ap = arg;

	return cr_order_create(db, cfg, actor, a->id, ap->order_no, ap->amount, err);
}

int
cr_review_approve(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long id,
		  char order_no[9], long long *amount, struct cr_err *err)
{
	struct approval ap = {order_no, amount};

	return transition(db, cfg, actor, 0, id, "submitted", "approved", NULL, "只能审核待审核的申请", make_order, &ap,
			  err);
}

static int
tell_rejected(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, struct app *a, void *arg,
	      struct cr_err *err)
{
	char title[80], link[40];

	(void)cfg;
	(void)actor;
	snprintf(title, sizeof title, "申请 #%lld 已驳回", a->id);
	snprintf(link, sizeof link, "#/applications/%lld", a->id);
	return cr_message_post(db, a->account_id, "rejected", title, arg, link, err);
}

int
cr_review_reject(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason, struct cr_err *err)
{
	int rc;

	if ((rc = cr_check_text(reason ? reason : "", "reason", "驳回原因", 500, 1, err)) != 0)
		return rc;
	return transition(db, NULL, actor, 0, id, "submitted", "rejected", reason, "只能审核待审核的申请", tell_rejected,
			  (void *)reason, err);
}

int
cr_review_queue(struct cr_db *db, const struct cr_config *cfg, const char *status, json_t **out, struct cr_err *err)
{
	struct cr_prices prices;
	struct cr_res res;
	json_t *items;
	int rc;

	if (status == NULL || *status == '\0')
		status = "submitted";
	if (strcmp(cr_app_status_label(status), status) == 0)
		return cr_err_field(err, CR_EINVAL, "status", "未知的申请状态：%s", status);
	/* Oldest first: whoever has waited longest is reviewed first. */
	rc = cr_db_exec(db, &res, err,
			"SELECT a.id, a.status, a.company_name, a.applicant_name, u.login, u.role,"
			" DATE_FORMAT(IFNULL(a.submitted_at, a.created_at), '%Y-%m-%dT%H:%i:%SZ'),"
			" TIMESTAMPDIFF(SECOND, IFNULL(a.submitted_at, a.created_at), UTC_TIMESTAMP(6)), a.years,"
			" (SELECT COUNT(*) FROM application_centres c WHERE c.application_id = a.id)"
			" FROM applications a JOIN users u ON u.id = a.account_id WHERE a.status = ?"
			" ORDER BY IFNULL(a.submitted_at, a.created_at), a.id LIMIT 500",
			"s", status);
	if (rc != 0)
		return rc;
	cr_prices_load(db, cfg, &prices);
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++) {
		long long price = cr_price_fen(&prices, cr_res_i64(&res, i, 8), cr_res_i64(&res, i, 9));
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)cr_res_i64(&res, i, 0),
				      "status", cr_res_str(&res, i, 1), "status_label", cr_app_status_label(cr_res_str(&res, i, 1)),
				      "company_name", cr_res_str(&res, i, 2), "applicant_name", cr_res_str(&res, i, 3),
				      "account", cr_res_str(&res, i, 4), "account_role", cr_res_str(&res, i, 5),
				      "submitted_at", cr_res_str(&res, i, 6), "waited_seconds", (json_int_t)cr_res_i64(&res, i, 7));

		json_object_set_new(o, "price_fen", price >= 0 ? json_integer(price) : json_null());
		json_array_append_new(items, o);
	}
	cr_res_release(&res);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
