#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "log.h"
#include "router.h"
#include "utf8.h"

struct cr_actor
cr_req_actor(struct cr_req *r)
{
	struct cr_actor a = {r->authed ? r->sess.user.id : 0, r->authed ? r->sess.user.login : "anonymous",
	                     r->remote_addr};

	return a;
}

const char *
cr_req_param(struct cr_req *r, const char *name)
{
	const char *v = FCGX_GetParam(name, r->fr->envp);

	return v ? v : "";
}

int
cr_req_secure(struct cr_req *r)
{
	return strcmp(cr_req_param(r, "HTTPS"), "on") == 0 ||
	       strncasecmp(r->web->cfg->web_public_url, "https://", 8) == 0;
}

int
cr_req_cookie(struct cr_req *r, const char *name, char *out, size_t outlen)
{
	const char *c = cr_req_param(r, "HTTP_COOKIE");
	size_t n = strlen(name);

	while (*c) {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, name, n) == 0 && c[n] == '=') {
			const char *v = c + n + 1;
			size_t len = strcspn(v, ";");

			if (len >= outlen)
				return -1;
			memcpy(out, v, len);
			out[len] = '\0';
			return 0;
		}
		c += strcspn(c, ";");
	}
	return -1;
}

struct cr_db *
cr_web_db(struct cr_web *w, struct cr_err *err)
{
	if (w->db == NULL && cr_db_open(&w->db, w->cfg, err) != 0)
		return NULL;
	return w->db;
}

struct cr_db *
cr_req_db(struct cr_req *r)
{
	struct cr_db *db;
	struct cr_err err;

	if ((db = cr_web_db(r->web, &err)) == NULL)
		cr_reply_cr_err(r, &err);
	return db;
}

void
cr_req_header(struct cr_req *r, const char *fmt, ...)
{
	size_t room = sizeof r->headers - r->headers_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->headers + r->headers_len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 >= room) {
		r->headers[r->headers_len] = '\0';
		cr_error("http: response headers full");
		return;
	}
	r->headers_len += n;
	memcpy(r->headers + r->headers_len, "\r\n", 3);
	r->headers_len += 2;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 507: return "Insufficient Storage";
	default: return "Status";
	}
}

/* 1 when the header lines in headers ("Name: value\r\n"...) hold one called name. */
static int
has_header(const char *headers, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = headers; *p; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : p + strlen(p))
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			return 1;
	return 0;
}

void
cr_reply(struct cr_req *r, int status, const char *ctype, const char *body, size_t len)
{
	char head[1536];
	int n;

	if (r->status != 0) {
		cr_error("http: %s %s answered twice", r->method, r->path);
		return;
	}
	r->status = status;
	if (status >= 500)
		cr_error("http: %s %s: %d: %s", r->method, r->route ? r->route->pattern : r->path, status,
		         r->why ? r->why : reason(status));
	/* libfcgi's own printf knows no %zu: format here.  No caching unless the handler said otherwise. */
	n = snprintf(
	    head, sizeof head, "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s%s\r\n", status,
	    reason(status), ctype, len,
	    has_header(r->headers, "Cache-Control") ? "" : "Cache-Control: no-store\r\n", r->headers);
	if (n < 0 || (size_t)n >= sizeof head)
		n = snprintf(head, sizeof head,
		             "Status: 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
	FCGX_PutStr(head, n, r->fr->out);
	if (len && strcmp(r->method, "HEAD") != 0)
		FCGX_PutStr(body, (int)len, r->fr->out);
}

static ssize_t
stream_write(void *cookie, const char *buf, size_t size)
{
	struct cr_req *r = cookie;

	if (strcmp(r->method, "HEAD") == 0)
		return (ssize_t)size;
	return FCGX_PutStr(buf, (int)size, r->fr->out) == (int)size ? (ssize_t)size : -1;
}

FILE *
cr_reply_stream(struct cr_req *r, int status, const char *ctype)
{
	static const cookie_io_functions_t io = {NULL, stream_write, NULL, NULL};
	char head[1536];
	FILE *f;
	int n;

	if (r->status != 0 || (f = fopencookie(r, "w", io)) == NULL)
		return NULL;
	r->status = status;
	/* No length: nginx passes it on as it comes (chunked). */
	n = snprintf(
	    head, sizeof head, "Status: %d %s\r\nContent-Type: %s\r\n%s%s\r\n", status, reason(status), ctype,
	    has_header(r->headers, "Cache-Control") ? "" : "Cache-Control: no-store\r\n", r->headers);
	if (n < 0 || (size_t)n >= sizeof head) {
		fclose(f);
		r->status = 0;
		return NULL;
	}
	FCGX_PutStr(head, n, r->fr->out);
	return f;
}

void
cr_reply_pdf(struct cr_req *r, const char *filename, char *pdf, size_t len)
{
	cr_req_header(r, "Content-Disposition: inline; filename=\"%s\"", filename);
	cr_req_header(r, "Cache-Control: private, no-store");
	cr_reply(r, 200, "application/pdf", pdf, len);
	free(pdf);
}

void
cr_reply_json(struct cr_req *r, int status, json_t *obj)
{
	char *s = obj ? json_dumps(obj, JSON_COMPACT) : NULL;

	json_decref(obj);
	if (s == NULL) {
		static const char oom[] =
		    "{\"error\":{\"code\":\"internal\",\"message\":\"服务器内部错误\"}}";

		cr_reply(r, 500, "application/json", oom, sizeof oom - 1);
		return;
	}
	cr_reply(r, status, "application/json", s, strlen(s));
	free(s);
}

/* {"code", "message", "field"?, "fields"?}: the error object of an answer. */
static json_t *
error_object(const char *code, const char *field, const char *msg)
{
	json_t *e = json_pack("{s:s, s:s}", "code", code, "message", msg);

	if (e && field && *field) {
		json_object_set_new(e, "field", json_string(field));
		json_object_set_new(e, "fields", json_pack("[{s:s, s:s}]", "field", field, "message", msg));
	}
	return e;
}

void
cr_reply_error(struct cr_req *r, int status, const char *code, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* A message may quote the request: never let its bytes, or a cut character, break the answer. */
	cr_utf8_scrub(msg);
	cr_reply_json(r, status, json_pack("{s:o}", "error", error_object(code, field, msg)));
}

/* How each core error is answered when the core gave no message for people. */
static const struct {
	int code, status;
	const char *name, *text;
} answers[] = {
    {CR_EINVAL, 400, "invalid_input", "输入有误，请检查后重试"},
    {CR_ENOTFOUND, 404, "not_found", "未找到"},
    {CR_ECONFLICT, 409, "conflict", "操作与当前状态冲突，请刷新后重试"},
    {CR_EAUTH, 401, "invalid_credentials", "账号或密码错误"},
    {CR_ETOOBIG, 413, "body_too_large", "内容过大"},
    {CR_ETHROTTLED, 429, "too_many_attempts", "尝试次数过多，请稍后再试"},
    {CR_EINCOMPLETE, 422, "incomplete", "信息不完整"},
    {CR_EBADFILE, 422, "invalid_file", "文件无效"},
    {CR_EDB, 503, "db_unavailable", "数据库暂时不可用，请稍后再试"},
    {CR_ERETRY, 503, "db_unavailable", "数据库暂时不可用，请稍后再试"},
    {CR_EUPSTREAM, 502, "upstream_unavailable", "服务暂时不可用，请稍后再试"},
    {CR_ENOSPACE, 507, "storage_full", "服务器存储空间不足，文件未保存，请稍后再试"},
};

void
cr_reply_cr_err(struct cr_req *r, const struct cr_err *err)
{
	int status = 500;
	const char *name = "internal", *text = "服务器内部错误";
	json_t *e;

	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
		if (answers[i].code == err->code) {
			status = answers[i].status;
			name = answers[i].name;
			text = answers[i].text;
		}
	/* "Not found" says nothing more, so that it never tells whose an object is. */
	if (err->user[0] && (status < 500 || err->code == CR_EUPSTREAM) && err->code != CR_ENOTFOUND)
		text = err->user;
	e = error_object(name, err->field, text);
	if (e && err->nfields > 0) {
		json_t *fields = json_array();

		for (int i = 0; i < err->nfields; i++)
			json_array_append_new(fields, json_pack("{s:s, s:s}", "field", err->fields[i].field,
			                                        "message", err->fields[i].user));
		if (err->code == CR_EINCOMPLETE)
			json_object_set(e, "missing", fields);
		json_object_set_new(e, "fields", fields);
	}
	r->why = err->msg;
	cr_reply_json(r, status, json_pack("{s:o}", "error", e));
}

void
cr_reply_result(struct cr_req *r, int rc, const struct cr_err *err, int status, json_t *out)
{
	if (rc != 0) {
		json_decref(out);
		cr_reply_cr_err(r, err);
	} else {
		cr_reply_json(r, status, out);
	}
}

json_t *
cr_req_json(struct cr_req *r)
{
	const char *ct = cr_req_param(r, "CONTENT_TYPE");
	json_error_t jerr;
	json_t *j;

	if (r->body_len == 0)
		return json_object();
	/* A cross-site form cannot send application/json without a preflight. */
	/* Media types are case-insensitive (RFC 9110); parameters may follow. */
	if (strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
		cr_reply_error(r, 415, "unsupported_media_type", NULL,
		               "请求内容须为 JSON（Content-Type: application/json）");
		return NULL;
	}
	j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		cr_reply_error(r, 400, "invalid_json", NULL, "请求内容不是有效的 JSON（第 %d 行第 %d 列）",
		               jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		cr_reply_error(r, 400, "invalid_json", NULL, "请求内容须为 JSON 对象");
		return NULL;
	}
	return j;
}

int
cr_json_string(struct cr_req *r, json_t *obj, const char *key, int required, long maxchars, const char **out)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	long n;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		cr_reply_error(r, 400, "missing_field", key, "缺少必填项：%s", key);
		return -1;
	}
	if (!json_is_string(v)) {
		cr_reply_error(r, 400, "invalid_type", key, "%s 必须是字符串", key);
		return -1;
	}
	s = json_string_value(v);
	n = cr_utf8_chars(s, json_string_length(v));
	if (n < 0 || strlen(s) != json_string_length(v)) {
		cr_reply_error(r, 400, "invalid_input", key, "%s 含有无效字符", key);
		return -1;
	}
	if (n > maxchars) {
		cr_reply_error(r, 400, "too_long", key, "%s 最多 %ld 个字符", key, maxchars);
		return -1;
	}
	*out = s;
	return 0;
}

int
cr_req_read_body(struct cr_req *r, long long limit)
{
	const char *cl = cr_req_param(r, "CONTENT_LENGTH");
	unsigned long long len;
	char *end;
	size_t got = 0;

	if (*cl == '\0')
		return 0;
	errno = 0;
	len = strtoull(cl, &end, 10);
	if (errno || *end || cl[0] == '-') {
		cr_reply_error(r, 400, "bad_request", NULL, "请求头 Content-Length 无效");
		return -1;
	}
	if (len > (unsigned long long)limit) {
		cr_reply_error(r, 413, "body_too_large", NULL, "请求内容过大（最多 %lld 字节）", limit);
		return -1;
	}
	if (len == 0)
		return 0;
	if ((r->body = malloc(len + 1)) == NULL) {
		r->why = "out of memory for the request body";
		cr_reply_error(r, 503, "busy", NULL, "服务器繁忙，请稍后再试");
		return -1;
	}
	while (got < len) {
		int n = FCGX_GetStr(r->body + got, (int)(len - got), r->fr->in);

		if (n <= 0)
			break;
		got += n;
	}
	if (got != len) {
		cr_reply_error(r, 400, "bad_request", NULL, "请求内容不完整");
		return -1;
	}
	r->body[len] = '\0';
	r->body_len = len;
	return 0;
}

long long
cr_req_account(struct cr_req *r)
{
	return cr_role_is_customer(r->sess.user.role) ? r->sess.user.id : 0;
}

long long
cr_req_id(struct cr_req *r, int i)
{
	const char *s = r->args[i];
	long long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 18)
		goto bad;
	for (size_t k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			goto bad;
		v = v * 10 + (s[k] - '0');
	}
	if (v > 0)
		return v;
bad:
	cr_reply_error(r, 404, "not_found", NULL, "未找到");
	return 0;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* A query parameter that must be a positive integer when given: 0 when absent, -1 when malformed. */
static long long
query_count(struct cr_req *r, const char *name)
{
	char v[24], *end;
	long long n;

	cr_req_query(r, name, v, sizeof v);
	if (v[0] == '\0')
		return 0;
	n = strtoll(v, &end, 10);
	return *end || n <= 0 || v[0] == '+' || v[0] == '-' ? -1 : n;
}

int
cr_req_page(struct cr_req *r, long long def, long long max, long long *after, long long *limit)
{
	if ((*after = query_count(r, "after")) < 0) {
		cr_reply_error(r, 400, "invalid_input", "after", "after 须为上一页给出的 next");
		return -1;
	}
	return cr_req_limit(r, def, max, limit);
}

int
cr_req_limit(struct cr_req *r, long long def, long long max, long long *limit)
{
	if ((*limit = query_count(r, "limit")) < 0 || *limit > max) {
		cr_reply_error(r, 400, "invalid_input", "limit", "limit 须为 1 至 %lld 的整数", max);
		return -1;
	}
	if (*limit == 0)
		*limit = def;
	return 0;
}

int
cr_req_search(struct cr_req *r, struct cr_search *s, char from[11], char to[11])
{
	char q[1024], f[16], t[16];
	struct cr_err err;

	cr_req_query(r, "q", q, sizeof q); /* cut past 1,023 bytes: still more than CR_SEARCH_CHARS */
	if (cr_search_parse(q, "q", s, &err) != 0) {
		cr_reply_cr_err(r, &err);
		return -1;
	}
	if (from == NULL)
		return 0;
	cr_req_query(r, "from", f, sizeof f);
	cr_req_query(r, "to", t, sizeof t);
	if (cr_search_days(f, t, from, to, &err) != 0) {
		cr_reply_cr_err(r, &err);
		return -1;
	}
	return 0;
}

int
cr_req_query_is_text(struct cr_req *r)
{
	size_t len = strlen(r->query), o = 0;
	char *buf;
	int ok;

	if (len == 0)
		return 1;
	if ((buf = malloc(len)) == NULL)
		return 0;
	for (const char *q = r->query; *q; q++) {
		if (*q == '%' && hexval(q[1]) >= 0 && hexval(q[2]) >= 0) {
			buf[o++] = (char)(hexval(q[1]) << 4 | hexval(q[2]));
			q += 2;
		} else {
			buf[o++] = *q;
		}
	}
	ok = memchr(buf, '\0', o) == NULL && cr_utf8_chars(buf, o) >= 0;
	free(buf);
	return ok;
}

void
cr_req_query(struct cr_req *r, const char *name, char *out, size_t outlen)
{
	size_t n = strlen(name), o = 0;
	const char *q = r->query;

	out[0] = '\0';
	while (q && *q) {
		if (strncmp(q, name, n) == 0 && q[n] == '=') {
			/* Percent-decoded ('+' is a space), cut at outlen - 1 bytes on a character boundary.
			 */
			for (const char *v = q + n + 1; *v && *v != '&' && o + 1 < outlen; v++) {
				if (*v == '%' && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
					out[o++] = (char)(hexval(v[1]) << 4 | hexval(v[2]));
					v += 2;
				} else {
					out[o++] = *v == '+' ? ' ' : *v;
				}
			}
			if (o > 0) { /* a character the cut left incomplete is dropped */
				size_t last = o - 1;

				while (last > 0 && ((unsigned char)out[last] & 0xC0) == 0x80)
					last--;
				if (cr_utf8_seq(out + last, o - last) == 0)
					o = last;
			}
			out[o] = '\0';
			return;
		}
		q = strchr(q, '&');
		if (q)
			q++;
	}
}
