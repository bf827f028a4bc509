/* libFuzzer target: the step-1 validators and the UTF-8 checks on any text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apply/idcheck.h"
#include "orderno.h"
#include "text.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[64];
	struct cr_err err;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)cr_utf8_chars(s, size);
	(void)cr_utf8_printable(s);
	/* A canonical form that was accepted must be accepted again, unchanged. */
	if (cr_check_uscc(s, "f", out, sizeof out, &err) == 0 && cr_check_uscc(out, "f", NULL, 0, &err) != 0)
		__builtin_trap();
	if (cr_check_id_card(s, "f", out, sizeof out, &err) == 0 &&
	    cr_check_id_card(out, "f", NULL, 0, &err) != 0)
		__builtin_trap();
	if (cr_check_phone(s, "f", out, sizeof out, &err) == 0 &&
	    cr_check_phone(out, "f", NULL, 0, &err) != 0)
		__builtin_trap();
	(void)cr_check_email(s, "f", &err);
	(void)cr_check_tax_no(s, "f", out, sizeof out, &err);
	(void)cr_check_text(s, "f", "x", 100, 1, &err);
	(void)cr_orderno_valid(s);
	free(s);
	return 0;
}
