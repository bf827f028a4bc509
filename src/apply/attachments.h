/*
 * The documents of an application inside the wing (apply.h has storing and
 * reading them): which kinds are required, what is missing, the JSON of
 * what was uploaded and the files to remove with a draft.
 */
#ifndef CR_ATTACHMENTS_H
#define CR_ATTACHMENTS_H

#include <jansson.h>
#include <stddef.h>

#include "applications.h"
#include "apply.h"
#include "config.h"
#include "db.h"
#include "dockinds.h"

/*
 * 1 when kind k must be uploaded before a submit: attachments.required_enterprise
 * or attachments.required_individual (enterprise says which), and the licence type.
 */
int cr_attachment_required(const struct cr_config *cfg, const struct cr_doc_kind *k, const char *license_type,
                           int enterprise);
/* The required kinds as a JSON array of names. */
json_t *cr_attachments_required_json(const struct cr_config *cfg, const char *license_type, int enterprise);
/* Adds to acc (CR_EINCOMPLETE, field "attachments.KIND") every required kind not uploaded. */
int cr_attachments_missing(struct cr_db *db, const struct cr_config *cfg, long long app_id,
                           const char *license_type, int enterprise, struct cr_err *acc);
/*
 * {kind: {sha256, bytes, content_type, uploaded_at, since_rejection}} of a; a printed form also has
 * "paper", what its QR code says (cr_form_scan_json).  An empty object when it has none.
 */
json_t *cr_attachments_json(struct cr_db *db, const struct cr_app *a);

/*
 * Documents of the account's latest other application uploaded within
 * attachments.reuse_days that a (draft or rejected) lacks and can take:
 * {from, uploaded_at, kinds: [...]}, or JSON null (reuse.c).
 */
json_t *cr_attachments_reusable_json(struct cr_db *db, const struct cr_config *cfg, const struct cr_app *a,
                                     int enterprise);

/* The stored names of app_id's files (one column), to remove once their rows are gone. */
int cr_attachment_files(struct cr_db *db, long long app_id, struct cr_res *names, struct cr_err *err);
void cr_attachment_files_remove(const struct cr_config *cfg, const struct cr_res *names);

#endif
