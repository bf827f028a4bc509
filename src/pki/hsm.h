/*
 * CA keys held in a PKCS#11 token (a hardware security module, or SoftHSM
 * in tests): ca.key is an RFC 7512 URI ("pkcs11:token=...;object=...")
 * and the key never leaves the token.  Signing goes through OpenSSL's
 * pkcs11 engine (Debian libengine-pkcs11-openssl, libp11) and the module
 * named by ca.pkcs11_module (default: the engine's, p11-kit-proxy).  The
 * PIN is read from ca.pin_file, never from the URI.
 */
#ifndef CR_HSM_H
#define CR_HSM_H

#include <openssl/evp.h>

#include "err.h"

/*
 * The private key at uri, through the engine (initialised once a process,
 * kept for the next loads).  The caller frees the handle with
 * EVP_PKEY_free; the key itself stays in the token.
 */
EVP_PKEY *cr_hsm_load_key(const char *uri, const char *module, const char *pin_file, struct cr_err *err);

#endif
