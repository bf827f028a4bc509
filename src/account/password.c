#include <argon2.h>
#include <string.h>

#include "bytes.h"
#include "password.h"

#define T_COST 2
#define M_COST (19 * 1024)
#define PARALLEL 1
#define SALT_LEN 16
#define HASH_LEN 32

int
cr_password_hash(const char *pw, char out[CR_PW_ENCODED_MAX], struct cr_err *err)
{
	unsigned char salt[SALT_LEN];
	int rc;

	if (cr_random(salt, sizeof salt) != 0)
		return cr_err_set(err, CR_EIO, "password: no random bytes");
	rc = argon2id_hash_encoded(T_COST, M_COST, PARALLEL, pw, strlen(pw), salt, sizeof salt, HASH_LEN, out,
	                           CR_PW_ENCODED_MAX);
	if (rc != ARGON2_OK)
		return cr_err_set(err, CR_EIO, "password: %s", argon2_error_message(rc));
	return 0;
}

int
cr_password_verify(const char *encoded, const char *pw)
{
	if (encoded == NULL || strncmp(encoded, "$argon2id$", 10) != 0)
		return 0;
	return argon2id_verify(encoded, pw, strlen(pw)) == ARGON2_OK;
}

int
cr_password_check(const char *pw, struct cr_err *err)
{
	size_t n = strlen(pw);

	if (n < CR_PW_MIN_LEN)
		return cr_err_user(err, CR_EINVAL, "password", "密码至少 %d 个字符", CR_PW_MIN_LEN);
	if (n > CR_PW_MAX_LEN)
		return cr_err_user(err, CR_EINVAL, "password", "密码最多 %d 个字符", CR_PW_MAX_LEN);
	return 0;
}

void
cr_password_dummy_verify(const char *pw)
{
	/* A real hash of a random password, so the work equals a real verify. */
	static const char dummy[] = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
	                            "Rc1q2oO7KC9r0s0BfEeK2bHuKfIc2V3m6m0q3oN6fWk";

	(void)cr_password_verify(dummy, pw);
}
