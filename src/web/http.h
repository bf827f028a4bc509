/*
 * One FastCGI request as the handlers see it, and the ways to answer it.
 *
 * Every answer goes through cr_reply*; a handler answers exactly once.
 * Errors are JSON:
 *   {"error":{"code":"...","message":"...(中文)","field":"...","fields":[{"field","message"}...]}}
 * with a stable code for programs and a Chinese message for people; fields
 * names every invalid field of the request (field/message are the first).
 * Every 5xx answer is logged once, where it is given, with the method, the
 * route and the reason.
 */
#ifndef CR_WEB_HTTP_H
#define CR_WEB_HTTP_H

#include <fcgiapp.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "account/account.h"
#include "audit.h"
#include "config.h"
#include "counters.h"
#include "db.h"
#include "search.h"

struct cr_route;

/* What a worker process holds across requests. */
struct cr_web {
	const struct cr_config *cfg;
	struct cr_db *db;            /* NULL until connected */
	struct cr_counters counters; /* the host's (see counters.h) */
};

#define CR_ROUTE_ARGS 4
#define CR_ARG_MAX 64

struct cr_req {
	struct cr_web *web;
	FCGX_Request *fr;
	const char *method, *path, *query, *remote_addr;
	char *body; /* NUL-terminated copy of the request body, or NULL */
	size_t body_len;
	const struct cr_route *route;
	char args[CR_ROUTE_ARGS][CR_ARG_MAX + 1]; /* {placeholders} of the path */
	int authed;
	struct cr_session sess;
	char token[CR_TOKEN_HEX + 1];
	int status;      /* 0 until answered */
	const char *why; /* for the log of a 5xx answer: the error behind it */
	char headers[1024];
	size_t headers_len;
};

/* Who is acting, for the audit log: the logged-in user and the client address. */
struct cr_actor cr_req_actor(struct cr_req *r);
/* A FastCGI parameter (REQUEST_METHOD, HTTP_COOKIE, ...) or "" when absent. */
const char *cr_req_param(struct cr_req *r, const char *name);
/*
 * 1 when cookies must be Secure: the request came over TLS to nginx, or web.public_url is https (a proxy in
 * front of nginx ended TLS, so nginx never saw it).
 */
int cr_req_secure(struct cr_req *r);
/* The value of cookie name into out (size outlen); 0 or -1 when absent or too long. */
int cr_req_cookie(struct cr_req *r, const char *name, char *out, size_t outlen);
/* The account a request acts for: the customer's own, or 0 (any account) for staff. */
long long cr_req_account(struct cr_req *r);
/* r->args[i] as a positive id; 0 after answering 404. */
long long cr_req_id(struct cr_req *r, int i);
/* 1 when the query string, percent-decoded, is valid UTF-8 text without NUL bytes. */
int cr_req_query_is_text(struct cr_req *r);
/* Query parameter name, percent-decoded, into out ("" when absent; cut to fit on a character boundary). */
void cr_req_query(struct cr_req *r, const char *name, char *out, size_t outlen);
/*
 * The page of a list asked for (keyset paging): ?after= the cursor the
 * previous page gave as "next" (absent: the first page) and ?limit= (def
 * when absent, at most max).  0, or -1 after a 400 naming the parameter.
 */
int cr_req_page(struct cr_req *r, long long def, long long max, long long *after, long long *limit);
/* ?limit= alone, for a list whose cursor is not a number: the same answers. */
int cr_req_limit(struct cr_req *r, long long def, long long max, long long *limit);
/*
 * The search box ?q= into s, and when from is not NULL the days ?from= and
 * ?to= (cr_search_days); -1 after answering 400 when one is not valid.
 */
int cr_req_search(struct cr_req *r, struct cr_search *s, char from[11], char to[11]);
/* The database of this worker, connected; NULL (and a 503 sent) when it is down. */
struct cr_db *cr_req_db(struct cr_req *r);
/* The same without answering: NULL when it is down (err says why; may be NULL). */
struct cr_db *cr_web_db(struct cr_web *w, struct cr_err *err);
/* Adds one response header line ("Name: value"). */
void cr_req_header(struct cr_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void cr_reply(struct cr_req *r, int status, const char *ctype, const char *body, size_t len);
/* Answers a PDF drawn for this request (never cached), shown in the browser as filename; frees pdf. */
void cr_reply_pdf(struct cr_req *r, const char *filename, char *pdf, size_t len);
/* Answers with obj as JSON and drops the reference. */
void cr_reply_json(struct cr_req *r, int status, json_t *obj);
/*
 * Begins an answer whose body is written as it is made, to the stream
 * returned (the caller closes it); NULL when the request was answered
 * already.  Its length is not known before: nginx sends it chunked.
 */
FILE *cr_reply_stream(struct cr_req *r, int status, const char *ctype);
void cr_reply_error(struct cr_req *r, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Answers with the HTTP status, code and Chinese message that fit a core error. */
void cr_reply_cr_err(struct cr_req *r, const struct cr_err *err);
/*
 * The end of most handlers: rc 0 answers out (a new reference, taken) with
 * status; otherwise out is dropped and err answered.
 */
void cr_reply_result(struct cr_req *r, int rc, const struct cr_err *err, int status, json_t *out);

/*
 * Reads the request body whole, refusing (413, before reading) one over
 * limit bytes; 0, or -1 after answering.
 */
int cr_req_read_body(struct cr_req *r, long long limit);
/*
 * Parses the body as a JSON object.  On failure answers 400/415 and
 * returns NULL.  An empty body gives an empty object.
 */
json_t *cr_req_json(struct cr_req *r);
/*
 * Reads string member key of obj into *out (borrowed).  required: absent is
 * an error; maxchars bounds the length in characters.  On failure answers
 * 400 naming the field and returns -1; absent and optional gives *out NULL.
 */
int cr_json_string(struct cr_req *r, json_t *obj, const char *key, int required, long maxchars,
                   const char **out);

#endif
