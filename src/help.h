/*
 * Help pages (table help_pages): guidance the administrator edits in the
 * browser, without a rebuild: the seed's steps after payment.  The body is
 * plain text with a little markup, drawn by the page (never as HTML).
 */
#ifndef CR_HELP_H
#define CR_HELP_H

#include <jansson.h>

#include "audit.h"
#include "db.h"

#define CR_HELP_TITLE_MAX 100  /* characters */
#define CR_HELP_BODY_MAX 16000 /* bytes */

/* {name, title, body, updated_at, updated_by}; CR_ENOTFOUND for an unknown page. */
int cr_help_get(struct cr_db *db, const char *name, json_t **out, struct cr_err *err);
/* Replaces a page's title and body (both checked), audited by actor with before and after. */
int cr_help_update(struct cr_db *db, const struct cr_actor *actor, const char *name, const char *title,
                   const char *body, struct cr_err *err);

#endif
