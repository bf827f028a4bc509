#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#include "bytes.h"

int
cr_random(void *buf, size_t len)
{
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

void
cr_hex(char *out, const void *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = in;

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

int
cr_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
cr_unhex(void *out, size_t outlen, const char *in)
{
	uint8_t *p = out;

	if (strlen(in) != 2 * outlen)
		return -1;
	for (size_t i = 0; i < outlen; i++) {
		int hi = cr_hex_digit(in[2 * i]), lo = cr_hex_digit(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void
cr_sha256(uint8_t out[32], const void *data, size_t len)
{
	unsigned int n = 32;

	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

void
cr_sha256_hex(char out[65], const void *data, size_t len)
{
	uint8_t d[32];

	cr_sha256(d, data, len);
	cr_hex(out, d, sizeof d);
}

int
cr_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= x[i] ^ y[i];
	return acc == 0;
}
