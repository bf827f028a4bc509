#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "dockinds.h"
#include "json.h"
#include "rules.h"

void
cr_rules_load(struct cr_db *db, struct cr_rules *r)
{
	struct cr_res res;

	*r = (struct cr_rules){0, 365, "application_form,responsibility_letter", 3, 8, 300000};
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

json_t *
cr_rules_json(const struct cr_rules *r)
{
	json_t *kinds = json_array();
	const char *p = r->fresh_kinds;

	while (*p) {
		size_t n = strcspn(p, ", ");

		if (n)
			json_array_append_new(kinds, json_stringn(p, n));
		p += n;
		p += strspn(p, ", ");
	}
	return json_pack("{s:b, s:I, s:o, s:I, s:I, s:I}", "enabled", r->enabled, "reuse_days",
	                 (json_int_t)r->reuse_days, "fresh_kinds", kinds, "max_years",
	                 (json_int_t)r->max_years, "max_centres", (json_int_t)r->max_centres,
	                 "max_amount_fen", (json_int_t)r->max_amount_fen);
}

int
cr_rules_get(struct cr_db *db, json_t **out, struct cr_err *err)
{
	struct cr_rules r;
	struct cr_res res;

	cr_rules_load(db, &r);
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
	const struct cr_actor *actor;
	struct cr_rules r;
};

static int
update_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	struct update *u = arg;
	struct cr_rules before;
	struct cr_res res;
	int rc;

	if ((rc = cr_db_exec(db, &res, err, "SELECT id FROM approval_rules WHERE id = 1 FOR UPDATE", "")) !=
	    0)
		return rc;
	cr_res_release(&res);
	cr_rules_load(db, &before);
	rc = cr_db_exec(
	    db, NULL, err,
	    "UPDATE approval_rules SET enabled = ?, reuse_days = ?, fresh_kinds = ?, max_years = ?,"
	    " max_centres = ?, max_amount_fen = ?, updated_at = UTC_TIMESTAMP(6),"
	    " updated_by = NULLIF(?, 0) WHERE id = 1",
	    "iisiiii", (long long)u->r.enabled, u->r.reuse_days, u->r.fresh_kinds, u->r.max_years,
	    u->r.max_centres, u->r.max_amount_fen, u->actor->id);
	if (rc != 0)
		return rc;
	return cr_audit(db, u->actor, "rules.update", "approval_rules", 1, cr_rules_json(&before),
	                cr_rules_json(&u->r), err);
}

int
cr_rules_set(struct cr_db *db, const struct cr_actor *actor, json_t *in, json_t **out, struct cr_err *err)
{
	struct update u = {actor, {0}};
	struct cr_err acc, one;
	json_t *v;

	static const char *const known[] = {"enabled",    "reuse_days",  "fresh_kinds",
	                                    "max_years",  "max_centres", "max_amount_fen",
	                                    "updated_at", "updated_by",  NULL};
	const char *key;

	cr_rules_load(db, &u.r);
	cr_err_clear(&acc);
	/* A misspelt member is refused, never silently left as it was. */
	json_object_foreach(in, key, v)
	{
		int k = 0;

		while (known[k] && strcmp(known[k], key) != 0)
			k++;
		if (!known[k])
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
		snprintf(u.r.fresh_kinds, sizeof u.r.fresh_kinds, "%s", list);
	}
	if (acc.code) {
		if (err)
			*err = acc;
		return acc.code;
	}
	int rc = cr_db_tx(db, update_tx, &u, err);

	return rc ? rc : cr_rules_get(db, out, err);
}
