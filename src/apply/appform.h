/*
 * The renewal wizard's form (SPEC 6): the table of its text fields, with
 * their labels, bounds, checks and when each is required, and the merge of
 * a JSON body into an application.
 *
 * Validation reports every invalid member at once: err collects one item
 * per field at fault (see err.h), with a Chinese message for people.
 */
#ifndef CR_APPFORM_H
#define CR_APPFORM_H

#include <jansson.h>

#include "config.h"
#include "db.h"

#define CR_FORM_FIELDS 18
#define CR_FORM_BYTES (4 * 254 + 1) /* the longest field in UTF-8, plus NUL */
#define CR_FORM_MAX_CENTRES 32

/* Indexes of the fields other code reads by meaning. */
enum {
	CR_FORM_LICENSE_TYPE = 7,
	CR_FORM_INVOICE_TYPE = 9,
	CR_FORM_DELIVERY_METHOD = 16,
};

/* What an application holds of the form; "" is an empty field. */
struct cr_appform {
	char f[CR_FORM_FIELDS][CR_FORM_BYTES];
	long long certificate_id;
	long long years;
	long long centres[CR_FORM_MAX_CENTRES];
	int ncentres;
};

/* Which members a merge was given. */
struct cr_appform_given {
	int certificate_id;
	int centres;
};

/*
 * Validates every member of in and merges them into form (nothing is
 * written to the database).  Unknown members are refused, so that a typo
 * is not silently dropped.  On CR_EINVAL form may be half-merged: the
 * caller discards it.
 */
int cr_appform_merge(struct cr_db *db, const struct cr_config *cfg, struct cr_appform *form, json_t *in,
                     struct cr_appform_given *given, struct cr_err *err);
/* Adds to acc (code CR_EINCOMPLETE) every field still empty that a submit needs. */
void cr_appform_missing(const struct cr_appform *form, int enterprise, struct cr_err *acc);
/* Sets the text fields in o (top-level members, "invoice" and "delivery" objects). */
void cr_appform_to_json(const struct cr_appform *form, json_t *o);
/* The value to store for field i: NULL for an empty choice, else the text. */
const char *cr_appform_value(const struct cr_appform *form, int i);

#endif
