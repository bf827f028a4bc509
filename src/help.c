#include <string.h>

#include "help.h"
#include "json.h"
#include "utf8.h"

int
cr_help_get(struct cr_db *db, const char *name, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	int rc;

	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT h.title, h.body, DATE_FORMAT(h.updated_at, '%Y-%m-%dT%H:%i:%SZ'), u.display_name"
	    " FROM help_pages h LEFT JOIN users u ON u.id = h.updated_by WHERE h.name = ?",
	    "s", name);
	if (rc != 0)
		return rc;
	if (res.nrows == 0) {
		cr_res_release(&res);
		return cr_err_user(err, CR_ENOTFOUND, NULL, "没有这个帮助页面");
	}
	*out = json_pack("{s:s, s:o, s:o, s:o, s:o}", "name", name, "title", cr_json_cell(&res, 0, 0), "body",
	                 cr_json_cell(&res, 0, 1), "updated_at", cr_json_cell(&res, 0, 2), "updated_by",
	                 cr_json_cell(&res, 0, 3));
	cr_res_release(&res);
	return *out ? 0 : cr_err_set(err, CR_ENOMEM, "out of memory");
}

/* Text a person can read: valid UTF-8, no control characters but line breaks (and tabs in the body). */
static int
check_text(const char *s, int multiline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
			return 0;
	return cr_utf8_chars(s, strlen(s)) >= 0;
}

/* A help page's new text, as its transaction (cr_db_tx) sees it. */
struct update {
	const struct cr_actor *actor;
	const char *name, *title, *body;
};

static int
update_tx(struct cr_db *db, void *arg, struct cr_err *err)
{
	const struct update *u = arg;
	struct cr_res res;
	json_t *before;
	int rc;

	rc = cr_db_one(db, &res, err, "help page",
	               "SELECT title, body FROM help_pages WHERE name = ? FOR UPDATE", "s", u->name);
	if (rc == CR_ENOTFOUND)
		return cr_err_user(err, CR_ENOTFOUND, NULL, "没有这个帮助页面");
	if (rc != 0)
		return rc;
	before = json_pack("{s:o, s:o}", "title", cr_json_cell(&res, 0, 0), "body", cr_json_cell(&res, 0, 1));
	cr_res_release(&res);
	rc = cr_db_exec(db, NULL, err,
	                "UPDATE help_pages SET title = ?, body = ?, updated_at = UTC_TIMESTAMP(6), "
	                "updated_by = NULLIF(?, 0) WHERE name = ?",
	                "ssis", u->title, u->body, u->actor->id, u->name);
	if (rc != 0) {
		json_decref(before);
		return rc;
	}
	return cr_audit_s(db, u->actor, "help.update", "help_page", u->name, before,
	                  json_pack("{s:s, s:s}", "title", u->title, "body", u->body), err);
}

int
cr_help_update(struct cr_db *db, const struct cr_actor *actor, const char *name, const char *title,
               const char *body, struct cr_err *err)
{
	struct update u = {actor, name, title, body};
	struct cr_err one, bad;
	long tchars = title ? cr_utf8_chars(title, strlen(title)) : -1;

	cr_err_clear(&bad);
	if (title == NULL || tchars < 1 || tchars > CR_HELP_TITLE_MAX || !check_text(title, 0))
		cr_err_add(&bad, (cr_err_user(&one, CR_EINVAL, "title", "标题须为 1 至 %d 个字符，且不能换行",
		                              CR_HELP_TITLE_MAX),
		                  &one));
	if (body == NULL || body[strspn(body, " \t\r\n")] == '\0')
		cr_err_add(&bad, (cr_err_user(&one, CR_EINVAL, "body", "正文不能为空"), &one));
	else if (strlen(body) > CR_HELP_BODY_MAX)
		cr_err_add(
		    &bad, (cr_err_user(&one, CR_ETOOBIG, "body", "正文过长：不能超过 %d 字节（约 %d 个汉字）",
		                       CR_HELP_BODY_MAX, CR_HELP_BODY_MAX / 3),
		           &one));
	else if (!check_text(body, 1))
		cr_err_add(&bad, (cr_err_user(&one, CR_EINVAL, "body", "正文含有不可显示的控制字符"), &one));
	if (bad.code) {
		if (err)
			*err = bad;
		return bad.code;
	}

	return cr_db_tx(db, update_tx, &u, err);
}
