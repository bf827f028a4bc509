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

#endif
