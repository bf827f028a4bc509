/*
 * The rules by which an application is approved without a person (issue
 * 25): one row the administrator sets (table approval_rules), off until
 * turned on; what certrenew.conf's [review] sets stands in place of the
 * row's (the same on every host, not changed on the page).  autoapprove.c
 * applies them.
 */
#ifndef CR_RULES_H
#define CR_RULES_H

#include <jansson.h>

#include "config.h"
#include "db.h"

#define CR_RULES_KINDS_MAX 400 /* bytes of the list of fresh kinds */

/* The rules, each a bit of cr_rules.pinned when certrenew.conf's [review] sets it. */
enum {
	CR_RULE_ENABLED = 1,
	CR_RULE_REUSE_DAYS = 2,
	CR_RULE_FRESH_KINDS = 4,
	CR_RULE_MAX_YEARS = 8,
	CR_RULE_MAX_CENTRES = 16,
	CR_RULE_MAX_AMOUNT = 32,
};

struct cr_rules {
	int enabled;
	long long reuse_days;                 /* since the last approval by a person */
	char fresh_kinds[CR_RULES_KINDS_MAX]; /* uploaded anew for every renewal, comma-separated */
	long long max_years, max_centres, max_amount_fen;
	unsigned pinned; /* CR_RULE_* set by the configuration: shown, not changed on the page */
};

/*
 * The rules in force: the administrator's (table approval_rules; off, with
 * the product's defaults, when the row cannot be read), with what cfg's
 * [review] sets in their place.
 */
void cr_rules_load(struct cr_db *db, const struct cr_config *cfg, struct cr_rules *r);
/* {enabled, reuse_days, fresh_kinds: [...], max_years, max_centres, max_amount_fen, pinned: [names]} */
json_t *cr_rules_json(const struct cr_rules *r);
/*
 * The account's newest application a person approved (other than not_id):
 * *id (0 when none), days since in *age, when (ISO) and by whom.
 */
int cr_rules_prior(struct cr_db *db, long long account_id, long long not_id, long long *id, long long *age,
                   char at[24], char reviewer[128], struct cr_err *err);
/*
 * After a submit (autoapprove.c): when the rules are on, judges application
 * id, keeps the verdict with it and approves it when every condition holds.
 * Never fails the submit: what goes wrong is logged and the application
 * waits for a person.
 */
void cr_auto_approve(struct cr_db *db, const struct cr_config *cfg, long long id);

#endif
