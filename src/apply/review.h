/*
 * Review (staff, SPEC 4): the queue of applications waiting, approval
 * (which creates the order with the amount fixed now) and rejection with a
 * reason (1..500 characters).  Both move the application through
 * cr_app_transition, post a message to the customer and are audited.
 */
#ifndef CR_REVIEW_H
#define CR_REVIEW_H

#include <jansson.h>

#include "audit.h"
#include "db.h"

int cr_review_approve(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                      long long id, char order_no[9], long long *amount, struct cr_err *err);
int cr_review_reject(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason,
                     struct cr_err *err);
/*
 * Applications in status (default submitted), oldest first, with how long each has waited: {"items":[...]}.
 */
int cr_review_queue(struct cr_db *db, const struct cr_config *cfg, const char *status, json_t **out,
                    struct cr_err *err);

#endif
