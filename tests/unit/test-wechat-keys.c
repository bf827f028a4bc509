/*
 * WeChat Pay keys (wechat.c): a load that fails half-way changes nothing, so that every retry fails
 * for the same reason (not, after a few, with "more than 8 platform keys" from the keys earlier tries
 * kept), and a load that then succeeds starts from nothing.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "pay/pay.h"
#include "pay/wechat.h"
#include "tap.h"

/* A merchant key and a platform certificate of a throw-away RSA key, in dir. */
static int
make_files(const char *dir, char *key_path, char *cert_path, size_t len)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	FILE *f;
	int ok_ = 0;

	snprintf(key_path, len, "%s/merchant.pem", dir);
	snprintf(cert_path, len, "%s/platform.pem", dir);
	if (k && x && ASN1_INTEGER_set(X509_get_serialNumber(x), 4242) &&
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) && X509_gmtime_adj(X509_getm_notAfter(x), 86400) &&
	    X509_set_pubkey(x, k) && X509_sign(x, k, EVP_sha256()) > 0) {
		if ((f = fopen(key_path, "w")) != NULL) {
			ok_ = PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
			fclose(f);
		}
		if (ok_ && (f = fopen(cert_path, "w")) != NULL) {
			ok_ = PEM_write_X509(f, x) == 1;
			fclose(f);
		}
	}
	X509_free(x);
	EVP_PKEY_free(k);
	return ok_;
}

int
main(void)
{
	char dir[] = "/tmp/cr-test-wechat-XXXXXX", key[256], cert[256], certs[600], missing[300];
	struct cr_config cfg;
	struct cr_wechat_sig sig = {0};
	struct cr_err err = {0};
	int same = 1, rc;

	if (mkdtemp(dir) == NULL || !make_files(dir, key, cert, sizeof key)) {
		ok(0, "throw-away keys made");
		return tap_done();
	}
	snprintf(missing, sizeof missing, "%s/missing.pem", dir);
	snprintf(certs, sizeof certs, "%s %s", cert, missing);
	memset(&cfg, 0, sizeof cfg);
	cfg.wechat_mchid = "1900000001";
	cfg.wechat_appid = "wx0000000000000001";
	cfg.wechat_private_key = key;
	cfg.wechat_serial_no = "SERIAL";
	cfg.wechat_api_v3_key = "0123456789abcdef0123456789abcdef";
	cfg.wechat_platform_certs = certs;
	cfg.wechat_platform_public_key = "";
	cfg.wechat_platform_public_key_id = "";
	cfg.wechat_api_base = "";
	/* One good platform certificate, then one that is missing: twelve tries, more than the key table
	 * holds. */
	for (int i = 0; i < 12; i++) {
		rc = cr_wechat_verify(&cfg, &sig, "{}", 2, &err);
		if (rc == 0 || strstr(err.msg, "missing.pem") == NULL)
			same = 0;
	}
	ok(same, "twelve loads that fail half-way all fail for the missing file (last: %s)", err.msg);
	/* Put right: the keys load (the call then fails only for the missing signature headers). */
	cfg.wechat_platform_certs = cert;
	rc = cr_wechat_verify(&cfg, &sig, "{}", 2, &err);
	ok(rc != 0 && strstr(err.msg, "Wechatpay-") != NULL,
	   "put right, the keys load and the request is judged (%s)", err.msg);
	unlink(key);
	unlink(cert);
	rmdir(dir);
	return tap_done();
}
