/*
 * Approval by rule (issue 25): a returning customer whose data a person
 * approved within the rules' period, with nothing changed, is approved the
 * moment the application is submitted.  Every condition is checked and
 * kept with the application (rule_check), so a reviewer sees exactly why
 * one was approved or which condition sent it to the queue.  A reviewer may
 * withdraw a rule's approval while its order is unpaid.
 *
 * applications.rule_approved: 0 by a person (or not approved), 1 by the
 * rules, 2 by the rules and withdrawn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "applications.h"
#include "apply.h"
#include "dockinds.h"
#include "forms.h"
#include "json.h"
#include "log.h"
#include "messages.h"
#include "money.h"
#include "orders.h"
#include "rules.h"
#include "status.h"
#include "text.h"

static const struct cr_actor rule_actor = {0, "自动审核", ""};

/* The approval by a person the rules lean on. */
struct prior {
	long long id;  /* the application; 0 when the account has none */
	long long age; /* days since */
	char at[24], reviewer[128];
};

/* What a verdict collects. */
struct verdict {
	json_t *checks; /* [{name, label, ok, detail}] */
	int all_ok;
	struct prior prior;
};

static void
check(struct verdict *v, const char *name, const char *label, int ok, const char *detail)
{
	json_array_append_new(v->checks, json_pack("{s:s, s:s, s:b, s:s}", "name", name, "label", label, "ok",
	                                           ok, "detail", detail));
	v->all_ok = v->all_ok && ok;
}

static int
find_prior(struct cr_db *db, const struct cr_app *a, struct prior *p, struct cr_err *err)
{
	return cr_rules_prior(db, a->account_id, a->id, &p->id, &p->age, p->at, p->reviewer, err);
}

int
cr_rules_prior(struct cr_db *db, long long account_id, long long not_id, long long *id, long long *age,
               char at[24], char reviewer[128], struct cr_err *err)
{
	struct cr_res res;
	int rc;

	*id = *age = 0;
	at[0] = reviewer[0] = '\0';
	/* The newest approval by a person (actor_id > 0; the rules approve as 0) of another application. */
	rc =
	    cr_db_exec(db, &res, err,
	               "SELECT e.application_id, TIMESTAMPDIFF(DAY, e.at, UTC_TIMESTAMP(6)),"
	               " DATE_FORMAT(e.at, '%Y-%m-%dT%H:%i:%SZ'), IFNULL(u.display_name, '')"
	               " FROM applications x JOIN application_events e ON e.application_id = x.id"
	               " LEFT JOIN users u ON u.id = e.actor_id"
	               " WHERE x.account_id = ? AND x.id <> ? AND e.status_to = 'approved' AND e.actor_id > 0"
	               " ORDER BY e.at DESC LIMIT 1",
	               "ii", account_id, not_id);
	if (rc != 0)
		return rc;
	if (res.nrows) {
		*id = cr_res_i64(&res, 0, 0);
		*age = cr_res_i64(&res, 0, 1);
		snprintf(at, 24, "%s", cr_res_str(&res, 0, 2));
		snprintf(reviewer, 128, "%s", cr_res_str(&res, 0, 3));
	}
	cr_res_release(&res);
	return 0;
}

/* An ID number as a verdict shows it (kept with the application and in the audit log): 620102********9591. */
static void
masked(const char *id, char out[64])
{
	size_t n = strlen(id);

	if (n < 10)
		snprintf(out, 64, "%s", n ? "****" : "");
	else
		snprintf(out, 64, "%.6s%.*s%s", id, (int)(n - 10), "********************", id + n - 4);
}

/* The same field in both applications, compared whole; with mask shown as masked() shows it. */
static void
same(struct verdict *v, const char *name, const char *label, const char *now, const char *before, int mask)
{
	char detail[600], a[64], b[64];
	int equal = strcmp(now, before) == 0;

	if (mask) {
		masked(now, a);
		masked(before, b);
		now = a;
		before = b;
	}
	if (equal)
		snprintf(detail, sizeof detail, "%s", now[0] ? now : "（均未填写）");
	else
		snprintf(detail, sizeof detail, "已审核：%s；本次：%s", before[0] ? before : "（未填写）",
		         now[0] ? now : "（未填写）");
	check(v, name, label, equal, detail);
}

static const char *
label_of(const char *kind)
{
	const struct cr_doc_kind *k = cr_doc_kind_find(kind);

	return k ? k->label : kind;
}

/* Appends "、label" to a list of labels. */
static void
add_label(char *list, size_t len, const char *kind)
{
	size_t n = strlen(list);

	snprintf(list + n, len - n, "%s%s", n ? "、" : "", label_of(kind));
}

/* The documents: those reused byte for byte, those uploaded anew and, for printed forms, their QR codes. */
static int
documents(struct cr_db *db, const struct cr_rules *r, const struct cr_app *a, long long prior, int enterprise,
          struct verdict *v, struct cr_err *err)
{
	struct cr_res now, before;
	char changed[600] = "", stale[600] = "", missing[600] = "", bad_form[600] = "", reused[600] = "";
	char detail[1400];
	int rc;

	if ((rc = cr_db_exec(db, &now, err,
	                     "SELECT kind, sha256, qr_text FROM attachments WHERE application_id = ?", "i",
	                     a->id)) != 0)
		return rc;
	if ((rc = cr_db_exec(db, &before, err,
	                     "SELECT kind, sha256 FROM attachments WHERE application_id = ?", "i", prior)) !=
	    0) {
		cr_res_release(&now);
		return rc;
	}
	for (size_t i = 0; i < now.nrows; i++) {
		const char *kind = cr_res_str(&now, i, 0), *sha = cr_res_str(&now, i, 1), *old = NULL;

		for (size_t j = 0; j < before.nrows; j++)
			if (strcmp(cr_res_str(&before, j, 0), kind) == 0)
				old = cr_res_str(&before, j, 1);
		if (cr_doc_kinds_listed(r->fresh_kinds, kind)) {
			if (old && strcmp(old, sha) == 0) /* the very file approved last time: not fresh */
				add_label(stale, sizeof stale, kind);
			else if (cr_form_printed(kind)) {
				json_t *paper = cr_form_scan_json(a, kind, cr_res_str(&now, i, 2));

				if (strcmp(json_string_value(json_object_get(paper, "state")), "ok") != 0)
					add_label(bad_form, sizeof bad_form, kind);
				json_decref(paper);
			}
		} else if (old == NULL || strcmp(old, sha) != 0)
			add_label(changed, sizeof changed, kind);
		else
			add_label(reused, sizeof reused, kind);
	}
	/* Every fresh kind that applies to the account is there. */
	for (int k = 0; k < cr_doc_kind_count; k++) {
		const struct cr_doc_kind *dk = &cr_doc_kinds[k];
		int mine = (dk->audience & (enterprise ? CR_FOR_ENTERPRISE : CR_FOR_INDIVIDUAL)) != 0,
		    there = 0;

		if (!mine || !cr_doc_kinds_listed(r->fresh_kinds, dk->kind))
			continue;
		for (size_t i = 0; i < now.nrows; i++)
			there |= strcmp(cr_res_str(&now, i, 0), dk->kind) == 0;
		if (!there)
			add_label(missing, sizeof missing, dk->kind);
	}
	cr_res_release(&now);
	cr_res_release(&before);
	if (changed[0])
		snprintf(detail, sizeof detail, "与已审核的材料不同或新增：%s", changed);
	else
		snprintf(detail, sizeof detail, "与已审核的逐字节相同：%s",
		         reused[0] ? reused : "（无沿用的材料）");
	check(v, "reused_documents", "沿用的材料未改动", changed[0] == '\0', detail);
	detail[0] = '\0';
	if (missing[0])
		snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "未上传：%s。", missing);
	if (stale[0])
		snprintf(detail + strlen(detail), sizeof detail - strlen(detail),
		         "与上次审核的文件相同（须本次新签）：%s。", stale);
	if (bad_form[0])
		snprintf(detail + strlen(detail), sizeof detail - strlen(detail),
		         "二维码不属于本申请或表格已过期：%s。", bad_form);
	if (!detail[0])
		snprintf(detail, sizeof detail, "本次新上传，表格二维码属于本申请");
	check(v, "fresh_documents", "须新签的材料为本次上传", !missing[0] && !stale[0] && !bad_form[0],
	      detail);
	return 0;
}

/* Every condition for application a under rules r, into v. */
static int
evaluate(struct cr_db *db, const struct cr_rules *r, const struct cr_app *a, struct verdict *v,
         struct cr_err *err)
{
	char detail[600], m1[32], m2[32];
	struct cr_app p;
	struct cr_res res;
	int enterprise = cr_user_is_enterprise(db, a->account_id), rc;

	v->checks = json_array();
	v->all_ok = 1;
	if ((rc = find_prior(db, a, &v->prior, err)) != 0)
		return rc;
	if (v->prior.id == 0) {
		check(v, "prior_approval", "有审核人员审核通过的申请", 0,
		      "本账户还没有由审核人员审核通过的申请");
		return 0;
	}
	snprintf(detail, sizeof detail, "申请 #%lld 于 %s 由%s审核通过（%lld 天前，期限 %lld 天）",
	         v->prior.id, v->prior.at, v->prior.reviewer[0] ? v->prior.reviewer : "审核人员",
	         v->prior.age, r->reuse_days);
	check(v, "prior_approval", "在沿用期限内有审核人员审核通过的申请", v->prior.age < r->reuse_days,
	      detail);
	if ((rc = cr_app_load(db, 0, v->prior.id, 0, &p, err)) != 0)
		return rc;
	same(v, "company_name", "单位名称相同", a->form.f[0], p.form.f[0], 0);
	same(v, "license_no", "统一社会信用代码相同", a->form.f[1], p.form.f[1], 0);
	same(v, "applicant_name", "申请人姓名相同", a->form.f[2], p.form.f[2], 0);
	same(v, "id_card_no", "申请人身份证号相同", a->form.f[3], p.form.f[3], 1);
	if ((rc = documents(db, r, a, v->prior.id, enterprise, v, err)) != 0)
		return rc;
	/* An approval by the rules withdrawn since: a person looks at the next one. */
	if ((rc = cr_db_exec(
	         db, &res, err,
	         "SELECT COUNT(*) FROM applications WHERE account_id = ? AND rule_approved = 2"
	         " AND updated_at > (SELECT MAX(at) FROM application_events WHERE application_id = ?"
	         " AND status_to = 'approved')",
	         "ii", a->account_id, v->prior.id)) != 0)
		return rc;
	long long withdrawn = res.nrows ? cr_res_i64(&res, 0, 0) : 0;
	cr_res_release(&res);
	snprintf(detail, sizeof detail, withdrawn ? "此后有 %lld 次自动审核被审核人员撤回" : "无", withdrawn);
	check(v, "no_withdrawal", "此后没有被撤回的自动审核", withdrawn == 0, detail);
	snprintf(detail, sizeof detail, "%lld 年（上限 %lld 年）", a->form.years, r->max_years);
	check(v, "max_years", "开通年限在上限内", a->form.years <= r->max_years, detail);
	snprintf(detail, sizeof detail, "%d 个（上限 %lld 个）", a->form.ncentres, r->max_centres);
	check(v, "max_centres", "加开证书数在上限内", a->form.ncentres <= r->max_centres, detail);
	cr_money_format(a->quoted_fen, m1, sizeof m1);
	cr_money_format(r->max_amount_fen, m2, sizeof m2);
	snprintf(detail, sizeof detail, "%s 元（上限 %s 元）", m1, m2);
	check(v, "max_amount", "金额在上限内", a->quoted_fen >= 0 && a->quoted_fen <= r->max_amount_fen,
	      detail);
	return 0;
}

/* The verdict as kept with the application and written to the audit row. */
static json_t *
verdict_json(const struct cr_rules *r, const struct verdict *v)
{
	return json_pack("{s:b, s:s, s:O, s:o, s:o}", "approved", v->all_ok, "rule", "approval_rules",
	                 "conditions", v->checks, "rules", cr_rules_json(r), "relied_on",
	                 v->prior.id ? json_pack("{s:I, s:s, s:s}", "application_id", (json_int_t)v->prior.id,
	                                         "approved_at", v->prior.at, "reviewer", v->prior.reviewer)
	                             : json_null());
}

struct run {
	const struct cr_config *cfg;
	struct cr_rules rules;
	long long id;
	int approved;
	json_t *verdict; /* as kept with the application, for the audit row of an approval */
	char order_no[9];
	long long amount;
};

/* The verdict of a submitted application kept with it, in its own transaction. */
static int
verdict_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct run *run = arg;
	struct verdict v = {NULL, 0, {0}};
	struct cr_app a;
	char *text;
	int rc;

	run->approved = 0; /* a transaction retried whole starts again */
	json_decref(run->verdict);
	run->verdict = NULL;
	if ((rc = cr_app_load(db, 0, run->id, 1, &a, err)) != 0)
		return rc;
	if (strcmp(a.status, "submitted") != 0)
		return 0;
	if ((rc = evaluate(db, &run->rules, &a, &v, err)) != 0) {
		json_decref(v.checks);
		return rc;
	}
	run->verdict = verdict_json(&run->rules, &v);
	text = json_dumps(run->verdict, JSON_COMPACT);
	json_decref(v.checks);
	rc = cr_db_exec(db, NULL, err, "UPDATE applications SET rule_check = ? WHERE id = ?", "si",
	                text ? text : "{}", run->id);
	free(text);
	run->approved = rc == 0 && v.all_ok;
	return rc;
}

/*
 * The approval's step, under the application's lock (still submitted: a
 * submitted application's data and documents cannot change, so the verdict
 * just kept holds): the mark, the order, the audit row of the rule.
 */
static int
approve_step(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, struct cr_app *a,
             void *arg, struct cr_err *err)
{
	struct run *run = arg;
	int rc =
	    cr_db_exec(db, NULL, err, "UPDATE applications SET rule_approved = 1 WHERE id = ?", "i", a->id);

	if (rc == 0)
		rc = cr_order_create(db, cfg, actor, a->id, run->order_no, &run->amount, err);
	if (rc == 0)
		rc = cr_audit(db, actor, "application.auto_approved", "application", a->id, NULL,
		              json_incref(run->verdict), err);
	return rc;
}

void
cr_auto_approve(struct cr_db *db, const struct cr_config *cfg, long long id)
{
	struct run run = {cfg, {0}, id, 0, NULL, "", 0};
	struct cr_app_move mv = {"submitted", "approved", "只能审核待审核的申请", NULL, approve_step, &run};
	struct cr_err err;

	cr_rules_load(db, cfg, &run.rules);
	if (!run.rules.enabled)
		return;
	/* Never the submit's failure: at worst the application waits for a person, as without rules. */
	if (cr_db_tx(db, verdict_tx, &run, &err) != 0)
		cr_log(CR_LOG_WARN, "rules: application %lld not judged: %s", id, err.msg);
	else if (run.approved && cr_app_transition(db, cfg, &rule_actor, 0, id, &mv, &err) != 0)
		cr_log(CR_LOG_WARN, "rules: application %lld not approved: %s", id, err.msg);
	json_decref(run.verdict);
}

struct withdrawal {
	const struct cr_actor *actor;
	long long id;
	const char *reason;
};

static int
withdraw_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct withdrawal *w = arg;
	struct cr_res o;
	struct cr_app a;
	char title[120], body[800], link[40], no[9];
	long long order_id, account;
	int rc, rule;

	if ((rc = cr_app_load(db, 0, w->id, 1, &a, err)) != 0)
		return rc;
	if ((rc = cr_db_one(
	         db, &o, err, "order",
	         "SELECT o.id, o.order_no, o.status, o.paid_fen, a.rule_approved, a.account_id,"
	         " (SELECT COUNT(*) FROM pay_attempts p WHERE p.order_id = o.id)"
	         " FROM applications a JOIN orders o ON o.application_id = a.id WHERE a.id = ? FOR UPDATE",
	         "i", w->id)) != 0)
		return rc == CR_ENOTFOUND
		           ? cr_err_user(err, CR_ECONFLICT, NULL, "这份申请没有自动审核生成的订单")
		           : rc;
	order_id = cr_res_i64(&o, 0, 0);
	snprintf(no, sizeof no, "%s", cr_res_str(&o, 0, 1));
	rule = (int)cr_res_i64(&o, 0, 4);
	account = cr_res_i64(&o, 0, 5);
	if (rule != 1)
		rc = cr_err_user(err, CR_ECONFLICT, NULL,
		                 rule == 2 ? "已经撤回过" : "这份申请是审核人员审核通过的，不是自动审核");
	else if (strcmp(cr_res_str(&o, 0, 2), "awaiting_payment") != 0 || cr_res_i64(&o, 0, 3) != 0)
		rc = cr_err_user(err, CR_ECONFLICT, NULL, "订单 %s 的状态为“%s”%s，不能撤回", no,
		                 cr_status_label(CR_SM_ORDER, cr_res_str(&o, 0, 2)),
		                 cr_res_i64(&o, 0, 3) ? "（已收到付款）" : "");
	else if (cr_res_i64(&o, 0, 6) != 0)
		rc = cr_err_user(err, CR_ECONFLICT, NULL,
		                 "客户已对订单 %s 发起在线支付，不能撤回；请等待付款结果", no);
	cr_res_release(&o);
	if (rc != 0)
		return rc;
	/* Closed: the certificate is free for a new application, which a person will review. */
	rc = cr_order_close(db, w->actor, order_id, no, w->id, "cancelled", "order.cancel",
	                    json_pack("{s:s}", "reason", w->reason), err);
	if (rc == 0)
		rc = cr_db_exec(
		    db, NULL, err,
		    "UPDATE applications SET rule_approved = 2, updated_at = UTC_TIMESTAMP(6) WHERE id = ?",
		    "i", w->id);
	if (rc == 0)
		rc = cr_audit(db, w->actor, "application.rule_withdraw", "application", w->id,
		              json_pack("{s:s, s:s}", "order_no", no, "order_status", "awaiting_payment"),
		              json_pack("{s:s, s:s, s:s}", "order_no", no, "order_status", "cancelled",
		                        "reason", w->reason),
		              err);
	if (rc == 0) {
		snprintf(title, sizeof title, "申请 #%lld 的自动审核已撤回", w->id);
		snprintf(body, sizeof body,
		         "审核人员撤回了自动审核，订单 %s "
		         "已取消，请勿付款。原因：%s。请重新提交申请，由审核人员审核。",
		         no, w->reason);
		snprintf(link, sizeof link, "#/applications/%lld", w->id);
		rc = cr_message_post(db, account, "rejected", title, body, link, err);
	}
	return rc;
}

int
cr_review_withdraw(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason,
                   struct cr_err *err)
{
	struct withdrawal w = {actor, id, reason};
	int rc;

	if ((rc = cr_check_text(reason ? reason : "", "reason", "撤回原因", 500, 1, err)) != 0)
		return rc;
	return cr_db_tx(db, withdraw_tx, &w, err);
}

int
cr_review_rule_list(struct cr_db *db, long long days, long long after, long long limit, json_t **out,
                    struct cr_err *err)
{
	struct cr_res res;
	json_t *arr = json_array();
	int rc;

	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT a.id, a.company_name, a.applicant_name, u.login,"
	    " DATE_FORMAT(a.submitted_at, '%Y-%m-%dT%H:%i:%SZ'), o.order_no, o.status, a.rule_approved,"
	    " o.amount_fen FROM applications a JOIN users u ON u.id = a.account_id"
	    " LEFT JOIN orders o ON o.application_id = a.id"
	    " WHERE a.rule_approved IN (1, 2) AND a.submitted_at >= UTC_TIMESTAMP(6) - INTERVAL ? DAY"
	    " AND a.id < ? ORDER BY a.id DESC LIMIT ?",
	    "iii", days, after, limit);
	if (rc != 0) {
		json_decref(arr);
		return rc;
	}
	for (size_t i = 0; i < res.nrows; i++) {
		const char *st = cr_res_str(&res, i, 6);

		json_array_append_new(
		    arr,
		    json_pack("{s:I, s:o, s:o, s:s, s:o, s:o, s:o, s:s, s:b, s:o}", "id",
		              (json_int_t)cr_res_i64(&res, i, 0), "company_name", cr_json_cell(&res, i, 1),
		              "applicant_name", cr_json_cell(&res, i, 2), "account", cr_res_str(&res, i, 3),
		              "submitted_at", cr_json_cell(&res, i, 4), "order_no", cr_json_cell(&res, i, 5),
		              "order_status", cr_json_cell(&res, i, 6), "order_status_label",
		              st ? cr_status_label(CR_SM_ORDER, st) : "", "withdrawn",
		              cr_res_i64(&res, i, 7) == 2, "amount_fen", cr_json_cell(&res, i, 8)));
	}
	*out = cr_json_page(arr, &res, 0, limit);
	cr_res_release(&res);
	return 0;
}
