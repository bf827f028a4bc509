#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "idcheck.h"

/* The 31 characters of GB 32100 (no I, O, S, V, Z). */
static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

/* Copies s without spaces and hyphens, upper-cased, into out; -1 if too long. */
static int
squeeze(const char *s, char *out, size_t outlen, int keep_hyphen)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ' ' || (*s == '-' && !keep_hyphen))
			continue;
		if (n + 1 >= outlen)
			return -1;
		out[n++] = (char)toupper((unsigned char)*s);
	}
	out[n] = '\0';
	return 0;
}

int
cr_check_uscc(const char *s, const char *field, char *out, size_t outlen, struct cr_err *err)
{
	char v[32];
	int sum = 0, check;

	if (squeeze(s, v, sizeof v, 0) != 0 || strlen(v) != 18)
		return cr_err_user(err, CR_EINVAL, field, "统一社会信用代码应为 18 位");
	for (int i = 0; i < 18; i++)
		if (strchr(uscc_chars, v[i]) == NULL)
			return cr_err_user(err, CR_EINVAL, field, "统一社会信用代码第 %d 位“%c”不是有效字符",
			                   i + 1, v[i]);
	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(uscc_chars, v[i]) - uscc_chars) * uscc_weights[i];
	check = (31 - sum % 31) % 31;
	if (v[17] != uscc_chars[check])
		return cr_err_user(err, CR_EINVAL, field, "统一社会信用代码校验位不正确，请核对");
	if (out)
		snprintf(out, outlen, "%s", v);
	return 0;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
cr_check_id_card(const char *s, const char *field, char *out, size_t outlen, struct cr_err *err)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char checks[] = "10X98765432";
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, sum = 0, dim;
	struct tm tm;
	time_t now;
	char v[32];

	if (squeeze(s, v, sizeof v, 0) != 0 || strlen(v) != 18)
		return cr_err_user(err, CR_EINVAL, field, "身份证号应为 18 位");
	for (int i = 0; i < 17; i++)
		if (!isdigit((unsigned char)v[i]))
			return cr_err_user(err, CR_EINVAL, field, "身份证号前 17 位应为数字");
	if (!isdigit((unsigned char)v[17]) && v[17] != 'X')
		return cr_err_user(err, CR_EINVAL, field, "身份证号最后一位应为数字或 X");
	if (v[0] < '1' || v[0] > '9')
		return cr_err_user(err, CR_EINVAL, field, "身份证号地区码不正确");
	y = (v[6] - '0') * 1000 + (v[7] - '0') * 100 + (v[8] - '0') * 10 + (v[9] - '0');
	m = (v[10] - '0') * 10 + (v[11] - '0');
	d = (v[12] - '0') * 10 + (v[13] - '0');
	now = time(NULL);
	gmtime_r(&now, &tm);
	if (m < 1 || m > 12 || y < 1900)
		return cr_err_user(err, CR_EINVAL, field, "身份证号中的出生日期不正确");
	dim = mdays[m - 1] + (m == 2 && leap(y));
	if (d < 1 || d > dim)
		return cr_err_user(err, CR_EINVAL, field, "身份证号中的出生日期不正确");
	if (y * 10000 + m * 100 + d > (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday)
		return cr_err_user(err, CR_EINVAL, field, "身份证号中的出生日期晚于今天");
	for (int i = 0; i < 17; i++)
		sum += (v[i] - '0') * w[i];
	if (v[17] != checks[sum % 11])
		return cr_err_user(err, CR_EINVAL, field, "身份证号校验位不正确，请核对");
	if (out)
		snprintf(out, outlen, "%s", v);
	return 0;
}

static int
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

int
cr_check_phone(const char *s, const char *field, char *out, size_t outlen, struct cr_err *err)
{
	char v[40], local[48], *p = v;
	int intl = 0;
	size_t n;

	if (squeeze(s, v, sizeof v, 1) != 0)
		return cr_err_user(err, CR_EINVAL, field, "电话号码过长");
	if (strncmp(p, "+86", 3) == 0)
		p += 3, intl = 1;
	else if (strncmp(p, "0086", 4) == 0)
		p += 4, intl = 1;
	if (*p == '-')
		p++;
	n = strlen(p);
	/* Mobile: 11 digits starting 13-19. */
	if (n == 11 && all_digits(p, n) && p[0] == '1' && p[1] >= '3' && p[1] <= '9') {
		if (out)
			snprintf(out, outlen, "%s", p);
		return 0;
	}
	/* Written internationally, a landline drops its trunk 0 (+86 931 2909277). */
	if (intl && p[0] >= '2' && p[0] <= '9') {
		snprintf(local, sizeof local, "0%s", p);
		p = local;
		n = strlen(p);
	}
	/* Landline: 0 + area code (010, 02x, or 0 + three digits), 7-8 digit number, optional extension. */
	if (p[0] == '0' && p[1] >= '1' && p[1] <= '9') {
		const char *dash = strchr(p, '-');
		char num[48];
		size_t area, rest;

		if (dash) {
			area = (size_t)(dash - p);
			snprintf(num, sizeof num, "%s", dash + 1);
		} else {
			area = (p[1] == '1' || p[1] == '2') ? 3 : 4;
			if (n <= area)
				goto bad;
			snprintf(num, sizeof num, "%s", p + area);
		}
		if (area < 3 || area > 4 || !all_digits(p, area))
			goto bad;
		{
			char *ext = strchr(num, '-');

			if (ext) {
				*ext++ = '\0';
				if (!all_digits(ext, strlen(ext)) || strlen(ext) > 6)
					goto bad;
			}
			rest = strlen(num);
			if ((rest == 7 || rest == 8) && all_digits(num, rest) && num[0] != '0' &&
			    num[0] != '1') {
				if (out)
					snprintf(out, outlen, "%s", p);
				return 0;
			}
		}
	}
bad:
	return cr_err_user(err, CR_EINVAL, field, "请填写正确的手机号（11 位）或固定电话（如 0931-2909277）");
}

int
cr_check_email(const char *s, const char *field, struct cr_err *err)
{
	const char *at = strchr(s, '@'), *dot;
	size_t n = strlen(s);

	if (n == 0 || n > 254 || at == NULL || at == s || strchr(at + 1, '@') || at - s > 64)
		goto bad;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("()<>[]\\,;:\"", *p))
			goto bad;
	dot = strrchr(at + 1, '.');
	if (dot == NULL || dot == at + 1 || strlen(dot + 1) < 2 || strstr(at + 1, "..") || at[1] == '-' ||
	    s[n - 1] == '.' || s[0] == '.' || at[-1] == '.')
		goto bad;
	for (const char *p = at + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			goto bad;
	return 0;
bad:
	return cr_err_user(err, CR_EINVAL, field, "请填写正确的电子邮箱，如 name@example.com");
}

int
cr_check_tax_no(const char *s, const char *field, char *out, size_t outlen, struct cr_err *err)
{
	char v[32];
	size_t n;

	if (squeeze(s, v, sizeof v, 0) != 0)
		goto bad;
	n = strlen(v);
	if (n == 18)
		return cr_check_uscc(v, field, out, outlen, err);
	if (n != 15 && n != 17 && n != 20)
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]))
			goto bad;
	if (out)
		snprintf(out, outlen, "%s", v);
	return 0;
bad:
	return cr_err_user(err, CR_EINVAL, field, "纳税人识别号应为 15、17、18 或 20 位字母和数字");
}
