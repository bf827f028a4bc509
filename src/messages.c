#include "messages.h"
#include "json.h"

int
cr_message_post(struct cr_db *db, long long account_id, const char *kind, const char *title, const char *body,
                const char *link, struct cr_err *err)
{
	return cr_db_exec(db, NULL, err,
	                  "INSERT INTO messages (account_id, at, kind, title, body, link) VALUES (?, "
	                  "UTC_TIMESTAMP(6), ?, ?, ?, ?)",
	                  "issss", account_id, kind, title, body ? body : "", link ? link : "");
}

int
cr_messages_list(struct cr_db *db, long long account_id, long long after, long long limit, json_t **out,
                 struct cr_err *err)
{
	struct cr_res res, count;
	json_t *items;
	int rc;

	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT id, DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%SZ'), kind, title, body, link, read_at IS NULL"
	    " FROM messages WHERE account_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
	    "iiii", account_id, after, after, limit);
	if (rc != 0)
		return rc;
	/* The unread of all of them, not only of this page. */
	if ((rc = cr_db_exec(db, &count, err,
	                     "SELECT COUNT(*) FROM messages WHERE account_id = ? AND read_at IS NULL", "i",
	                     account_id)) != 0) {
		cr_res_release(&res);
		return rc;
	}
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
		                                       (json_int_t)cr_res_i64(&res, i, 0), "at",
		                                       cr_res_str(&res, i, 1), "kind", cr_res_str(&res, i, 2),
		                                       "title", cr_res_str(&res, i, 3), "body",
		                                       cr_res_str(&res, i, 4), "link", cr_res_str(&res, i, 5),
		                                       "unread", (int)cr_res_i64(&res, i, 6)));
	*out = cr_json_page(items, &res, 0, limit);
	json_object_set_new(*out, "unread", json_integer(cr_res_i64(&count, 0, 0)));
	cr_res_release(&res);
	cr_res_release(&count);
	return 0;
}

int
cr_messages_read_all(struct cr_db *db, long long account_id, struct cr_err *err)
{
	return cr_db_exec(
	    db, NULL, err,
	    "UPDATE messages SET read_at = UTC_TIMESTAMP(6) WHERE account_id = ? AND read_at IS NULL", "i",
	    account_id);
}
