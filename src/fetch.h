/*
 * Outbound HTTPS to the payment providers (libcurl): certificate checks on,
 * a connect time-out of CR_FETCH_CONNECT_MS and a total one of
 * CR_FETCH_TOTAL_MS (a FastCGI worker never waits longer), the answer
 * bounded to CR_FETCH_MAX bytes, and the providers' signature headers kept.
 */
#ifndef CR_FETCH_H
#define CR_FETCH_H

#include <stddef.h>

#include "err.h"

#define CR_FETCH_CONNECT_MS 3000
#define CR_FETCH_TOTAL_MS 10000
#define CR_FETCH_MAX (256 * 1024)

struct cr_fetch {
	long status;
	char *body; /* NUL-terminated, the caller's to free */
	size_t len;
	/* Wechatpay-Timestamp, -Nonce, -Signature, -Serial of the answer. */
	char wp_timestamp[32], wp_nonce[64], wp_signature[1024], wp_serial[128];
};

/*
 * method to url with the extra header lines (NULL-terminated array, may be
 * NULL) and body (may be NULL); fills out.  CR_EUPSTREAM with a reason
 * when the exchange fails (no answer, time-out, certificate, too large: the
 * outcome is unknown, ask again); an answer of any status is 0.
 */
int cr_fetch(const char *method, const char *url, const char *const *headers, const char *body,
             struct cr_fetch *out, struct cr_err *err);
void cr_fetch_release(struct cr_fetch *f);

#endif
