/*
 * An application inside the wing (apply.h has what customers do with it):
 * loaded and locked as a struct, and every change of its status made
 * through one transition helper, which review.c uses too.
 */
#ifndef CR_APPLICATIONS_H
#define CR_APPLICATIONS_H

#include <jansson.h>

#include "appform.h"
#include "apply.h"
#include "audit.h"
#include "db.h"

struct cr_app {
	long long id, account_id;
	char status[16];
	char reject_reason[2001];
	char created[24], updated[24], submitted[24];
	int has_reject, has_submitted;
	long long quoted_fen; /* the price when it was submitted (kept for its order), or -1 */
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

#endif
