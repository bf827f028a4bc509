/*
 * The books, proved (issue 19): every fen that reached the agency is in
 * exactly one place finance can see.  Each check is one read-only query
 * over orders, payments, bank credits, online payments and refunds,
 * answering the rows that break it; `certrenewctl ledger check` runs them
 * all and the test suite ends with it.
 */
#ifndef CR_LEDGER_H
#define CR_LEDGER_H

#include <jansson.h>

#include "db.h"

/*
 * Runs every check inside one consistent snapshot.  *out (a new reference):
 * {"ok": bool, "checks": [{"name", "what", "violations"}], "violations":
 * [{"check", "subject", "detail"}]} with at most max violations listed (all
 * are counted).
 */
int cr_ledger_check(struct cr_db *db, long long max, json_t **out, struct cr_err *err);

#endif
