/*
 * The state machines of SPEC 4 and what the pages call each state: one
 * table, sent to the pages in GET /api/v1/settings ("status_labels") and
 * with every object ("status_label"), so the browser keeps no copy.
 */
#ifndef CR_STATUS_H
#define CR_STATUS_H

#include <jansson.h>

enum cr_machine {
	CR_SM_APPLICATION,
	CR_SM_ORDER,
	CR_SM_CERTIFICATE,
	CR_SM_INVOICE,
	CR_SM_STATEMENT,
	CR_SM_CREDIT,
	CR_SM_ROLE,         /* not state machines, but labelled the same way: roles, */
	CR_SM_AUDIT_ACTION, /* the audit log's actions, */
	CR_SM_AUDIT_OBJECT, /* the kinds of object they touch */
	CR_SM_AUDIT_FIELD,  /* and the fields of their before and after */
	CR_SM_COUNT
};

/* The Chinese label of status in machine m ("待审核"), or status itself when unknown. */
const char *cr_status_label(enum cr_machine m, const char *status);
/* 1 when status is a state of machine m. */
int cr_status_known(enum cr_machine m, const char *status);
/* {"application": {"draft": "草稿", ...}, "order": {...}, ...}: a new reference. */
json_t *cr_status_labels_json(void);

#endif
