#include "messages.h"

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
cr_messages_list(struct cr_db *db, long long account_id, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	long long unread = 0;
	json_t *items;
	int rc;

	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT id, DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%SZ'), kind, title, body, link, read_at IS NULL"
	    " FROM messages WHERE account_id = ? ORDER BY id DESC LIMIT 200",
	    "i", account_id);
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++) {
		unread += cr_res_i64(&res, i, 6);
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
		                                       (json_int_t)cr_res_i64(&res, i, 0), "at",
		                                       cr_res_str(&res, i, 1), "kind", cr_res_str(&res, i, 2),
		                                       "title", cr_res_str(&res, i, 3), "body",
		                                       cr_res_str(&res, i, 4), "link", cr_res_str(&res, i, 5),
		                                       "unread", (int)cr_res_i64(&res, i, 6)));
	}
	cr_res_release(&res);
	*out = json_pack("{s:o, s:I}", "items", items, "unread", (json_int_t)unread);
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
