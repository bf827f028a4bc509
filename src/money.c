#include <stdio.h>

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
