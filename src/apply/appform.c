#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "appform.h"
#include "centres.h"
#include "idcheck.h"
#include "text.h"

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

/* Order = the columns the applications module stores them in. */
static const struct field fields[CR_FORM_FIELDS] = {
    {NULL, "company_name", "company_name", "单位名称", 100, F_TEXT, NULL, N_ENTERPRISE},
    {NULL, "license_no", "license_no", "营业执照号（统一社会信用代码）", 18, F_USCC, NULL, N_ENTERPRISE},
    {NULL, "applicant_name", "applicant_name", "申请人姓名", 50, F_TEXT, NULL, N_ALWAYS},
    {NULL, "id_card_no", "id_card_no", "申请人身份证号", 18, F_IDCARD, NULL, N_ALWAYS},
    {NULL, "phone", "phone", "申请人联系电话", 30, F_PHONE, NULL, N_ALWAYS},
    {NULL, "email", "email", "申请人电子邮箱", 254, F_EMAIL, NULL, N_ALWAYS},
    {NULL, "department", "department", "申请人所在部门", 50, F_TEXT, NULL, N_NONE},
    {NULL, "license_type", "license_type", "营业执照类型", 20, F_ENUM, "three_in_one|separate", N_ENTERPRISE},
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

/* Members that are not text fields of the table. */
static const char *const known_top[] = {
    "certificate_id", "years", "trading_centre_ids", "invoice", "delivery", "id", "status", NULL};

static int
check_account(const struct field *f, const char *v, struct cr_err *err)
{
	size_t digits = 0;

	for (const char *p = v; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != ' ' && *p != '-')
			return cr_err_user(err, CR_EINVAL, f->name, "银行账号只能包含数字");
	}
	if (digits < 6 || digits > 34)
		return cr_err_user(err, CR_EINVAL, f->name, "银行账号应为 6 到 34 位数字");
	return 0;
}

/* Validates v for field i; writes the canonical form into out. Empty is always fine here. */
static int
field_check(int i, const char *v, char out[CR_FORM_BYTES], struct cr_err *err)
{
	const struct field *f = &fields[i];
	int rc;

	snprintf(out, CR_FORM_BYTES, "%s", v);
	if (*v == '\0')
		return 0;
	if ((rc = cr_check_text(v, f->name, f->label, f->maxchars, 0, err)) != 0)
		return rc;
	switch (f->kind) {
	case F_TEXT: return 0;
	case F_USCC: return cr_check_uscc(v, f->name, out, CR_FORM_BYTES, err);
	case F_IDCARD: return cr_check_id_card(v, f->name, out, CR_FORM_BYTES, err);
	case F_PHONE: return cr_check_phone(v, f->name, out, CR_FORM_BYTES, err);
	case F_EMAIL: return cr_check_email(v, f->name, err);
	case F_TAXNO: return cr_check_tax_no(v, f->name, out, CR_FORM_BYTES, err);
	case F_ENUM:
		if (!cr_choice_has(f->choices, v))
			return cr_err_user(err, CR_EINVAL, f->name, "%s的取值无效（可选：%s）", f->label,
			                   f->choices);
		return 0;
	case F_ACCOUNT: return check_account(f, v, err);
	}
	return 0;
}

/* Merges text field i from its JSON object obj (top level or a sub-object); 0 or an error in one. */
static int
merge_field(struct cr_appform *form, int i, json_t *obj, struct cr_err *one)
{
	const struct field *f = &fields[i];
	char canon[CR_FORM_BYTES];
	json_t *v;
	int rc;

	if (obj == NULL || json_is_null(obj) || (v = json_object_get(obj, f->key)) == NULL)
		return 0;
	if (json_is_null(v)) {
		form->f[i][0] = '\0';
		return 0;
	}
	if (!json_is_string(v))
		return cr_err_user(one, CR_EINVAL, f->name, "%s必须是文本", f->label);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return cr_err_user(one, CR_EINVAL, f->name, "%s含有无效字符", f->label);
	if ((rc = field_check(i, json_string_value(v), canon, one)) != 0)
		return rc;
	memcpy(form->f[i], canon, CR_FORM_BYTES);
	return 0;
}

/* Reads a JSON integer member; absent leaves *v. */
static int
int_member(json_t *in, const char *key, const char *label, long long lo, long long hi, long long *v,
           int *given, struct cr_err *one)
{
	json_t *j = json_object_get(in, key);

	*given = 0;
	if (j == NULL)
		return 0;
	if (!json_is_integer(j))
		return cr_err_user(one, CR_EINVAL, key, "%s必须是整数", label);
	if (json_integer_value(j) < lo || json_integer_value(j) > hi)
		return cr_err_user(one, CR_EINVAL, key, "%s应在 %lld 到 %lld 之间", label, lo, hi);
	*v = json_integer_value(j);
	*given = 1;
	return 0;
}

/* The trading centres chosen: a list of distinct active centre ids. */
static int
merge_centres(struct cr_db *db, struct cr_appform *form, json_t *v, struct cr_err *one)
{
	const char *name = "trading_centre_ids";
	size_t i;
	json_t *c;
	int rc;

	if (!json_is_array(v))
		return cr_err_user(one, CR_EINVAL, name, "加开地州市证书须为列表");
	if (json_array_size(v) > CR_FORM_MAX_CENTRES)
		return cr_err_user(one, CR_EINVAL, name, "最多选择 %d 个交易中心", CR_FORM_MAX_CENTRES);
	form->ncentres = 0;
	json_array_foreach(v, i, c)
	{
		long long cid;
		int active;

		if (!json_is_integer(c))
			return cr_err_user(one, CR_EINVAL, name, "交易中心编号必须是整数");
		cid = json_integer_value(c);
		for (int k = 0; k < form->ncentres; k++)
			if (form->centres[k] == cid)
				return cr_err_user(one, CR_EINVAL, name, "交易中心重复选择");
		if ((rc = cr_centre_is_active(db, cid, &active, one)) != 0)
			return rc;
		if (!active)
			return cr_err_user(one, CR_EINVAL, name, "交易中心 %lld 不存在", cid);
		form->centres[form->ncentres++] = cid;
	}
	return 0;
}

int
cr_appform_merge(struct cr_db *db, const struct cr_config *cfg, struct cr_appform *form, json_t *in,
                 struct cr_appform_given *given, struct cr_err *err)
{
	struct cr_err one;
	const char *key;
	json_t *v;
	int years_given, rc, bad = 0;

	memset(given, 0, sizeof *given);
	cr_err_clear(err);
	json_object_foreach(in, key, v)
	{
		int known = 0;

		for (int i = 0; i < CR_FORM_FIELDS && !known; i++)
			known = fields[i].obj == NULL && strcmp(fields[i].key, key) == 0;
		for (int i = 0; known_top[i] && !known; i++)
			known = strcmp(known_top[i], key) == 0;
		if (!known) {
			cr_err_user(&one, CR_EINVAL, key, "未知字段：%s", key);
			bad = 1;
			cr_err_add(err, &one);
		}
	}
	for (int i = 0; i < CR_FORM_FIELDS; i++) {
		json_t *obj = fields[i].obj ? json_object_get(in, fields[i].obj) : in;

		if (fields[i].obj && obj && !json_is_object(obj) && !json_is_null(obj)) {
			/* Reported once, at the object's first field. */
			if (i == 0 || fields[i - 1].obj == NULL ||
			    strcmp(fields[i - 1].obj, fields[i].obj) != 0) {
				cr_err_user(&one, CR_EINVAL, fields[i].obj, "%s 必须是对象", fields[i].obj);
				bad = 1;
				cr_err_add(err, &one);
			}
			continue;
		}
		if (merge_field(form, i, obj, &one) != 0) {
			bad = 1;
			cr_err_add(err, &one);
		}
	}
	if (int_member(in, "years", "开通年限", 1, cfg->order_max_years, &form->years, &years_given, &one) !=
	    0) {
		bad = 1;
		cr_err_add(err, &one);
	}
	if (int_member(in, "certificate_id", "待更新数字证书", 1, INT64_MAX, &form->certificate_id,
	               &given->certificate_id, &one) != 0) {
		bad = 1;
		cr_err_add(err, &one);
	}
	if ((v = json_object_get(in, "trading_centre_ids")) != NULL) {
		if ((rc = merge_centres(db, form, v, &one)) == 0)
			given->centres = 1;
		else if (rc != CR_EINVAL)
			return cr_err_set(err, rc, "%s", one.msg); /* the database, not the input */
		else {
			bad = 1;
			cr_err_add(err, &one);
		}
	}
	return bad ? CR_EINVAL : 0;
}

static int
field_needed(const struct field *f, const struct cr_appform *form, int enterprise)
{
	switch (f->need) {
	case N_NONE: return 0;
	case N_ALWAYS: return 1;
	case N_ENTERPRISE: return enterprise;
	case N_TAX: return strcmp(form->f[CR_FORM_INVOICE_TYPE], "special") == 0; /* 普票: optional */
	case N_SPECIAL: return strcmp(form->f[CR_FORM_INVOICE_TYPE], "special") == 0;
	case N_COURIER: return strcmp(form->f[CR_FORM_DELIVERY_METHOD], "courier") == 0;
	}
	return 0;
}

void
cr_appform_missing(const struct cr_appform *form, int enterprise, struct cr_err *acc)
{
	struct cr_err one;

	for (int i = 0; i < CR_FORM_FIELDS; i++)
		if (form->f[i][0] == '\0' && field_needed(&fields[i], form, enterprise)) {
			cr_err_user(&one, CR_EINCOMPLETE, fields[i].name, "请填写%s", fields[i].label);
			cr_err_add(acc, &one);
		}
	/* 专票 is for taxpayers, which a person is not. */
	if (!enterprise && strcmp(form->f[CR_FORM_INVOICE_TYPE], "special") == 0) {
		cr_err_user(&one, CR_EINCOMPLETE, "invoice_type", "个人只能开具普通发票（普票），请改选普票");
		cr_err_add(acc, &one);
	}
}

void
cr_appform_to_json(const struct cr_appform *form, json_t *o)
{
	json_t *inv = json_object(), *del = json_object();

	for (int i = 0; i < CR_FORM_FIELDS; i++) {
		json_t *target = fields[i].obj == NULL                   ? o
		                 : strcmp(fields[i].obj, "invoice") == 0 ? inv
		                                                         : del;
		const char *v = cr_appform_value(form, i);

		json_object_set_new(target, fields[i].key, v ? json_string(v) : json_null());
	}
	json_object_set_new(o, "invoice", inv);
	json_object_set_new(o, "delivery", del);
}

const char *
cr_appform_value(const struct cr_appform *form, int i)
{
	return fields[i].kind == F_ENUM && form->f[i][0] == '\0' ? NULL : form->f[i];
}
