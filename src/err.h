/*
 * Error convention of the core library.
 *
 * Core functions return 0 on success or a negative CR_E* code on failure.
 * On failure they have filled the caller's struct cr_err (which may be NULL
 * when the caller does not care why) and have not half-applied their change.
 *
 * A struct cr_err carries two messages, for two readers:
 *  - msg:  for logs and the command line.  Always set.  English for
 *          failures of the system (database, files, bugs); for a refusal of
 *          the user's input it quotes the user message, prefixed with the
 *          field at fault.  Never holds a secret.
 *  - user: for the person in front of the browser, in Simplified Chinese,
 *          shown as it is.  "" when the failure is not theirs to fix: the
 *          HTTP layer then answers with its own text for the code (and logs
 *          msg when the status is 5xx).
 * Input errors also name the fields at fault: field is the first, and
 * fields[] lists every one of them, so that a form can mark all its wrong
 * fields after one round trip (cr_err_add collects them).
 */
#ifndef CR_ERR_H
#define CR_ERR_H

enum {
	CR_OK = 0,
	CR_EINVAL = -1,       /* bad input */
	CR_ENOTFOUND = -2,    /* no such object */
	CR_ECONFLICT = -3,    /* duplicate or wrong state */
	CR_EAUTH = -4,        /* bad credentials */
	CR_ETHROTTLED = -5,   /* too many attempts, try later */
	CR_EDB = -6,          /* database error */
	CR_EIO = -7,          /* file or system error */
	CR_ENOMEM = -8,       /* out of memory */
	CR_ERETRY = -9,       /* transient (deadlock, lost connection): try again */
	CR_ETOOBIG = -10,     /* input over its bound */
	CR_EINCOMPLETE = -11, /* an object lacks what the action needs (fields[]: what is missing) */
	CR_EBADFILE = -12,    /* an uploaded file is not what it claims to be */
	CR_EUPSTREAM = -13,   /* a service outside (a payment provider) failed or did not answer */
	CR_ENOSPACE = -14,    /* the disk (or quota) is full: nothing was kept, try again later */
};

#define CR_ERR_FIELDS 32
#define CR_ERR_FIELD_MAX 64

struct cr_err_item {
	char field[CR_ERR_FIELD_MAX]; /* JSON name: "phone", "invoice.tax_no", "attachments.company_seal" */
	char user[192];               /* Chinese, for people */
};

struct cr_err {
	int code;
	char msg[512];                /* for logs (see above) */
	char user[512];               /* for people, or "" */
	char field[CR_ERR_FIELD_MAX]; /* first field at fault, or "" */
	int nfields;
	struct cr_err_item fields[CR_ERR_FIELDS];
};

/* A failure of the system: sets msg only (printf-style) and returns code. */
int cr_err_set(struct cr_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * A refusal the user can act on: sets user (Chinese, printf-style), the
 * field at fault (NULL or "" for none) and msg ("field: user"); returns code.
 */
int cr_err_user(struct cr_err *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/*
 * Collects one more error into err: the first one added sets code, msg,
 * user and field; every one adds its field (when it has one) to fields[].
 * Returns err's code.
 */
int cr_err_add(struct cr_err *err, const struct cr_err *one);
void cr_err_clear(struct cr_err *err);

/* The code of a failed file operation's errno: CR_ENOSPACE for a full disk or quota, else CR_EIO. */
int cr_errno_code(int e);

#endif
