/* Argon2id hashing: parameters, verify, wrong password, malformed hashes, bounds. */
#include <string.h>

#include "account/password.h"
#include "tap.h"

int
main(void)
{
	char h1[CR_PW_ENCODED_MAX], h2[CR_PW_ENCODED_MAX];
	struct cr_err err;
	char longpw[CR_PW_MAX_LEN + 2];

	ok(cr_password_hash("demo-password-1", h1, &err) == 0, "hash");
	ok(strncmp(h1, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0, "Argon2id with m=19 MiB, t=2, p=1: %s",
	   h1);
	ok(cr_password_hash("demo-password-1", h2, &err) == 0 && strcmp(h1, h2) != 0,
	   "salted: two hashes differ");
	ok(cr_password_verify(h1, "demo-password-1") == 1, "right password verifies");
	ok(cr_password_verify(h1, "demo-password-2") == 0, "wrong password does not");
	ok(cr_password_verify(h1, "") == 0, "empty password does not");
	ok(cr_password_verify("$argon2i$v=19$m=16,t=2,p=1$YWJjZGVmZ2g$abc", "x") == 0,
	   "other algorithm refused");
	ok(cr_password_verify("garbage", "x") == 0 && cr_password_verify(NULL, "x") == 0,
	   "malformed hash refused");
	ok(cr_password_check("short", &err) == CR_EINVAL && strcmp(err.field, "password") == 0,
	   "too short refused");
	memset(longpw, 'x', sizeof longpw - 1);
	longpw[sizeof longpw - 1] = '\0';
	ok(cr_password_check(longpw, &err) == CR_EINVAL, "too long refused");
	ok(cr_password_check("long-enough", &err) == 0, "good length accepted");
	return tap_done();
}
