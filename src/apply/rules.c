#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "dockinds.h"
#include "json.h"
#include "rules.h"

/* The administrator's rules, the row as it is. */
static void
load_row(struct cr_db *db, struct cr_rules *r)
{
	struct cr_res res;

	*r = (struct cr_rules){0, 365, "application_form,responsibility_letter", 3, 8, 300000, 0};
	if (cr_db_exec(db, &res, NULL,
	               "SELECT enabled, reuse_days, fresh_kinds, max_years, max_centres, max_amount_fen"
	               " FROM approval_rules WHERE id = 1",
	               "") != 0)
		return;
	if (res.nrows) {
		r->enabled = (int)cr_res_i64(&res, 0, 0);
		r->reuse_days = cr_res_i64(&res, 0, 1);
		snprintf(r->fresh_kinds, sizeof r->fresh_kinds, "%s", cr_res_str(&res, 0, 2));
		r->max_years = cr_res_i64(&res, 0, 3);
		r->max_centres = cr_res_i64(&res, 0, 4);
		r->max_amount_fen = cr_res_i64(&res, 0, 5);
	}
	cr_res_release(&res);
}

/* A list of kinds (commas or spaces between; "none": none) as the row keeps it: "a,b" in the order of
 * cr_doc_kinds, whatever order it was written in. */
static void
kinds_list(const char *in, char out[CR_RULES_KINDS_MAX])
{
	size_t n = 0;

	out[0] = '\0';
	for (int k = 0; k < cr_doc_kind_count; k++)
		if (cr_doc_kinds_listed(in, cr_doc_kinds[k].kind) &&
		    n + strlen(cr_doc_kinds[k].kind) + 2 < CR_RULES_KINDS_MAX)
			n += (size_t)snprintf(out + n, CR_RULES_KINDS_MAX - n, "%s%s", n ? "," : "",
			                      cr_doc_kinds[k].kind);
}

/* What cfg's [review] sets, in place of the row's. */
static void
pin(const struct cr_config *cfg, struct cr_rules *r)
{
	if (cfg == NULL)
		return;
	if (cfg->review_auto_approve && cfg->review_auto_approve[0])
		r->enabled = strcmp(cfg->review_auto_approve, "true") == 0, r->pinned |= CR_RULE_ENABLED;
	if (cfg->review_reuse_days >= 0)
		r->reuse_days = cfg->review_reuse_days, r->pinned |= CR_RULE_REUSE_DAYS;
	if (cfg->review_fresh_kinds && cfg->review_fresh_kinds[0])
		kinds_list(cfg->review_fresh_kinds, r->fresh_kinds), r->pinned |= CR_RULE_FRESH_KINDS;
	if (cfg->review_max_years >= 0)
		r->max_years = cfg->review_max_years, r->pinned |= CR_RULE_MAX_YEARS;
	if (cfg->review_max_centres >= 0)
		r->max_centres = cfg->review_max_centres, r->pinned |= CR_RULE_MAX_CENTRES;
	if (cfg->review_max_amount_fen >= 0)
		r->max_amount_fen = cfg->review_max_amount_fen, r->pinned |= CR_RULE_MAX_AMOUNT;
}

void
cr_rules_load(struct cr_db *db, const struct cr_config *cfg, struct cr_rules *r)
{
	load_row(db, r);
	pin(cfg, r);
}

/* The rules' members, in the order of the CR_RULE_* bits. */
static const char *const members[] = {"enabled",     "reuse_days",     "fresh_kinds", "max_years",
                                      "max_centres", "max_amount_fen", NULL};
/* Their [review] keys. */
static const char *const conf_keys[] = {"auto_approve", "reuse_days",     "fresh_kinds", "max_years",
                                        "max_centres",  "max_amount_fen", NULL};

json_t *
cr_rules_json(const struct cr_rules *r)
{
	json_t *kinds = json_array(), *pinned = json_array();
	const char *p = r->fresh_kinds;

	while (*p) {
		size_t n = strcspn(p, ", ");

		if (n)
			json_array_append_new(kinds, json_stringn(p, n));
		p += n;
		p += strspn(p, ", ");
	}
	for (int i = 0; members[i]; i++)
		if (r->pinned & (1u << i))
			json_array_append_new(pinned, json_string(members[i]));
	return json_pack("{s:b, s:I, s:o, s:I, s:I, s:I, s:o}", "enabled", r->enabled, "reuse_days",
	                 (json_int_t)r->reuse_days, "fresh_kinds", kinds, "max_years",
	                 (json_int_t)r->max_years, "max_centres", (json_int_t)r->max_centres,
	                 "max_amount_fen", (json_int_t)r->max_amount_fen, "pinned", pinned);
}

int
cr_rules_get(struct cr_db *db, const struct cr_config *cfg, json_t **out, struct cr_err *err)
{
	struct cr_rules r;
	struct cr_res res;

	cr_rules_load(db, cfg, &r);
	*out = cr_rules_json(&r);
	if (cr_db_exec(
	        db, &res, err,
	        "SELECT DATE_FORMAT(a.updated_at, '%Y-%m-%dT%H:%i:%SZ'), u.display_name FROM approval_rules a"
	        " LEFT JOIN users u ON u.id = a.updated_by WHERE a.id = 1",
	        "") == 0) {
		json_object_set_new(*out, "updated_at", cr_json_cell(&res, 0, 0));
		json_object_set_new(*out, "updated_by", cr_json_cell(&res, 0, 1));
		cr_res_release(&res);
	}
	return 0;
}

/* An integer member between lo and hi, or an error naming it. */
static int
bounded(json_t *in, const char *key, const char *label, long long lo, long long hi, long long *v,
        struct cr_err *acc)
{
	json_t *j = json_object_get(in, key);
	struct cr_err one;

	if (j == NULL)
		return 0; /* kept as it is */
	if (!json_is_integer(j) || json_integer_value(j) < lo || json_integer_value(j) > hi) {
		cr_err_add(
		    acc, (cr_err_user(&one, CR_EINVAL, key, "%s应为 %lld 到 %lld 之间的整数", label, lo, hi),
		          &one));
		return -1;
	}
	*v = json_integer_value(j);
	return 0;
}

/* The new rules, as their transaction (cr_db_tx) sees them. */
struct update {
	const struct cr_config *cfg;
	const struct cr_actor *actor;
	struct cr_rules r; /* in force after: the pinned ones as the configuration sets them */
};

static int
update_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct update *u = arg;
	struct cr_rules before, row;
	struct cr_res res;
	int rc;

	if ((rc = cr_db_exec(db, &res, err, "SELECT id FROM approval_rules WHERE id = 1 FOR UPDATE", "")) !=
	    0)
		return rc;
	cr_res_release(&res);
	cr_rules_load(db, u->cfg, &before);
	load_row(db, &row);
	/* A pinned rule keeps the administrator's own value in the row, for the day the pin goes. */
	struct cr_rules s = u->r;
	if (u->r.pinned & CR_RULE_ENABLED)
		s.enabled = row.enabled;
	if (u->r.pinned & CR_RULE_REUSE_DAYS)
		s.reuse_days = row.reuse_days;
	if (u->r.pinned & CR_RULE_FRESH_KINDS)
		memcpy(s.fresh_kinds, row.fresh_kinds, sizeof s.fresh_kinds);
	if (u->r.pinned & CR_RULE_MAX_YEARS)
		s.max_years = row.max_years;
	if (u->r.pinned & CR_RULE_MAX_CENTRES)
		s.max_centres = row.max_centres;
	if (u->r.pinned & CR_RULE_MAX_AMOUNT)
		s.max_amount_fen = row.max_amount_fen;
	rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE approval_rules SET enabled = ?, reuse_days = ?, fresh_kinds = ?, max_years = ?,"
	    " max_centres = ?, max_amount_fen = ?, updated_at = UTC_TIMESTAMP(6),"
	    " updated_by = NULLIF(?, 0) WHERE id = 1",
	    "iisiiii", (long long)s.enabled, s.reuse_days, s.fresh_kinds, s.max_years, s.max_centres,
	    s.max_amount_fen, u->actor->id);
	if (rc != 0)
		return rc;
	return cr_audit(db, u->actor, "rules.update", "approval_rules", 1, cr_rules_json(&before),
	                cr_rules_json(&u->r), err);
}

int
cr_rules_set(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, json_t *in,
             json_t **out, struct cr_err *err)
{
	struct update u = {cfg, actor, {0}};
	struct cr_rules was;
	struct cr_err acc, one;
	json_t *v;
	const char *key;

	cr_rules_load(db, cfg, &u.r);
	was = u.r;
	cr_err_clear(&acc);
	/* A misspelt member is refused, never silently left as it was. */
	json_object_foreach(in, key, v)
	{
		int k = 0;

		while (members[k] && strcmp(members[k], key) != 0)
			k++;
		if (!members[k] && strcmp(key, "pinned") != 0 && strcmp(key, "updated_at") != 0 &&
		    strcmp(key, "updated_by") != 0)
			cr_err_add(&acc, (cr_err_user(&one, CR_EINVAL, key, "未知字段：%s", key), &one));
	}
	if ((v = json_object_get(in, "enabled")) != NULL) {
		if (json_is_boolean(v))
			u.r.enabled = json_is_true(v);
		else
			cr_err_add(
			    &acc,
			    (cr_err_user(&one, CR_EINVAL, "enabled", "enabled 须为 true 或 false"), &one));
	}
	bounded(in, "reuse_days", "沿用期限（天）", 1, 3650, &u.r.reuse_days, &acc);
	bounded(in, "max_years", "最多开通年限", 1, 10, &u.r.max_years, &acc);
	bounded(in, "max_centres", "最多加开证书数", 0, 32, &u.r.max_centres, &acc);
	bounded(in, "max_amount_fen", "最高金额（分）", 0, 100000000, &u.r.max_amount_fen, &acc);
	if ((v = json_object_get(in, "fresh_kinds")) != NULL) {
		char list[CR_RULES_KINDS_MAX] = "";
		size_t n = 0, i;
		json_t *k;

		if (!json_is_array(v))
			cr_err_add(&acc, (cr_err_user(&one, CR_EINVAL, "fresh_kinds",
			                              "fresh_kinds 须为材料类型的列表"),
			                  &one));
		else
			json_array_foreach(v, i, k)
			{
				const char *s = json_string_value(k);

				if (s == NULL || cr_doc_kind_find(s) == NULL) {
					cr_err_add(&acc,
					           (cr_err_user(&one, CR_EINVAL, "fresh_kinds",
					                        "未知的材料类型：%s", s ? s : "(非文本)"),
					            &one));
					break;
				}
				if (n + strlen(s) + 2 < sizeof list)
					n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? "," : "",
					                      s);
			}
		kinds_list(list, u.r.fresh_kinds);
	}
	/* What the configuration pins is shown on the page and sent back as it is: changed, it is refused. */
	for (int i = 0; members[i]; i++) {
		unsigned bit = 1u << i;
		int same = bit == CR_RULE_ENABLED       ? u.r.enabled == was.enabled
		           : bit == CR_RULE_REUSE_DAYS  ? u.r.reuse_days == was.reuse_days
		           : bit == CR_RULE_FRESH_KINDS ? strcmp(u.r.fresh_kinds, was.fresh_kinds) == 0
		           : bit == CR_RULE_MAX_YEARS   ? u.r.max_years == was.max_years
		           : bit == CR_RULE_MAX_CENTRES ? u.r.max_centres == was.max_centres
		                                        : u.r.max_amount_fen == was.max_amount_fen;

		if ((was.pinned & bit) && !same)
			cr_err_add(&acc, (cr_err_user(&one, CR_EINVAL, members[i],
			                              "此项由配置文件 certrenew.conf 的 [review] %s 设定，"
			                              "不能在此修改",
			                              conf_keys[i]),
			                  &one));
	}
	if (acc.code) {
		if (err)
			*err = acc;
		return acc.code;
	}
	int rc = cr_db_tx(db, update_tx, &u, err);

	return rc ? rc : cr_rules_get(db, cfg, out, err);
}
