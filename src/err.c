#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "utf8.h"

void
cr_err_clear(struct cr_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->msg[0] = err->user[0] = err->field[0] = '\0';
	err->nfields = 0;
}

/* Copies src into dst (size bytes), cut at a UTF-8 character boundary so that the text stays valid. */
static void
copy_text(char *dst, size_t size, const char *src)
{
	cr_utf8_copy(dst, size, src, strlen(src));
}

static void
add_field(struct cr_err *err, const char *field, const char *user)
{
	struct cr_err_item *it;

	if (field == NULL || *field == '\0' || err->nfields == CR_ERR_FIELDS)
		return;
	it = &err->fields[err->nfields++];
	copy_text(it->field, sizeof it->field, field);
	copy_text(it->user, sizeof it->user, user);
}

int
cr_err_set(struct cr_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	cr_err_clear(err);
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

int
cr_err_user(struct cr_err *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	cr_err_clear(err);
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->user, sizeof err->user, fmt, ap);
	va_end(ap);
	copy_text(err->user, sizeof err->user, err->user); /* a cut character is dropped whole */
	if (field && *field) {
		copy_text(err->field, sizeof err->field, field);
		copy_text(err->msg, sizeof err->msg, field);
		strcat(err->msg, ": ");
		copy_text(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg), err->user);
		add_field(err, field, err->user);
	} else {
		copy_text(err->msg, sizeof err->msg, err->user);
	}
	return code;
}

int
cr_err_add(struct cr_err *err, const struct cr_err *one)
{
	if (err == NULL)
		return one->code;
	if (err->code == 0) {
		err->code = one->code;
		memcpy(err->msg, one->msg, sizeof err->msg);
		memcpy(err->user, one->user, sizeof err->user);
		memcpy(err->field, one->field, sizeof err->field);
	}
	for (int i = 0; i < one->nfields; i++)
		add_field(err, one->fields[i].field, one->fields[i].user);
	return err->code;
}

int
cr_errno_code(int e)
{
	return e == ENOSPC || e == EDQUOT ? CR_ENOSPACE : CR_EIO;
}
