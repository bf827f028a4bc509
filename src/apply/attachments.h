/*
 * The scanned documents of an application (SPEC 6): their kinds, which are
 * required, storing an upload (judged by content, see upload.h) and reading
 * it back.  Files live under attachments.dir with a random name; the table
 * attachments names them.  A customer reaches only their own (account_id),
 * staff (account_id 0) any.
 */
#ifndef CR_ATTACHMENTS_H
#define CR_ATTACHMENTS_H

#include <jansson.h>
#include <stddef.h>

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
/* {kind: {sha256, bytes, content_type, uploaded_at}} of app_id; an empty object when it has none. */
json_t *cr_attachments_json(struct cr_db *db, long long app_id);

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
/* The stored names of app_id's files (one column), to remove once their rows are gone. */
int cr_attachment_files(struct cr_db *db, long long app_id, struct cr_res *names, struct cr_err *err);
void cr_attachment_files_remove(const struct cr_config *cfg, const struct cr_res *names);
/* 1 when a row names the stored file name (or when the database cannot tell): the sweep keeps it. */
int cr_attachment_referenced(const char *name, void *db);

#endif
