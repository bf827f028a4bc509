#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applications.h"
#include "apply.h"
#include "idcheck.h"
#include "json.h"
#include "messages.h"
#include "orders.h"
#include "price.h"
#include "status.h"
#include "text.h"

struct approval {
	char *order_no;
	long long *amount;
};

static int
make_order(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, struct cr_app *a,
           void *arg, struct cr_err *err)
{
	struct approval *ap = arg;

	return cr_order_create(db, cfg, actor, a->id, ap->order_no, ap->amount, err);
}

int
cr_review_approve(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long id,
                  char order_no[9], long long *amount, struct cr_err *err)
{
	struct approval ap = {order_no, amount};
	struct cr_app_move mv = {"submitted", "approved", "只能审核待审核的申请", NULL, make_order, &ap};

	return cr_app_transition(db, cfg, actor, 0, id, &mv, err);
}

static int
tell_rejected(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, struct cr_app *a,
              void *arg, struct cr_err *err)
{
	char title[80], link[40];

	(void)cfg;
	(void)actor;
	snprintf(title, sizeof title, "申请 #%lld 已驳回", a->id);
	snprintf(link, sizeof link, "#/applications/%lld", a->id);
	return cr_message_post(db, a->account_id, "rejected", title, arg, link, err);
}

int
cr_review_reject(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason,
                 struct cr_err *err)
{
	struct cr_app_move mv = {"submitted", "rejected",    "只能审核待审核的申请",
	                         reason,      tell_rejected, (void *)reason};
	int rc;

	if ((rc = cr_check_text(reason ? reason : "", "reason", "驳回原因", 500, 1, err)) != 0)
		return rc;
	return cr_app_transition(db, NULL, actor, 0, id, &mv, err);
}

#define QUEUE_COLUMNS                                                                                        \
	"a.id, a.status, a.company_name, a.applicant_name, u.login, u.role,"                                 \
	" DATE_FORMAT(a.queued_at, '%Y-%m-%dT%H:%i:%SZ'), TIMESTAMPDIFF(SECOND, a.queued_at, "               \
	"UTC_TIMESTAMP(6)),"                                                                                 \
	" a.years, a.addons, a.quoted_fen, (SELECT COUNT(*) FROM application_events e"                       \
	" WHERE e.application_id = a.id AND e.status_to = 'rejected')"
/*
 * After the previous page's last (queued_at, id): its time twice, its id once (bound below; the first page
 * from a time before any).  A range on queued_at (>=) and a filter: with FORCE INDEX the index is read from
 * the page's place on (a deep page of 300,000 applications: 16 ms before, 0.7 ms).
 */
#define QUEUE_AFTER " a.queued_at >= ? AND (a.queued_at > ? OR a.id > ?)"
#define QUEUE_ORDER " ORDER BY a.queued_at, a.id LIMIT ?"

int
cr_review_queue(struct cr_db *db, const struct cr_config *cfg, const char *status, const struct cr_search *s,
                long long after, long long limit, json_t **out, struct cr_err *err)
{
	long long acc[CR_SEARCH_MAX_IDS], number = 0;
	char list[CR_SEARCH_MAX_IDS * 21 + 2] = "[]", at[40] = "1000-01-01 00:00:00";
	struct cr_prices prices;
	struct cr_res res;
	size_t nacc = 0;
	json_t *items;
	int rc, by_account = 0;

	if (status == NULL || *status == '\0')
		status = "submitted";
	if (!cr_status_known(CR_SM_APPLICATION, status))
		return cr_err_user(err, CR_EINVAL, "status", "未知的申请状态：%s", status);
	/* The search box: an application's number (#12), else the customers a name or code names. */
	if (s && s->key[0]) {
		const char *k = s->key + (s->key[0] == '#');

		if (*k && strspn(k, "0123456789") == strlen(k) && strlen(k) < 12) {
			number = strtoll(k, NULL, 10);
		} else {
			if ((rc = cr_search_accounts(db, s, 0, CR_SEARCH_MAX_IDS, acc, &nacc, err)) != 0)
				return rc;
			if (nacc == CR_SEARCH_MAX_IDS)
				return cr_err_user(err, CR_EINVAL, "q",
				                   "“%s”符合的客户超过 %d 个，请输入更完整的名称或代码",
				                   s->text, CR_SEARCH_MAX_IDS - 1);
			cr_ids_text(acc, nacc, list, sizeof list);
			by_account = 1;
		}
	}
	/* A page goes on from the application after's place in the queue (schema 024's queued_at). */
	if (after > 0) {
		if ((rc = cr_db_exec(db, &res, err, "SELECT queued_at FROM applications WHERE id = ?", "i",
		                     after)) != 0)
			return rc;
		snprintf(at, sizeof at, "%s", res.nrows ? cr_res_str(&res, 0, 0) : "");
		cr_res_release(&res);
		if (at[0] == '\0')
			return cr_err_user(err, CR_EINVAL, "after", "after 须为上一页给出的 next");
	}
	/* Oldest first: whoever has waited longest is reviewed first. */
	if (by_account) /* the applications of the customers found, a few: read from them */
		rc = cr_db_exec(db, &res, err,
		                "SELECT " QUEUE_COLUMNS
		                " FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j"
		                " STRAIGHT_JOIN applications a ON a.account_id = j.id STRAIGHT_JOIN users u "
		                "ON u.id = a.account_id"
		                " WHERE a.status = ? AND" CR_SEARCH_APP_MATCH " AND" QUEUE_AFTER QUEUE_ORDER,
		                "ss" CR_SEARCH_APP_TYPES "ssii", list, status, CR_SEARCH_APP_ARGS(s), at, at,
		                after, limit);
	else if (number > 0) /* one application by its number, if it is on this tab */
		rc = cr_db_exec(db, &res, err,
		                "SELECT " QUEUE_COLUMNS
		                " FROM applications a STRAIGHT_JOIN users u ON u.id = a.account_id"
		                " WHERE a.id = ? AND a.status = ? AND" QUEUE_AFTER QUEUE_ORDER,
		                "isssii", number, status, at, at, after, limit);
	else /* the tab in its order from its index (joined, the optimizer read the index by status alone) */
		rc = cr_db_exec(
		    db, &res, err,
		    "SELECT " QUEUE_COLUMNS " FROM applications a FORCE INDEX (applications_queue)"
		    " STRAIGHT_JOIN users u ON u.id = a.account_id WHERE a.status = ? AND" QUEUE_AFTER
		        QUEUE_ORDER,
		    "sssii", status, at, at, after, limit);
	if (rc != 0)
		return rc;
	cr_prices_load(db, cfg, &prices);
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++) {
		long long price = cr_price_fen(&prices, cr_res_i64(&res, i, 8), cr_res_i64(&res, i, 9));
		const char *st = cr_res_str(&res, i, 1);

		if (cr_res_str(&res, i, 10) && cr_choice_has("submitted|approved", st))
			price = cr_res_i64(&res, i, 10); /* what the customer submitted at */

		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o}", "id",
		              (json_int_t)cr_res_i64(&res, i, 0), "status", st, "status_label",
		              cr_status_label(CR_SM_APPLICATION, st), "company_name", cr_res_str(&res, i, 2),
		              "applicant_name", cr_res_str(&res, i, 3), "account", cr_res_str(&res, i, 4),
		              "account_role", cr_res_str(&res, i, 5), "submitted_at", cr_res_str(&res, i, 6),
		              "waited_seconds", (json_int_t)cr_res_i64(&res, i, 7), "price_fen",
		              price >= 0 ? json_integer(price) : json_null()));
		/* Rejected before and submitted again: the reviewer looks at what changed. */
		json_object_set_new(json_array_get(items, json_array_size(items) - 1), "rejections",
		                    json_integer(cr_res_i64(&res, i, 11)));
	}
	*out = cr_json_page(items, &res, 0, limit);
	cr_res_release(&res);
	return 0;
}
