/*
 * Password hashing with Argon2id at OWASP's minimum (m = 19 MiB, t = 2,
 * p = 1), stored in the PHC encoded form ($argon2id$v=19$m=...).
 */
#ifndef CR_PASSWORD_H
#define CR_PASSWORD_H

#include <stddef.h>

#include "account.h"
#include "err.h"

#define CR_PW_ENCODED_MAX 128
#define CR_PW_MIN_LEN 8

/* Hashes pw into out (CR_PW_ENCODED_MAX bytes). */
int cr_password_hash(const char *pw, char out[CR_PW_ENCODED_MAX], struct cr_err *err);
/* 1 when pw matches encoded, 0 when not (or encoded is malformed). */
int cr_password_verify(const char *encoded, const char *pw);
/* Checks length bounds of a new password; 0 or CR_EINVAL. */
int cr_password_check(const char *pw, struct cr_err *err);
/* Costs the same time as a verify: used when the account does not exist. */
void cr_password_dummy_verify(const char *pw);

#endif
