/*
 * Money as text: amounts are integer fen everywhere (never floating
 * point); these turn them into the yuan people read and back, for the
 * providers' APIs, bank files and the CSV finance opens.
 */
#ifndef CR_MONEY_H
#define CR_MONEY_H

#include <stddef.h>

/* "200.00" from 20000 fen, "-0.05" from -5 (out at least 24 bytes). */
void cr_money_format(long long fen, char *out, size_t outlen);
/*
 * Parses a schema decimal ("200000", "18.150": digits, at most 5 after a
 * point, no sign, no exponent, white space around allowed) into fen;
 * *sub_fen is set when digits past the fen are not zero.  -1 when s is not
 * one, or more than 15 digits of yuan.
 */
int cr_money_parse(const char *s, long long *fen, int *sub_fen);
/*
 * The amount in Chinese capitals as banks and payment notices write it
 * (中文大写金额, 《支付结算办法》): 壹仟贰佰元整, 壹万元零柒分, 壹佰元伍角整.
 * One 零 stands for each run of zeros inside the number; 壹拾 is written
 * whole; 整 follows 元 or 角, never 分.  -1 for a negative amount or when
 * out (at least CR_MONEY_CAPITALS bytes) is too small.
 */
#define CR_MONEY_CAPITALS 160
int cr_money_capitals(long long fen, char *out, size_t outlen);

#endif
