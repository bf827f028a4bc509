/* Route matching: literals, placeholders, bounds on arguments, 405 versus 404. */
#include <string.h>

#include "tap.h"
#include "web/router.h"

int
main(void)
{
	char args[CR_ROUTE_ARGS][CR_ARG_MAX + 1];
	const struct cr_route *r;
	char longseg[200];
	int known;

	r = cr_route_find("GET", "/api/v1/me", args, &known);
	ok(r && strcmp(r->pattern, "/api/v1/me") == 0, "literal route");
	r = cr_route_find("HEAD", "/healthz", args, &known);
	ok(r && strcmp(r->method, "GET") == 0, "HEAD is served by GET");
	r = cr_route_find("POST", "/api/v1/session", args, &known);
	ok(r && r->no_csrf, "login needs no CSRF token");
	r = cr_route_find("DELETE", "/api/v1/session", args, &known);
	ok(r && !r->no_csrf, "logout needs the CSRF token");
	r = cr_route_find("PUT", "/api/v1/me", args, &known);
	ok(r == NULL && known == 1, "known path, wrong method: 405");
	r = cr_route_find("GET", "/api/v1/nothing", args, &known);
	ok(r == NULL && known == 0, "unknown path: 404");
	r = cr_route_find("GET", "/api/v1/me/", args, &known);
	ok(r == NULL && known == 0, "trailing slash is another path");
	r = cr_route_find("GET", "/api/v1/mex", args, &known);
	ok(r == NULL, "prefix of a longer segment does not match");
	memset(longseg, 'a', sizeof longseg - 1);
	longseg[sizeof longseg - 1] = '\0';
	r = cr_route_find("GET", longseg, args, &known);
	ok(r == NULL, "long garbage path does not match");
	r = cr_route_find("GET", "/api/v1/applications/12/forms/power_of_attorney.pdf", args, &known);
	ok(r && strcmp(args[0], "12") == 0 && strcmp(args[1], "power_of_attorney") == 0,
	   "a placeholder followed by .pdf: {kind}.pdf gives the kind alone");
	r = cr_route_find("GET", "/api/v1/applications/12/forms/power_of_attorney", args, &known);
	ok(r == NULL, "without .pdf the form's route does not match");
	r = cr_route_find("GET", "/api/v1/applications/12/forms/power_of_attorney.pdfx", args, &known);
	ok(r == NULL, "nor with more after it");
	r = cr_route_find("GET", "/api/v1/applications/12/forms/.pdf", args, &known);
	ok(r == NULL, "nor with an empty kind");
	r = cr_route_find("GET", "/api/v1/orders/00004058/notice.pdf", args, &known);
	ok(r && strcmp(args[0], "00004058") == 0, "the payment notice's route");
	r = cr_route_find("GET", "/api/v1/applications/12x./submit", args, &known);
	ok(r == NULL, "a placeholder followed by what the pattern does not have: no match");
	ok(cr_route_count() >= 5, "route table has the foundation routes");
	ok(strcmp(cr_route_label(cr_route_index(cr_route_find("GET", "/api/v1/me", args, &known))),
	          "GET /api/v1/me") == 0,
	   "metrics label");
	ok(strcmp(cr_route_label(-1), "unmatched") == 0, "unmatched label");
	return tap_done();
}
