#include <stdio.h>
#include <string.h>

#include "orderno.h"

/* The totally anti-symmetric quasigroup of order 10 from Damm's thesis. */
static const unsigned char damm_table[10][10] = {
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3}, {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6}, {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7}, {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

int
cr_damm(const char *s, size_t len)
{
	int interim = 0;

	for (size_t i = 0; i < len; i++)
		interim = damm_table[interim][s[i] - '0'];
	return interim;
}

int
cr_orderno_make(long long seq, char out[9])
{
	if (seq < 1 || seq > 9999999)
		return -1;
	snprintf(out, 9, "%07lld", seq);
	out[7] = (char)('0' + cr_damm(out, 7));
	out[8] = '\0';
	return 0;
}

int
cr_orderno_valid(const char *s)
{
	if (strlen(s) != 8)
		return 0;
	for (int i = 0; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return cr_damm(s, 8) == 0;
}

size_t
cr_orderno_slips(const char *cand, char out[][9], size_t max)
{
	size_t n = 0;
	char v[9];

	if (strlen(cand) != 8 || strspn(cand, "0123456789") != 8)
		return 0;
	for (int pos = 0; pos < 8; pos++)
		for (int d = -1; d < 10 && n < max; d++) {
			memcpy(v, cand, 9);
			if (d < 0) { /* the digits at pos and pos + 1 swapped */
				if (pos == 7 || v[pos] == v[pos + 1])
					continue;
				v[pos] = cand[pos + 1];
				v[pos + 1] = cand[pos];
			} else if ((v[pos] = (char)('0' + d)) == cand[pos]) {
				continue;
			}
			if (cr_orderno_valid(v))
				memcpy(out[n++], v, 9);
		}
	return n;
}
