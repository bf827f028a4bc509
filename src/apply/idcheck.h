/*
 * Checks of Chinese identifiers and contact details, as the wizard's step 1
 * needs them.  Each returns 0 when valid, or CR_EINVAL with a Chinese
 * message naming field (the JSON field name the caller passes).
 * Normalising variants write the canonical form into out (size outlen).
 */
#ifndef CR_IDCHECK_H
#define CR_IDCHECK_H

#include <stddef.h>

#include "err.h"

/* Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters, check character. */
int cr_check_uscc(const char *s, const char *field, char *out, size_t outlen, struct cr_err *err);
/* Resident identity card number, GB 11643-1999: 18 characters, real birth date, check digit. */
int cr_check_id_card(const char *s, const char *field, char *out, size_t outlen, struct cr_err *err);
/* Mainland mobile (1[3-9] + 9 digits, optional +86) or landline (0 + area code, 7-8 digits, optional
 * extension). */
int cr_check_phone(const char *s, const char *field, char *out, size_t outlen, struct cr_err *err);
int cr_check_email(const char *s, const char *field, struct cr_err *err);
/* Taxpayer identification number: a USCC, or 15, 17 or 20 letters and digits. */
int cr_check_tax_no(const char *s, const char *field, char *out, size_t outlen, struct cr_err *err);

#endif
