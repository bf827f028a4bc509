/*
 * The paper forms a customer prints, stamps and scans back (the seed's
 * 数字证书申请表, 数字证书责任书 and 授权委托书): drawn as PDF already filled
 * from the application, with the application id and a QR code of it, so
 * that the scan that comes back says which application and which printing
 * it belongs to.  The wording is the agency's: help pages named
 * "form-<kind>" (the administrator edits them like any help page).
 *
 * A form's QR code is "CERTRENEW-FORM:<application id>:<kind>:<version>";
 * the version is 8 hex digits of the SHA-256 of what the form prints of the
 * application, so a scan printed before the application changed is seen
 * to be out of date.  (cr_form_pdf and cr_form_printed, what the wing
 * offers, are declared in apply.h.)
 */
#ifndef CR_FORMS_H
#define CR_FORMS_H

#include <jansson.h>

#include "applications.h"

#define CR_FORM_QR_PREFIX "CERTRENEW-FORM:"
#define CR_FORM_QR_MAX 120 /* bytes of a QR text kept from a scan */

/* The version of what a form prints of a (8 hex digits and NUL). */
void cr_form_version(const struct cr_app *a, char out[9]);
/*
 * Of the QR codes read from a scan uploaded as application a's document of
 * kind (codes: one per line, as cr_doc_qr gives them), the one that speaks
 * of it into out: a form of this kind for a before one of this kind, before
 * one for a, before any of ours, before the first code; "" when none.
 */
void cr_form_qr_pick(const struct cr_app *a, const char *kind, const char *codes, char *out, size_t outlen);
/*
 * What the QR code read from an uploaded form (qr: its text, or NULL when
 * none was found) says of application a's document of kind:
 * {"state": "ok" | "other_application" | "other_form" | "outdated" |
 * "not_ours" | "none", "application_id", "kind", "message"}.
 */
json_t *cr_form_scan_json(const struct cr_app *a, const char *kind, const char *qr);

#endif
