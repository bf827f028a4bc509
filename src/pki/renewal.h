/*
 * The renewal window (SPEC 9): a certificate can be renewed from
 * ca.renew_before_days before it expires until ca.renew_after_days after.
 */
#ifndef CR_RENEWAL_H
#define CR_RENEWAL_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "timefmt.h"

/*
 * 1 when a certificate in status (active, expired, issued, installed ...)
 * expiring at not_after can be renewed at now; otherwise 0 with the
 * reason, in Chinese, in reason.
 */
int cr_renewable(const struct cr_config *cfg, const char *status, time_t not_after, time_t now, char *reason,
                 size_t reasonlen);

#endif
