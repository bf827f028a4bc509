#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <string.h>

#include "bytes.h"
#include "csr.h"

/* The key must be one we issue for. */
static int
check_key(EVP_PKEY *pk, struct cr_err *err)
{
	char group[64] = "";
	size_t glen = 0;

	/* SM2 first: OpenSSL 3 gives a provider key of type "SM2" no legacy id. */
	if (EVP_PKEY_is_a(pk, "SM2") ||
	    (EVP_PKEY_is_a(pk, "EC") &&
	     EVP_PKEY_get_utf8_string_param(pk, "group", group, sizeof group, &glen) == 1 &&
	     strcmp(group, "SM2") == 0))
		return 0; /* GM/T 0003 on its own curve; the request's SM2-with-SM3
		           * signature is verified with the default distinguishing ID
		           * 1234567812345678 (GM/T 0009), which OpenSSL 3 applies when none is set. */
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		if (EVP_PKEY_get_bits(pk) < 2048)
			return cr_err_user(err, CR_EINVAL, NULL, "RSA 密钥长度为 %d 位，至少需要 2048 位",
			                   EVP_PKEY_get_bits(pk));
		return 0;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(pk, "group", group, sizeof group, &glen) != 1)
			return cr_err_user(err, CR_EINVAL, NULL, "无法识别请求中的椭圆曲线");
		if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0 ||
		    strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
			return 0;
		return cr_err_user(err, CR_EINVAL, NULL, "不支持的椭圆曲线 %s（支持 P-256、P-384）", group);
	default:
		return cr_err_user(err, CR_EINVAL, NULL,
		                   "不支持的密钥类型（支持 RSA 2048 位以上、ECDSA P-256/P-384、SM2）");
	}
}

int
cr_csr_parse(const void *data, size_t len, X509_REQ **req, char *pem, size_t pemlen, char sha[65],
             struct cr_err *err)
{
	const unsigned char *p = data;
	unsigned char *der = NULL;
	EVP_PKEY *pk;
	BIO *bio;
	int derlen, rc;

	*req = NULL;
	if (len == 0)
		return cr_err_user(err, CR_EINVAL, NULL, "请上传证书请求（PKCS#10）");
	if (len > CR_CSR_MAX)
		return cr_err_user(err, CR_ETOOBIG, NULL, "证书请求过大（最多 %d 字节）", CR_CSR_MAX);
	if (memmem(data, len, "-----BEGIN", 10) != NULL) {
		if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL)
			return cr_err_set(err, CR_ENOMEM, "csr: out of memory");
		*req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
		BIO_free(bio);
	} else {
		*req = d2i_X509_REQ(NULL, &p, (long)len);
	}
	if (*req == NULL)
		return cr_err_user(err, CR_EINVAL, NULL, "不是有效的证书请求（PKCS#10，PEM 或 DER 格式）");
	if ((pk = X509_REQ_get0_pubkey(*req)) == NULL) {
		rc = cr_err_user(err, CR_EINVAL, NULL, "证书请求中没有公钥");
		goto fail;
	}
	if ((rc = check_key(pk, err)) != 0)
		goto fail;
	if (X509_REQ_verify(*req, pk) != 1) {
		rc = cr_err_user(err, CR_EINVAL, NULL,
		                 "证书请求的签名无效（请求内容被改动或不是由该密钥生成）");
		goto fail;
	}
	if ((derlen = i2d_X509_REQ(*req, &der)) <= 0) {
		rc = cr_err_set(err, CR_EIO, "csr: cannot encode");
		goto fail;
	}
	cr_sha256_hex(sha, der, (size_t)derlen);
	OPENSSL_free(der);
	if ((bio = BIO_new(BIO_s_mem())) == NULL || PEM_write_bio_X509_REQ(bio, *req) != 1) {
		BIO_free(bio);
		rc = cr_err_set(err, CR_ENOMEM, "csr: out of memory");
		goto fail;
	}
	derlen = BIO_read(bio, pem, (int)pemlen - 1);
	pem[derlen > 0 ? derlen : 0] = '\0';
	BIO_free(bio);
	return 0;
fail:
	X509_REQ_free(*req);
	*req = NULL;
	return rc;
}
