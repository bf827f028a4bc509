/* A minimal TAP producer for the unit tests (read by automake's tap-driver.sh). */
#ifndef CR_TAP_H
#define CR_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                                                                        \
	do {                                                                                                 \
		int ok_ = (cond);                                                                            \
		printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n);                                            \
		printf(__VA_ARGS__);                                                                         \
		printf("\n");                                                                                \
		if (!ok_) {                                                                                  \
			tap_failed++;                                                                        \
			printf("#   at %s:%d\n", __FILE__, __LINE__);                                        \
		}                                                                                            \
	} while (0)

#define is_str(got, want, name)                                                                              \
	do {                                                                                                 \
		const char *g_ = (got), *w_ = (want);                                                        \
		ok(g_ &&strcmp(g_, w_) == 0, "%s", name);                                                    \
		if (!(g_ && strcmp(g_, w_) == 0))                                                            \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_);                         \
	} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
