/*
 * Invoice requests (发票): one per order, copied from the application at
 * approval; finance sees those of paid orders, marks them issued with the
 * invoice number, and exports them as CSV (UTF-8 with BOM, for Excel).
 */
#ifndef CR_INVOICES_H
#define CR_INVOICES_H

#include <stdio.h>

#include <jansson.h>

#include "audit.h"
#include "db.h"

/*
 * status: "pending", "issued" or NULL/"" for both; pending first, by the
 * time their order was paid; a page of limit after the invoice after (0:
 * from the start): {"items", "next"}.
 */
int cr_invoices_list(struct cr_db *db, const char *status, long long after, long long limit, json_t **out,
                     struct cr_err *err);
int cr_invoice_issue(struct cr_db *db, const struct cr_actor *actor, long long id, const char *invoice_no,
                     struct cr_err *err);
/* Keeps the invoice of order_id in finance's list, in its place: due when the order is paid, not before. */
int cr_invoice_due(struct cr_db *db, long long order_id, struct cr_err *err);
/*
 * The same rows as CSV, every one, written a page at a time to the stream
 * begin(arg) opens once the first page is read (not called when that
 * fails); the stream is closed here.  A failure after it began leaves the
 * export short: the caller must not present it as whole.
 */
int cr_invoices_csv(struct cr_db *db, const char *status, FILE *(*begin)(void *arg), void *arg,
                    struct cr_err *err);

#endif
