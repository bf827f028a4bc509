/*
 * The kinds of document an application can carry (SPEC 6), in the wizard's
 * order: reference data that the configuration (attachments.required_*),
 * the settings the browser reads and the application wing all name.
 */
#ifndef CR_DOCKINDS_H
#define CR_DOCKINDS_H

#include <stddef.h>

/* Who a document kind is for. */
enum { CR_FOR_ENTERPRISE = 1, CR_FOR_INDIVIDUAL = 2, CR_FOR_BOTH = 3 };

struct cr_doc_kind {
	const char *kind;
	const char *label;            /* as an enterprise knows it */
	const char *label_individual; /* as a person knows it (NULL: the same) */
	int separate_only;            /* only for license_type "separate" */
	int audience;                 /* CR_FOR_* */
	int optional;                 /* asked for only where configured by name ("all" leaves it out) */
};
extern const struct cr_doc_kind cr_doc_kinds[];
extern const int cr_doc_kind_count;

/* The kind named kind, or NULL. */
const struct cr_doc_kind *cr_doc_kind_find(const char *kind);
/* 1 when kind is an item of a list of kinds (names separated by commas or spaces). */
int cr_doc_kinds_listed(const char *list, const char *kind);
/*
 * Checks a configured list of kinds ("all", or names separated by commas or
 * spaces): 0, or -1 with the first unknown name in why.
 */
int cr_doc_kinds_check_list(const char *list, char *why, size_t whylen);

#endif
