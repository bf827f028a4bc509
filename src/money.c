#include <stdio.h>
#include <string.h>

#include "money.h"

void
cr_money_format(long long fen, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%lld.%02lld", fen < 0 ? "-" : "", (fen < 0 ? -fen : fen) / 100,
	         (fen < 0 ? -fen : fen) % 100);
}

int
cr_money_parse(const char *s, long long *fen, int *sub_fen)
{
	long long whole = 0;
	int frac = 0, nfrac = 0, digits = 0, rest = 0;
	const char *p = s;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++digits > 15)
			return -1; /* 10^13 yuan: not a transfer */
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++nfrac > 5)
				return -1;
			if (nfrac <= 2)
				frac = frac * 10 + (*p - '0');
			else if (*p != '0')
				rest = 1;
		}
		if (nfrac == 0)
			return -1; /* "12." is not a schema decimal */
	}
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p != '\0')
		return -1;
	if (nfrac == 1)
		frac *= 10;
	*fen = whole * 100 + frac;
	*sub_fen = rest;
	return 0;
}

static const char *const cap_digit[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};

/* Appends s to out at *n; -1 when it does not fit. */
static int
cap_put(char *out, size_t outlen, size_t *n, const char *s)
{
	size_t l = strlen(s);

	if (*n + l + 1 > outlen)
		return -1;
	memcpy(out + *n, s, l + 1);
	*n += l;
	return 0;
}

int
cr_money_capitals(long long fen, char *out, size_t outlen)
{
	static const char *const in_group[] = {"仟", "佰", "拾", ""};
	static const char *const group_unit[] = {"万亿", "亿", "万", ""};
	long long yuan, groups[4];
	int jiao, cents, started = 0, zero = 0, rc = 0;
	size_t n = 0;

	if (fen < 0 || fen / 100 >= 10000000000000000LL || outlen == 0) /* up to 万亿 groups */
		return -1;
	out[0] = '\0';
	yuan = fen / 100;
	jiao = (int)(fen / 10 % 10);
	cents = (int)(fen % 10);
	/* Groups of four digits, the highest first: 万亿, 亿, 万, and the units. */
	for (int g = 3; g >= 0; g--) {
		groups[g] = yuan % 10000;
		yuan /= 10000;
	}
	for (int g = 0; g < 4; g++) {
		if (groups[g] == 0) {
			zero = started; /* a whole group of zeros is one 零 before whatever follows */
			continue;
		}
		for (int pos = 0, div = 1000; pos < 4; pos++, div /= 10) {
			int d = (int)(groups[g] / div % 10);

			if (d == 0) {
				zero = zero || started;
				continue;
			}
			if (zero)
				rc |= cap_put(out, outlen, &n, "零");
			rc |= cap_put(out, outlen, &n, cap_digit[d]);
			rc |= cap_put(out, outlen, &n, in_group[pos]);
			started = 1;
			zero = 0;
		}
		/* 壹万零壹亿: the 万 of 万亿 is shared when the 亿 group follows. */
		rc |= cap_put(out, outlen, &n, g == 0 && groups[1] ? "万" : group_unit[g]);
		zero = 0; /* zeros ending a group are read by the group's unit (壹仟贰佰万壹仟) */
	}
	if (started)
		rc |= cap_put(out, outlen, &n, "元");
	if (jiao == 0 && cents == 0)
		rc |= cap_put(out, outlen, &n, started ? "整" : "零元整");
	else {
		if (jiao) {
			rc |= cap_put(out, outlen, &n, cap_digit[jiao]);
			rc |= cap_put(out, outlen, &n, "角");
		} else if (started)
			rc |= cap_put(out, outlen, &n, "零");
		if (cents) {
			rc |= cap_put(out, outlen, &n, cap_digit[cents]);
			rc |= cap_put(out, outlen, &n, "分");
		} else
			rc |= cap_put(out, outlen, &n, "整");
	}
	return rc ? -1 : 0;
}
