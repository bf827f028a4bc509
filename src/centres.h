/*
 * Trading centres (table trading_centres): the regional centres for which
 * an add-on certificate can be ordered (SPEC 6).  Customers see the active
 * ones; the administrator adds, renames and (de)activates them, audited.
 * JSON results are new references owned by the caller.
 */
#ifndef CR_CENTRES_H
#define CR_CENTRES_H

#include <jansson.h>

#include "audit.h"
#include "db.h"

/* {"items":[{id, name}]}: the active centres in display order. */
int cr_centres_active(struct cr_db *db, json_t **out, struct cr_err *err);
/* {"items":[{id, name, sort, active}]}: every centre (staff). */
int cr_centres_all(struct cr_db *db, json_t **out, struct cr_err *err);
/* 1 in *active when centre id exists and is active. */
int cr_centre_is_active(struct cr_db *db, long long id, int *active, struct cr_err *err);
/* Adds a centre at the end of the order; CR_ECONFLICT when the name exists. */
int cr_centre_add(struct cr_db *db, const struct cr_actor *actor, const char *name, long long *id,
                  struct cr_err *err);
/* name NULL: unchanged; active -1: unchanged. */
int cr_centre_update(struct cr_db *db, const struct cr_actor *actor, long long id, const char *name,
                     int active, struct cr_err *err);

#endif
