#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static int
err_vset(struct cr_err *err, int code, const char *field, const char *fmt, va_list ap)
{
	if (err == NULL)
		return code;
	err->code = code;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return code;
}

int
cr_err_set(struct cr_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int
cr_err_field(struct cr_err *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, code, field, fmt, ap);
	va_end(ap);
	return code;
}

void
cr_err_clear(struct cr_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->field[0] = err->msg[0] = '\0';
}
