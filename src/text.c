#include <string.h>

#include "text.h"
#include "utf8.h"

int
cr_check_text(const char *s, const char *field, const char *label, long maxchars, int required,
              struct cr_err *err)
{
	long n = cr_utf8_chars(s, strlen(s));

	if (n < 0 || !cr_utf8_printable(s))
		return cr_err_user(err, CR_EINVAL, field, "%s含有无效字符", label);
	if (n == 0 && required)
		return cr_err_user(err, CR_EINVAL, field, "请填写%s", label);
	if (n > maxchars)
		return cr_err_user(err, CR_EINVAL, field, "%s最多 %ld 个字符", label, maxchars);
	if (n > 0 && (s[0] == ' ' || s[strlen(s) - 1] == ' '))
		return cr_err_user(err, CR_EINVAL, field, "%s首尾不能有空格", label);
	return 0;
}
