/* Byte helpers: secure random, hex, SHA-256, constant-time comparison. */
#ifndef CR_BYTES_H
#define CR_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* Fills buf with cryptographically secure random bytes; 0 or -1. */
int cr_random(void *buf, size_t len);
/* Writes 2*len hex digits and a NUL to out (2*len+1 bytes). */
void cr_hex(char *out, const void *in, size_t len);
/* The value of one hex digit (either case), or -1. */
int cr_hex_digit(int c);
/* Decodes exactly 2*outlen hex digits; 0 or -1. */
int cr_unhex(void *out, size_t outlen, const char *in);
void cr_sha256(uint8_t out[32], const void *data, size_t len);
/* SHA-256 of data as 64 hex digits plus NUL. */
void cr_sha256_hex(char out[65], const void *data, size_t len);
/* 1 when equal, in time that depends only on len. */
int cr_ct_equal(const void *a, const void *b, size_t len);

#endif
