/* The error contract (err.h): a log message and a user message kept apart, every field at fault collected. */
#include <stdlib.h>
#include <string.h>

#include "daemon/jobkinds.h"
#include "err.h"
#include "jobs.h"
#include "tap.h"

/* 1 when s is valid UTF-8. */
static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80             ? 0
		        : (*p & 0xE0) == 0xC0 ? 1
		        : (*p & 0xF0) == 0xE0 ? 2
		        : (*p & 0xF8) == 0xF0 ? 3
		                              : -1;

		if (n < 0)
			return 0;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

int
main(void)
{
	struct cr_err err, one, acc;
	char long_text[1200];

	ok(cr_err_set(&err, CR_EDB, "db: connect to %s: refused", "/run/x.sock") == CR_EDB &&
	       err.code == CR_EDB,
	   "a system error keeps its code");
	ok(strstr(err.msg, "refused") && err.user[0] == '\0' && err.nfields == 0,
	   "a system error has a log message and no message for people");

	ok(cr_err_user(&err, CR_EINVAL, "phone", "请输入正确的%s", "手机号") == CR_EINVAL,
	   "a refusal keeps its code");
	is_str(err.user, "请输入正确的手机号", "the user message is the Chinese text");
	is_str(err.field, "phone", "the field at fault is named");
	ok(strstr(err.msg, "phone") && strstr(err.msg, "手机号"), "the log message names the field: %s",
	   err.msg);
	ok(err.nfields == 1 && strcmp(err.fields[0].field, "phone") == 0, "the field is listed once");

	cr_err_user(&err, CR_ECONFLICT, NULL, "申请当前状态为“待审核”，不能修改");
	ok(err.field[0] == '\0' && err.nfields == 0 && strstr(err.user, "不能修改"),
	   "a refusal without a field lists none");

	cr_err_clear(&acc);
	cr_err_user(&one, CR_EINVAL, "license_no", "校验位不正确");
	cr_err_add(&acc, &one);
	cr_err_user(&one, CR_EINVAL, "email", "邮箱格式不正确");
	cr_err_add(&acc, &one);
	cr_err_user(&one, CR_EINVAL, "invoice.tax_no", "纳税人识别号不正确");
	ok(cr_err_add(&acc, &one) == CR_EINVAL, "collecting returns the first code");
	ok(acc.nfields == 3 && strcmp(acc.fields[0].field, "license_no") == 0 &&
	       strcmp(acc.fields[1].field, "email") == 0 &&
	       strcmp(acc.fields[2].field, "invoice.tax_no") == 0,
	   "every field at fault is collected, in order");
	is_str(acc.field, "license_no", "the first field is the one named alone");
	is_str(acc.user, "校验位不正确", "the first message is the one shown alone");

	cr_err_clear(&acc);
	for (int i = 0; i < CR_ERR_FIELDS + 5; i++) {
		cr_err_user(&one, CR_EINVAL, "f", "x");
		cr_err_add(&acc, &one);
	}
	ok(acc.nfields == CR_ERR_FIELDS, "the list is bounded (%d)", acc.nfields);

	/* A message longer than the buffer is cut at a character, never inside one. */
	memset(long_text, 0, sizeof long_text);
	for (size_t i = 0; i + 3 < sizeof long_text - 1; i += 3)
		memcpy(long_text + i, "字", 3);
	cr_err_user(&err, CR_EINVAL, "name", "a%s", long_text);
	ok(strlen(err.user) < sizeof err.user && valid_utf8(err.user),
	   "a long user message stays valid UTF-8");
	ok(valid_utf8(err.fields[0].user) && valid_utf8(err.msg), "and so do its copies");

	ok(cr_err_set(NULL, CR_EIO, "nobody asked") == CR_EIO &&
	       cr_err_user(NULL, CR_EINVAL, "f", "x") == CR_EINVAL,
	   "a NULL err is allowed and the code still returned");

	ok(cr_jobkinds_check() == 0, "every job kind has a handler in the daemon, and every handler a kind");
	ok(cr_job_kind_known("probe") && !cr_job_kind_known("no_such_kind"), "job kinds are known by name");

	return tap_done();
}
