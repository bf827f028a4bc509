/*
 * libFuzzer target: the router and the error replies on any path and query (issue 22: bytes that are not
 * UTF-8, and Chinese cut by a buffer, answered 500).  Input: the path, a NUL, the query string.  Whatever
 * the bytes, an echoing message must come out as valid UTF-8 that jansson takes, and a parameter read from a
 * query that passed the check must be valid UTF-8 however small the buffer.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "web/http.h"
#include "web/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
must_be_text(const char *s)
{
	json_t *j;

	if (cr_utf8_chars(s, strlen(s)) < 0)
		__builtin_trap();
	if ((j = json_pack("{s:s}", "message", s)) == NULL)
		__builtin_trap();
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"status", "actor", "q", "after", "limit"};
	char *buf = malloc(size + 2), msg[512], args[CR_ROUTE_ARGS][CR_ARG_MAX + 1];
	struct cr_req r = {0};
	int known;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = '\0';
	r.path = buf;
	r.query = buf + strlen(buf) + (strlen(buf) < size ? 1 : 0);
	if (cr_utf8_chars(r.path, strlen(r.path)) >= 0 && cr_utf8_printable(r.path))
		(void)cr_route_find("GET", r.path, args, &known);
	/* The 404 and 405 messages quote what was asked. */
	snprintf(msg, sizeof msg, "未找到：%s", r.path);
	cr_utf8_scrub(msg);
	must_be_text(msg);
	snprintf(msg, sizeof msg, "不支持该请求方法：%s", r.query);
	cr_utf8_scrub(msg);
	must_be_text(msg);
	if (cr_req_query_is_text(&r)) {
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			char small[8], big[33];

			cr_req_query(&r, names[i], small, sizeof small);
			cr_req_query(&r, names[i], big, sizeof big);
			must_be_text(small);
			must_be_text(big);
		}
	}
	free(buf);
	return 0;
}
