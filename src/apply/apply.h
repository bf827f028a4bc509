/*
 * The application wing's public interface: a customer's renewal
 * applications (applications.c), their scanned documents (attachments.c)
 * and the staff's review (review.c).  The form's fields, the checks of
 * identifiers and documents and the PDF preview are the wing's own.
 */
#ifndef CR_APPLY_H
#define CR_APPLY_H

#include <jansson.h>
#include <stddef.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "search.h"

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
/* Customer actions take the customer as actor (actor->id is the account). */
int cr_app_create(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, json_t *in,
                  long long *id, struct cr_err *err);
int cr_app_patch(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id,
                 json_t *in, struct cr_err *err);
/* The full application (SPEC 10 fields, plus missing, history, required_attachments). */
int cr_app_get(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long id,
               json_t **out, struct cr_err *err);
/* Which of an account's applications a list shows. */
struct cr_app_query {
	const char *period; /* "3m" (NULL, "") or "all" */
	const char *status; /* NULL/"" for all, or one status */
	const struct cr_search
	    *s;                 /* an application's number (#12), an order's, or a name in it; NULL: none */
	const char *from, *to;  /* made on or after the day from, before the day to (Asia/Shanghai,
	                           cr_search_days); "" none */
	long long after, limit; /* the page: older than the application after (0: the newest) */
};
/* The account's applications q names, newest first: {"items", "next"}. */
int cr_app_list(struct cr_db *db, const struct cr_config *cfg, long long account_id,
                const struct cr_app_query *q, json_t **out, struct cr_err *err);
/*
 * Copies into the actor's application id the documents its earlier
 * application from offers (uploaded within attachments.reuse_days, of
 * kinds id lacks; the application's "reusable"); *copied: how many.
 * CR_ECONFLICT when it offers none.  Each file is stored again.
 */
int cr_attachments_reuse(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                         long long id, long long from, int *copied, struct cr_err *err);
/*
 * Submits (from draft or rejected); CR_EINCOMPLETE naming every missing
 * field or attachment.  seen_fen: the price the customer was shown (-1:
 * not said); when the price in force differs, CR_ECONFLICT on "price_fen"
 * and nothing changes.  The price is kept: approval makes the order for it.
 */
int cr_app_submit(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, int enterprise,
                  long long id, long long seen_fen, struct cr_err *err);
int cr_app_cancel(struct cr_db *db, const struct cr_actor *actor, long long id, struct cr_err *err);
/* Deletes a draft with its attachments (files removed after the commit). */
int cr_app_delete(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, long long id,
                  struct cr_err *err);

/*
 * The scanned documents of an application (SPEC 6), judged by content when
 * stored (upload.h, then doccheck.c's parsers) and kept under
 * attachments.dir with a random name.  A customer reaches only their own
 * (account_id), staff (account_id 0) any.
 */
/*
 * Stores an uploaded document (already read whole) for an editable
 * application; replaces the kind's previous file.  A file that is not a
 * JPEG or PDF is CR_EBADFILE naming "attachments.KIND".  *out: {kind,
 * sha256, bytes, content_type}.
 */
int cr_attachment_put(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long app_id,
                      const char *kind, const void *data, size_t len, json_t **out, struct cr_err *err);
/* Reads an attachment back; *data is the caller's to free; ctype its media type. */
int cr_attachment_get(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long app_id,
                      const char *kind, char **data, size_t *len, char ctype[41], struct cr_err *err);
/*
 * The picture of an attachment the review page shows: a PDF's first page
 * drawn as a PNG (ctype "image/png", rendered in a child process), a JPEG
 * as it is.  As cr_attachment_get otherwise.
 */
int cr_attachment_preview(struct cr_db *db, const struct cr_config *cfg, long long account_id,
                          long long app_id, const char *kind, char **data, size_t *len, char ctype[41],
                          struct cr_err *err);
/*
 * Approval by rule (rules.c, autoapprove.c): the rules as JSON
 * ({enabled, reuse_days, fresh_kinds, max_years, max_centres,
 * max_amount_fen, pinned, updated_at, updated_by}); set from a JSON object of
 * any of them (each checked, all faults named, a rule the configuration pins
 * refused unless unchanged; audited as rules.update).
 */
int cr_rules_get(struct cr_db *db, const struct cr_config *cfg, json_t **out, struct cr_err *err);
int cr_rules_set(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor, json_t *in,
                 json_t **out, struct cr_err *err);
/*
 * A reviewer withdraws the rules' approval of application id while its
 * order awaits payment with nothing paid and no online payment begun: the
 * order is cancelled, the certificate freed for a new application (which
 * a person reviews), the customer told why.  CR_ECONFLICT with the reason
 * otherwise.
 */
int cr_review_withdraw(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason,
                       struct cr_err *err);
/* The applications the rules approved submitted in the last days, newest first, paged by id (after). */
int cr_review_rule_list(struct cr_db *db, long long days, long long after, long long limit, json_t **out,
                        struct cr_err *err);
/* 1 when documents of kind are forms certrenew prints filled (and reads the QR code of). */
int cr_form_printed(const char *kind);
/*
 * The printed form kind ("application_form", "responsibility_letter",
 * "power_of_attorney") of application app_id (of account_id, or any for 0),
 * filled from the application, with its id and a QR code of it, as a PDF in
 * *pdf (caller frees) named filename (forms.c).  CR_ENOTFOUND for a kind not
 * printed; CR_EINVAL for one not for the account (individuals have no 授权委托书).
 */
int cr_form_pdf(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long app_id,
                const char *kind, char **pdf, size_t *len, char filename[128], struct cr_err *err);
/* 1 when a row names the stored file name (or when the database cannot tell): the sweep keeps it. */
int cr_attachment_referenced(const char *name, void *db);

/*
 * Review (staff, SPEC 4): the queue of applications waiting, approval
 * (which creates the order with the amount fixed now) and rejection with a
 * reason (1..500 characters).  Both move the application through
 * cr_app_transition, post a message to the customer and are audited.
 */
int cr_review_approve(struct cr_db *db, const struct cr_config *cfg, const struct cr_actor *actor,
                      long long id, char order_no[9], long long *amount, struct cr_err *err);
int cr_review_reject(struct cr_db *db, const struct cr_actor *actor, long long id, const char *reason,
                     struct cr_err *err);
/*
 * Applications in status (default submitted), oldest first, with how long
 * each has waited, a page of limit after the application after (0: from
 * the start): {"items":[...], "next"}.
 */
/*
 * Deletes the documents of applications past their retention (drafts
 * untouched retention.draft_days, rejected or cancelled ones
 * retention.closed_days; never sooner than attachments.reuse_days), each
 * with its audit row; alive(arg) between applications (a job's heartbeat;
 * NULL: none).  *apps: how many.  Idempotent.
 */
int cr_retention_purge(struct cr_db *db, const struct cr_config *cfg,
                       int (*alive)(void *arg, struct cr_err *err), void *arg, long long *apps,
                       struct cr_err *err);
int cr_review_queue(struct cr_db *db, const struct cr_config *cfg, const char *status,
                    const struct cr_search *s, long long after, long long limit, json_t **out,
                    struct cr_err *err);

#endif
