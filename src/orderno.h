/*
 * Order numbers (SPEC 5): eight digits, a seven-digit sequence number
 * (zero-padded) followed by a Damm check digit, which catches every
 * single-digit error and every swap of two adjacent digits.
 */
#ifndef CR_ORDERNO_H
#define CR_ORDERNO_H

#include <stddef.h>

/* The Damm check digit of the len digits at s (0-9). */
int cr_damm(const char *s, size_t len);
/* Writes the order number of sequence value seq (1..9999999) into out[9]; -1 if out of range. */
int cr_orderno_make(long long seq, char out[9]);
/* 1 when s is exactly eight digits whose Damm check passes. */
int cr_orderno_valid(const char *s);
/*
 * The valid numbers one slip from the eight digits cand (a digit changed, or
 * two neighbours swapped), at most max of them (CR_ORDERNO_SLIPS_MAX is
 * always enough) into out; their count.
 */
#define CR_ORDERNO_SLIPS_MAX 80
size_t cr_orderno_slips(const char *cand, char out[][9], size_t max);

#endif
