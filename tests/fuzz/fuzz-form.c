/*
 * libFuzzer target: the providers' form bodies (form.c) and the content
 * Alipay signs over them (alipay.c), on any bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pay/alipay.h"
#include "pay/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_form f;
	struct cr_err err;
	char *content, again[256];

	if (cr_form_parse((const char *)data, size, &f, &err) != 0) {
		if (f.n != 0 || f.buf != NULL)
			__builtin_trap(); /* a refusal leaves nothing behind */
		return 0;
	}
	for (int i = 0; i < f.n; i++) {
		/* Names are non-empty and unique; what cr_form_get finds is the first. */
		if (f.name[i][0] == '\0' || cr_form_get(&f, f.name[i]) != f.value[i])
			__builtin_trap();
		/* Encoding a pair and parsing it again gives it back. */
		again[0] = '\0';
		if (cr_form_append(again, sizeof again, f.name[i], f.value[i]) == 0) {
			struct cr_form g;

			if (cr_form_parse(again, strlen(again), &g, &err) != 0 || g.n != 1 ||
			    strcmp(g.name[0], f.name[i]) != 0 || strcmp(g.value[0], f.value[i]) != 0)
				__builtin_trap();
			cr_form_release(&g);
		}
	}
	for (int request = 0; request < 2; request++) {
		if ((content = cr_alipay_sign_content(&f, request)) == NULL)
			__builtin_trap();
		if (!request && strstr(content, "sign=") == content)
			__builtin_trap(); /* sign itself is never signed */
		free(content);
	}
	cr_form_release(&f);
	return 0;
}
