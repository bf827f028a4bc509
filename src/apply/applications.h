/*
 * Renewal applications (SPEC 4, 6, 10): the wizard's draft, stored and
 * read back, and its state machine (submit, cancel, delete; approve and
 * reject in review.c), every change through one transition helper.
 *
 * Every function takes the account the caller acts for: an application of
 * another account is CR_ENOTFOUND, exactly like one that does not exist.
 * account_id 0 means staff, who may read any application.
 * Validation failures are CR_EINVAL naming every field at fault (err.h);
 * wrong-state changes are CR_ECONFLICT, with a Chinese message.
 * JSON results are new references owned by the caller.
 */
#ifndef CR_APPLICATIONS_H
#define CR_APPLICATIONS_H

#include <jansson.h>

#include "appform.h"
#include "audit.h"
#include "db.h"

struct cr_app {
	long long id, account_id;
	char status[16];
	char reject_reason[2001];
	char created[24], updated[24], submitted[24];
	int has_reject, has_submitted;
	struct cr_appform form;
};

/*
 * Loads application id (of account_id, or any when 0) into a; with lock,
 * FOR UPDATE inside the caller's transaction.
 */
int cr_app_load(struct cr_db *db, long long account_id, long long id, int lock, struct cr_app *a,
                struct cr_err *err);
/* 0 when a may still be edited (draft or rejected), else CR_ECONFLICT saying why. */
int cr_app_editable(const struct cr_app *a, struct cr_err *err);

/* A step run inside a transition's transaction, before the status changes. */
typedef int (*cr_app_step)(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                           struct cr_app *a, void *arg, struct cr_err *err);

struct cr_app_move {
	const char *from;    /* '|'-separated statuses it may leave */
	const char *to;      /* the new status; NULL: the step removed the application */
	const char *refusal; /* why another status cannot move ("不能撤销") */
	const char *reason;  /* the rejection's reason, or NULL */
	cr_app_step step;    /* or NULL */
	void *arg;
};

/*
 * Moves application id (of account_id, or any for 0) as mv says, in one
 * transaction with its step, event and audit row.
 */
int cr_app_transition(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                      long long account_id, long long id, const struct cr_app_move *mv, struct cr_err *err);

/* Customer actions take the customer as actor (actor->id is the account). */
int cr_app_create(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, json_t *in,
                  long long *id, struct cr_err *err);
int cr_app_patch(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id,
                 json_t *in, struct cr_err *err);
/* The full application (SPEC 10 fields, plus missing, history, required_attachments). */
int cr_app_get(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id,
               json_t **out, struct cr_err *err);
/* period: "3m" or "all"; status: NULL/"" for all, or one status. */
int cr_app_list(struct cr_db *db, const struct cr_config *cfg, long long account_id, const char *period,
                const char *status, json_t **out, struct cr_err *err);
/* Submits (from draft or rejected); CR_EINCOMPLETE naming every missing field or attachment. */
int cr_app_submit(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, int enterprise,
                  long long id, struct cr_err *err);
int cr_app_cancel(struct cr_db *db, const struct cr_actor *actor, long long id, struct cr_err *err);
/* Deletes a draft with its attachments (files removed after the commit). */
int cr_app_delete(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long id,
                  struct cr_err *err);

#endif
