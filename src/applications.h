/*
 * Renewal applications (SPEC 4, 6, 10): the wizard's draft, its validation,
 * attachments and the customer's transitions (submit, cancel, delete).
 *
 * Every function takes the account the caller acts for: an application of
 * another account is CR_ENOTFOUND, exactly like one that does not exist.
 * account_id 0 means staff, who may read any application.
 * Validation failures are CR_EINVAL with err->field naming the JSON field
 * and a Chinese message; wrong-state changes are CR_ECONFLICT.
 * JSON results are new references owned by the caller.
 */
#ifndef CR_APPLICATIONS_H
#define CR_APPLICATIONS_H

#include <jansson.h>

#include "audit.h"
#include "db.h"

/* Attachment kinds, in the wizard's order. */
struct cr_attachment_kind {
	const char *kind;
	const char *label;
	int separate_only; /* only for license_type "separate" */
};
extern const struct cr_attachment_kind cr_attachment_kinds[];
extern const int cr_attachment_kind_count;

/* The Chinese label of an application status ("待审核"), or the status itself. */
const char *cr_app_status_label(const char *status);

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
/* Submits (from draft or rejected); CR_EINVAL with "missing" when incomplete. */
int cr_app_submit(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, int enterprise,
		  long long id, json_t **missing, struct cr_err *err);
int cr_app_cancel(struct cr_db *db, const struct cr_actor *actor, long long id, struct cr_err *err);
/* Deletes a draft with its attachments (files removed after the commit). */
int cr_app_delete(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long id,
		  struct cr_err *err);
/* Stores an uploaded document (already read whole); replaces the kind's previous file. */
int cr_app_attach(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id,
		  const char *kind, const void *data, size_t len, json_t **out, struct cr_err *err);
/* Reads an attachment back; *data is the caller's to free. */
int cr_app_attachment(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id,
		      const char *kind, char **data, size_t *len, char ctype[41], struct cr_err *err);

/*
 * Review (staff): approve a submitted application, creating its order with
 * the amount fixed now (order_no, amount); reject it with a reason (1..500
 * characters).  Both post a message to the customer and are audited.
 */
int cr_review_approve(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long id,
		      char order_no[9], long long *amount, struct cr_err *err);
int cr_review_reject(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason,
		     struct cr_err *err);
/* Applications in status (default submitted), oldest first, with how long each has waited. */
int cr_review_queue(struct cr_db *db, const struct cr_config *cfg, const char *status, json_t **out,
		    struct cr_err *err);

#endif
