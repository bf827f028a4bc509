/* Request handlers, one file per resource under src/web/. */
#ifndef CR_WEB_HANDLERS_H
#define CR_WEB_HANDLERS_H

#include "http.h"

/* session.c */
void cr_h_login(struct cr_req *r);
void cr_h_logout(struct cr_req *r);
void cr_h_me(struct cr_req *r);
/* health.c */
void cr_h_healthz(struct cr_req *r);
void cr_h_metrics(struct cr_req *r);

#endif
