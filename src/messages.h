/* The customer's message list: a line for every status change of their applications and orders. */
#ifndef CR_MESSAGES_H
#define CR_MESSAGES_H

#include <jansson.h>

#include "db.h"

/* Posts a message to account_id (inside the caller's transaction). */
int cr_message_post(struct cr_db *db, long long account_id, const char *kind, const char *title,
                    const char *body, const char *link, struct cr_err *err);
/*
 * The messages of account_id, newest first, a page of limit older than
 * the message after (0: from the newest), with the count of all unread:
 * {"items":[...], "next", "unread":N}.
 */
int cr_messages_list(struct cr_db *db, long long account_id, long long after, long long limit, json_t **out,
                     struct cr_err *err);
/* Marks every message of account_id read. */
int cr_messages_read_all(struct cr_db *db, long long account_id, struct cr_err *err);

#endif
