/*
 * Free text typed by people (names, reasons, remarks): the one check every
 * form field of plain text passes, whichever part of the product asks.
 */
#ifndef CR_TEXT_H
#define CR_TEXT_H

#include "err.h"

/*
 * 0 when s is 1..maxchars characters (0..maxchars when not required) of
 * printable UTF-8 without leading or trailing spaces; else CR_EINVAL with a
 * Chinese message naming label, for the JSON field field.
 */
int cr_check_text(const char *s, const char *field, const char *label, long maxchars, int required,
                  struct cr_err *err);

#endif
