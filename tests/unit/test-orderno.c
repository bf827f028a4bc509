/* Order numbers: format, and the Damm digit catching every single-digit error and
 * every adjacent swap, checked exhaustively over a range of sequence numbers. */
#include <string.h>

#include "orderno.h"
#include "tap.h"

int
main(void)
{
	char no[9], v[9];
	long long singles = 0, missed_single = 0, swaps = 0, missed_swap = 0;

	ok(cr_orderno_make(22, no) == 0 && strlen(no) == 8 && strncmp(no, "0000022", 7) == 0,
	   "zero-padded: %s", no);
	ok(cr_orderno_valid(no), "its own number validates");
	ok(cr_orderno_make(1, no) == 0 && cr_orderno_valid(no), "the first number");
	ok(cr_orderno_make(9999999, no) == 0 && cr_orderno_valid(no), "the last number");
	ok(cr_orderno_make(0, no) == -1 && cr_orderno_make(10000000, no) == -1, "out of range refused");
	ok(cr_damm("572", 3) == 4, "Damm of 572 is 4 (the textbook example)");
	ok(!cr_orderno_valid("1234567") && !cr_orderno_valid("123456789") && !cr_orderno_valid("1234567a"),
	   "wrong length or a letter is invalid");

	/* Sequence numbers 1..200000 and every error of one digit or one adjacent swap. */
	for (long long seq = 1; seq <= 200000; seq++) {
		cr_orderno_make(seq, no);
		for (int i = 0; i < 8; i++)
			for (char d = '0'; d <= '9'; d++) {
				if (d == no[i])
					continue;
				memcpy(v, no, 9);
				v[i] = d;
				singles++;
				missed_single += cr_orderno_valid(v);
			}
		for (int i = 0; i < 7; i++) {
			if (no[i] == no[i + 1])
				continue;
			memcpy(v, no, 9);
			v[i] = no[i + 1];
			v[i + 1] = no[i];
			swaps++;
			missed_swap += cr_orderno_valid(v);
		}
	}
	ok(missed_single == 0, "all %lld single-digit errors caught", singles);
	ok(missed_swap == 0, "all %lld adjacent swaps caught", swaps);

	/* The numbers one slip from a typo: the number meant is always among them, and each of them is valid.
	 */
	{
		char out[CR_ORDERNO_SLIPS_MAX][9];
		long long typos = 0, found = 0, bad = 0, most = 0;

		for (long long seq = 1; seq <= 20000; seq += 7) {
			cr_orderno_make(seq, no);
			for (int i = 0; i < 8; i++) {
				size_t n;
				int hit = 0;

				memcpy(v, no, 9);
				v[i] = (char)('0' + (no[i] - '0' + 3) % 10);
				n = cr_orderno_slips(v, out, CR_ORDERNO_SLIPS_MAX);
				typos++;
				for (size_t k = 0; k < n; k++) {
					hit |= strcmp(out[k], no) == 0;
					bad += !cr_orderno_valid(out[k]);
				}
				found += hit;
				most = (long long)n > most ? (long long)n : most;
			}
		}
		ok(found == typos && bad == 0,
		   "a typo's slips hold the number meant (%lld of %lld), all valid", found, typos);
		ok(most < CR_ORDERNO_SLIPS_MAX, "at most %lld slips of one typo", most);
		ok(cr_orderno_slips("1234567", out, CR_ORDERNO_SLIPS_MAX) == 0 &&
		       cr_orderno_slips("1234567x", out, CR_ORDERNO_SLIPS_MAX) == 0,
		   "no slips of what is not eight digits");
		ok(cr_orderno_slips("12345678", out, 1) <= 1, "never more than asked for");
	}
	return tap_done();
}
