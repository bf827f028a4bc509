/*
 * The route table: method + path pattern -> handler, with who may call it.
 * Patterns are literal segments and {name} placeholders, which match one
 * non-empty segment of [A-Za-z0-9_-] of at most CR_ARG_MAX characters,
 * available to the handler in r->args[] in order.
 *
 * cr_route_dispatch authenticates (session cookie), enforces the role and
 * the CSRF token for state-changing methods, runs the handler and answers
 * 404 (no such path) or 405 (path without that method) itself.
 */
#ifndef CR_WEB_ROUTER_H
#define CR_WEB_ROUTER_H

#include "http.h"

/* Who may call a route: a bit set of roles, or one of the special values. */
#define CR_WHO_PUBLIC 0x100   /* anyone, no session needed */
#define CR_WHO_LOOPBACK 0x200 /* only from 127.0.0.0/8 or ::1 */
#define CR_WHO(role) (1 << (role))
#define CR_WHO_CUSTOMER (CR_WHO(CR_ROLE_ENTERPRISE) | CR_WHO(CR_ROLE_INDIVIDUAL))
#define CR_WHO_STAFF (CR_WHO(CR_ROLE_REVIEWER) | CR_WHO(CR_ROLE_FINANCE) | CR_WHO(CR_ROLE_ADMIN))
#define CR_WHO_ANY (CR_WHO_CUSTOMER | CR_WHO_STAFF)

typedef void (*cr_handler)(struct cr_req *r);

#define CR_BODY_STREAM 2

struct cr_route {
	const char *method;
	const char *pattern;
	cr_handler handler;
	int who;
	int no_csrf; /* state-changing route that needs no CSRF token (login) */
	int upload;  /* body bounded by attachments.max_bytes instead of web.max_body; CR_BODY_STREAM: read by
	                the handler */
};

/* Number of routes, and the label of route i for metrics ("GET /api/v1/me"). */
int cr_route_count(void);
const char *cr_route_label(int i);
/* Index of r->route, or -1. */
int cr_route_index(const struct cr_route *route);
/*
 * Finds the route of method and path; fills args.  Returns it, or NULL with
 * *path_known set when the path exists for another method.
 */
const struct cr_route *cr_route_find(const char *method, const char *path,
                                     char args[CR_ROUTE_ARGS][CR_ARG_MAX + 1], int *path_known);
void cr_route_dispatch(struct cr_req *r);

#endif
