/* The customer's message list: a line for every status change of their applications and orders. */
#ifndef CR_MESSAGES_H
#define CR_MESSAGES_H

#include <jansson.h>

#include "db.h"

/* Posts a message to account_id (inside the caller's transaction). */
int cr_message_post(struct cr_db *db, long long account_id, const char *kind, const char *title,
                    const char *body, const char *link, struct cr_err *err);
/* The newest messages of account_id, with the unread count: {"items":[...],"unread":N}. */
int cr_messages_list(struct cr_db *db, long long account_id, json_t **out, struct cr_err *err);
/* Marks every message of account_id read. */
int cr_messages_read_all(struct cr_db *db, long long account_id, struct cr_err *err);

#endif
