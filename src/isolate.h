/*
 * Runs a parser of hostile input in a child process under CPU, memory and
 * wall-clock limits, so that a crash, a hang or a memory bomb inside a
 * library (poppler, libjpeg-turbo) costs one child, never the worker.
 *
 * fn runs in the child with out, a descriptor to write its result to; its
 * return value is the child's exit status (0: accepted, 1: refused with a
 * reason written to out, anything else: failed).  The child never returns
 * to the caller's code: it ends with _exit, so nothing of the parent's
 * (database connections, the FastCGI socket) is closed or flushed by it.
 */
#ifndef CR_ISOLATE_H
#define CR_ISOLATE_H

#include <stddef.h>

#include "err.h"

struct cr_isolate_limits {
	unsigned cpu_seconds;
	unsigned wall_seconds;
	size_t memory;     /* bytes of address space */
	size_t max_output; /* bytes of result kept */
};

/*
 * Returns the child's exit status (0, 1, ...), with what it wrote in *out
 * (NUL-terminated, caller frees) and its length in *outlen; or -1 with err
 * set when the child was killed (crash, a limit) or could not be started.
 */
int cr_isolate(int (*fn)(int out, void *arg), void *arg, const struct cr_isolate_limits *lim, char **out,
               size_t *outlen, struct cr_err *err);

#endif
