#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "messages.h"
#include "pki.h"
#include "renewal.h"
#include "status.h"
#include "utf8.h"
#include "x509.h"

int
cr_cert_import(struct cr_db *db, long long account_id, const char *token, X509 *x, long long *id,
               int *created, struct cr_x509_info *info, struct cr_err *err)
{
	struct cr_res res;
	char *pem;
	int rc;

	*created = 0;
	if (strcmp(token, "primary") != 0 && strcmp(token, "secondary") != 0)
		return cr_err_user(err, CR_EINVAL, "token", "证书锁应为 primary（主锁）或 secondary（副锁）");
	if ((rc = cr_x509_info(x, info, err)) != 0)
		return rc;
	if (info->is_ca)
		return cr_err_set(err, CR_EINVAL, "%s is a CA certificate, not a customer's", info->subject);
	if ((pem = cr_x509_pem(x)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO certificates (account_id, token, serial, subject, issuer,"
	                " not_before, not_after, status, pem, sha256)"
	                " VALUES (?, ?, ?, ?, ?, ?, ?, IF(? < UTC_TIMESTAMP(), 'expired', 'active'), ?, ?)",
	                "isssssssss", account_id, token, info->serial, info->subject, info->issuer,
	                info->not_before, info->not_after, info->not_after, pem, info->sha256);
	free(pem);
	if (rc == 0) {
		*id = cr_db_insert_id(db);
		*created = 1;
		return 0;
	}
	if (rc != CR_ECONFLICT)
		return rc;
	rc = cr_db_exec(db, &res, err, "SELECT id FROM certificates WHERE account_id = ? AND sha256 = ?",
	                "is", account_id, info->sha256);
	if (rc != 0)
		return rc;
	*id = cr_res_i64(&res, 0, 0);
	cr_res_release(&res);
	return 0;
}

int
cr_certs_count(struct cr_db *db, long long account_id, long long *n, struct cr_err *err)
{
	struct cr_res res;
	int rc = cr_db_exec(db, &res, err, "SELECT COUNT(*) FROM certificates WHERE account_id = ?", "i",
	                    account_id);

	if (rc != 0)
		return rc;
	*n = cr_res_i64(&res, 0, 0);
	cr_res_release(&res);
	return 0;
}

/* A cursor "G.YYYYMMDDHHMMSS.ID" (the group 0-2, the expiry, the id of a page's last row) into its parts. */
static int
cursor_parse(const char *s, long long *group, char when[48], long long *id)
{
	size_t n = strlen(s), digits = strspn(s + 2, "0123456789");
	int y, mo, d, h, mi, se;

	/* exactly G '.' 14 digits '.' 1 to 18 digits */
	if (n < 18 || n > 35 || s[0] < '0' || s[0] > '2' || s[1] != '.' || digits != 14 || s[16] != '.' ||
	    strspn(s + 17, "0123456789") != n - 17)
		return -1;
	if (sscanf(s + 2, "%4d%2d%2d%2d%2d%2d", &y, &mo, &d, &h, &mi, &se) != 6 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
		return -1;
	snprintf(when, 48, "%04d-%02d-%02d %02d:%02d:%02d", y % 10000, mo % 100, d % 100, h % 100, mi % 100,
	         se % 100);
	*group = s[0] - '0';
	*id = strtoll(s + 17, NULL, 10);
	return *id > 0 ? 0 : -1;
}

/*
 * The list's order: certificates with a renewal under way (an open application) first, then the ones held,
 * then the history (superseded, revoked); in each, soonest to expire first.
 */
#define GROUP_KEY                                                                                            \
	"(CASE WHEN c.status IN ('superseded', 'revoked') THEN 2 WHEN a.id IS NOT NULL THEN 0 ELSE 1 END)"

int
cr_certs_list(struct cr_db *db, const struct cr_config *cfg, long long account_id,
              const struct cr_certs_query *q, json_t **out, struct cr_err *err)
{
	const char *want = q->status ? q->status : "", *text = q->text ? q->text : "";
	char when[48] = "";
	long long group = 0, after_id = 0, limit = q->limit > 0 ? q->limit : 100;
	struct cr_res res;
	json_t *arr;
	time_t now = time(NULL);
	int rc;

	if (q->after && q->after[0] && cursor_parse(q->after, &group, when, &after_id) != 0)
		return cr_err_user(err, CR_EINVAL, "after", "after 须为上一页给出的 next");
	if (want[0] && (!cr_status_known(CR_SM_CERTIFICATE, want) || strcmp(want, "awaiting_csr") == 0))
		return cr_err_user(err, CR_EINVAL, "status", "未知的证书状态：%s", want);
	if (q->expiring_days < 0 || q->expiring_days > 3650)
		return cr_err_user(err, CR_EINVAL, "expiring_days", "expiring_days 须为 1 至 3650 的天数");
	if (cr_utf8_chars(text, strlen(text)) > 50)
		return cr_err_user(err, CR_EINVAL, "q", "搜索内容最多 50 个字");
	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT c.id, c.serial, c.subject, DATE_FORMAT(c.not_before, '%Y-%m-%dT%H:%i:%SZ'),"
	    " DATE_FORMAT(c.not_after, '%Y-%m-%dT%H:%i:%SZ'), c.token, c.trading_centre_id, c.status,"
	    " c.renews_id, c.not_after, a.id, t.name, a.status, o.order_no,"
	    " (SELECT MIN(n.id) FROM certificates n WHERE n.renews_id = c.id"
	    "  AND n.status IN ('issued', 'installed', 'active', 'superseded')),"
	    " CONCAT(" GROUP_KEY ", '.',"
	    "  DATE_FORMAT(IFNULL(c.not_after, TIMESTAMP'9999-12-31 00:00:00'), '%Y%m%d%H%i%s'), '.', c.id)"
	    " FROM certificates c"
	    " LEFT JOIN applications a ON a.open_certificate_id = c.id"
	    " LEFT JOIN orders o ON o.application_id = a.id"
	    " LEFT JOIN trading_centres t ON t.id = c.trading_centre_id"
	    /* Certificates still to be issued are shown with their order, not here. */
	    " WHERE c.account_id = ? AND c.status <> 'awaiting_csr' AND (? = 0 OR c.id = ?) AND (? = '' OR "
	    "c.status = ?)"
	    " AND (? = 0 OR c.not_after < UTC_TIMESTAMP() + INTERVAL ? DAY)"
	    " AND (? = '' OR LOCATE(?, c.subject) > 0 OR LOCATE(?, IFNULL(c.serial, '')) > 0"
	    "  OR LOCATE(?, IFNULL(t.name, '')) > 0)"
	    /* After the previous page's last row, in the order below. */
	    " AND (? = '' OR (" GROUP_KEY ", IFNULL(c.not_after, TIMESTAMP'9999-12-31 00:00:00'), c.id)"
	    "  > (?, ?, ?))"
	    " ORDER BY " GROUP_KEY ", IFNULL(c.not_after, TIMESTAMP'9999-12-31 00:00:00'), c.id LIMIT ?",
	    "iiissiisssssisii", account_id, q->id, q->id, want, want, (long long)q->expiring_days,
	    (long long)q->expiring_days, text, text, text, text, when, group, when, after_id, limit);
	if (rc != 0)
		return rc;
	if ((arr = json_array()) == NULL) {
		cr_res_release(&res);
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < res.nrows; i++) {
		char reason[256];
		const char *status = cr_res_str(&res, i, 7), *open = cr_res_str(&res, i, 10);
		int renewable = cr_renewable(cfg, status, cr_time_parse(cr_res_str(&res, i, 9)), now, reason,
		                             sizeof reason);
		json_t *c;

		/* Renewed: the new certificate is its successor; nothing of the renewal is pending any more.
		 */
		if (strcmp(status, "superseded") == 0 && cr_res_str(&res, i, 14)) {
			open = NULL;
			snprintf(reason, sizeof reason, "已更新为新证书");
		}
		if (renewable && open) {
			renewable = 0;
			snprintf(reason, sizeof reason, "已有进行中的更新申请（编号 %s）", open);
		}
		c = json_pack(
		    "{s:I, s:o, s:s, s:o, s:o, s:s, s:o, s:s, s:s, s:o, s:b, s:o, s:o}", "id",
		    (json_int_t)cr_res_i64(&res, i, 0), "serial", cr_json_str(cr_res_str(&res, i, 1)),
		    "subject", cr_res_str(&res, i, 2), "not_before", cr_json_str(cr_res_str(&res, i, 3)),
		    "not_after", cr_json_str(cr_res_str(&res, i, 4)), "token", cr_res_str(&res, i, 5),
		    "trading_centre_id", cr_json_int(cr_res_str(&res, i, 6)), "status", status,
		    "status_label", cr_status_label(CR_SM_CERTIFICATE, status), "renews_id",
		    cr_json_int(cr_res_str(&res, i, 8)), "renewable", renewable, "open_application_id",
		    cr_json_int(open), "trading_centre", cr_json_str(cr_res_str(&res, i, 11)));
		if (c && !renewable)
			json_object_set_new(c, "renewable_reason", json_string(reason));
		if (c)
			json_object_set_new(c, "successor_id", cr_json_int(cr_res_str(&res, i, 14)));
		if (c && open)
			json_object_set_new(c, "open_application_status",
			                    json_string(cr_res_str(&res, i, 12)));
		/* Approved and ordered: its renewal is under way (待更新) until the new one is issued. */
		if (c && open && strcmp(cr_res_str(&res, i, 12), "approved") == 0 && cr_res_str(&res, i, 13))
			json_object_set_new(c, "renewal_order_no", json_string(cr_res_str(&res, i, 13)));
		json_array_append_new(arr, c);
	}
	*out = json_pack("{s:o, s:o}", "items", arr, "next",
	                 (long long)res.nrows == limit ? json_string(cr_res_str(&res, res.nrows - 1, 15))
	                                               : json_null());
	cr_res_release(&res);
	return 0;
}

int
cr_cert_check_renewable(struct cr_db *db, const struct cr_config *cfg, long long account_id,
                        long long certificate_id, struct cr_err *err)
{
	struct cr_res res;
	char reason[256];
	int rc, ok;

	rc = cr_db_exec(db, &res, err,
	                "SELECT status, not_after FROM certificates WHERE id = ? AND account_id = ?", "ii",
	                certificate_id, account_id);
	if (rc != 0)
		return rc;
	if (res.nrows == 0) {
		cr_res_release(&res);
		return cr_err_user(err, CR_EINVAL, "certificate_id", "请选择您账号下的一张证书");
	}
	ok = cr_renewable(cfg, cr_res_str(&res, 0, 0), cr_time_parse(cr_res_str(&res, 0, 1)), time(NULL),
	                  reason, sizeof reason);
	cr_res_release(&res);
	if (!ok)
		return cr_err_user(err, CR_EINVAL, "certificate_id", "%s", reason);
	return 0;
}

int
cr_certs_remind(struct cr_db *db, const struct cr_config *cfg, long long *n, struct cr_err *err)
{
	struct cr_res res;
	int rc;

	*n = 0;
	/* Held certificates inside the window, not reminded yet, with no renewal under way. */
	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT c.id, c.account_id, DATE_FORMAT(c.not_after + INTERVAL 8 HOUR, '%Y-%m-%d'), c.token, "
	    "t.name"
	    " FROM certificates c LEFT JOIN trading_centres t ON t.id = c.trading_centre_id"
	    " WHERE c.status IN ('active', 'issued', 'installed') AND c.reminded_at IS NULL"
	    " AND c.not_after > UTC_TIMESTAMP() AND c.not_after <= UTC_TIMESTAMP() + INTERVAL ? DAY"
	    " AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.open_certificate_id = c.id)"
	    " ORDER BY c.id LIMIT 500",
	    "i", (long long)cfg->ca_renew_before_days);
	if (rc != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		long long id = cr_res_i64(&res, i, 0);
		char title[200], link[48];

		if ((rc = cr_db_begin(db, err)) != 0)
			break;
		rc = cr_db_exec(db, NULL, err,
		                "UPDATE certificates SET reminded_at = UTC_TIMESTAMP(6) WHERE id = ? AND "
		                "reminded_at IS NULL",
		                "i", id);
		if (rc == 0 && cr_db_affected(db) == 1) {
			/* Told once: another daemon that read the same row finds it reminded. */
			snprintf(title, sizeof title, "您的%s证书将于 %s 到期，可在线更新",
			         cr_res_str(&res, i, 4)                             ? cr_res_str(&res, i, 4)
			         : strcmp(cr_res_str(&res, i, 3), "secondary") == 0 ? "副锁"
			                                                            : "主锁",
			         cr_res_str(&res, i, 2));
			snprintf(link, sizeof link, "#/apply/new?cert=%lld", id);
			rc = cr_message_post(db, cr_res_i64(&res, i, 1), "renewal_reminder", title,
			                     "为避免影响投标，请在到期前办理证书更新。", link, err);
			if (rc == 0)
				(*n)++;
		}
		rc = cr_db_end(db, rc, err);
	}
	cr_res_release(&res);
	return rc;
}

int
cr_certs_of_order(struct cr_db *db, const char *order_no, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *certs;
	int rc;

	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT c.id, c.token, c.trading_centre_id, c.status, c.renews_id, c.subject, c.serial,"
	    " DATE_FORMAT(c.not_before, '%Y-%m-%dT%H:%i:%SZ'), DATE_FORMAT(c.not_after, "
	    "'%Y-%m-%dT%H:%i:%SZ'), t.name, DATE_FORMAT(r.not_after, '%Y-%m-%dT%H:%i:%SZ')"
	    " FROM certificates c LEFT JOIN trading_centres t ON t.id = c.trading_centre_id"
	    " LEFT JOIN certificates r ON r.id = c.renews_id"
	    " WHERE c.order_id = (SELECT id FROM orders WHERE order_no = ?) ORDER BY c.trading_centre_id IS "
	    "NOT NULL, c.trading_centre_id",
	    "s", order_no);
	if (rc != 0)
		return rc;
	certs = json_array();
	for (size_t i = 0; i < res.nrows; i++) {
		const char *status = cr_res_str(&res, i, 3);

		json_array_append_new(
		    certs,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
		              (json_int_t)cr_res_i64(&res, i, 0), "token", cr_res_str(&res, i, 1), "status",
		              status, "status_label", cr_status_label(CR_SM_CERTIFICATE, status), "subject",
		              cr_res_str(&res, i, 5), "trading_centre_id", cr_json_cell_int(&res, i, 2),
		              "renews_id", cr_json_cell_int(&res, i, 4), "serial", cr_json_cell(&res, i, 6),
		              "not_before", cr_json_cell(&res, i, 7), "not_after", cr_json_cell(&res, i, 8),
		              "trading_centre", cr_json_cell(&res, i, 9), "renews_not_after",
		              cr_json_cell(&res, i, 10)));
	}
	cr_res_release(&res);
	*out = certs;
	return 0;
}
