/*
 * Error convention of the core library.
 *
 * Core functions return 0 on success or a negative CR_E* code on failure;
 * on failure they have filled the caller's struct cr_err with a human
 * message (English, for logs and the command line) and, where one input
 * field is at fault, its name.  A function that fails has not half-applied
 * its change.  Request handlers map the code to an HTTP status.
 */
#ifndef CR_ERR_H
#define CR_ERR_H

enum {
	CR_OK = 0,
	CR_EINVAL = -1,	    /* bad input */
	CR_ENOTFOUND = -2,  /* no such object */
	CR_ECONFLICT = -3,  /* duplicate or wrong state */
	CR_EAUTH = -4,	    /* bad credentials */
	CR_ETHROTTLED = -5, /* too many attempts, try later */
	CR_EDB = -6,	    /* database error */
	CR_EIO = -7,	    /* file or system error */
	CR_ENOMEM = -8,	    /* out of memory */
	CR_ERETRY = -9,	    /* transient (deadlock, lost connection): try again */
	CR_ETOOBIG = -10,   /* input over its bound */
};

struct cr_err {
	int code;
	char field[64]; /* input field at fault, or "" */
	char msg[512];
};

/* Sets err (which may be NULL) and returns code. printf-style message. */
int cr_err_set(struct cr_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As cr_err_set, naming the input field at fault. */
int cr_err_field(struct cr_err *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void cr_err_clear(struct cr_err *err);

#endif
