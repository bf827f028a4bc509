/*
 * libFuzzer target: the checks a WeChat Pay notification meets before anything is read from it
 * (cr_wechat_verify: the Wechatpay-* headers, the time window, the key by serial, the base64 signature, the
 * RSA verification).  Input: Wechatpay-Timestamp, -Nonce, -Signature, -Serial and the body, separated by
 * newlines; an empty timestamp means now and the serial "K" the configured key's, so that the fuzzer gets
 * past the cheap refusals.  Nothing the fuzzer writes may verify: the key's private half never leaves init.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "pay/wechat.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cr_config cfg;
static char merchant[64], platform[64];

static int
write_key(const char *path, EVP_PKEY *k, int private)
{
	FILE *f = fopen(path, "w");
	int ok =
	    f && (private ? PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) : PEM_write_PUBKEY(f, k));

	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	EVP_PKEY *m = EVP_RSA_gen(2048), *p = EVP_RSA_gen(2048);

	(void)argc;
	(void)argv;
	snprintf(merchant, sizeof merchant, "/tmp/fuzz-wechat-m-%ld.pem", (long)getpid());
	snprintf(platform, sizeof platform, "/tmp/fuzz-wechat-p-%ld.pem", (long)getpid());
	if (m == NULL || p == NULL || write_key(merchant, m, 1) != 0 || write_key(platform, p, 0) != 0)
		abort();
	EVP_PKEY_free(m);
	EVP_PKEY_free(p);
	cfg.wechat_mchid = "1900000001";
	cfg.wechat_appid = "wx0000000000000001";
	cfg.wechat_private_key = merchant;
	cfg.wechat_serial_no = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
	cfg.wechat_api_v3_key = "0123456789abcdef0123456789abcdef";
	cfg.wechat_platform_certs = "";
	cfg.wechat_platform_public_key = platform;
	cfg.wechat_platform_public_key_id = "PUB_KEY_ID_0119000000012025112500000000000001";
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *field[5] = {"", "", "", "", ""}, now[24];
	struct cr_wechat_sig s;
	struct cr_err err;
	size_t body_len;
	int n = 0;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	field[0] = buf;
	for (char *p = buf; n < 4 && (p = strchr(p, '\n')) != NULL; p++) {
		*p = '\0';
		field[++n] = p + 1;
	}
	body_len = n == 4 ? size - (size_t)(field[4] - buf) : 0;
	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	s.timestamp = field[0][0] ? field[0] : now;
	s.nonce = field[1];
	s.signature = field[2];
	s.serial = strcmp(field[3], "K") == 0 ? cfg.wechat_platform_public_key_id : field[3];
	if (cr_wechat_verify(&cfg, &s, n == 4 ? field[4] : "", body_len, &err) == 0)
		__builtin_trap();
	free(buf);
	return 0;
}
