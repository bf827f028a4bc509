#include <openssl/asn1.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#include "bytes.h"
#include "csr.h"

/* The distinguishing ID of GM/T 0009 that SM2 UKeys sign with. */
#define SM2_DEFAULT_ID "1234567812345678"

static int
is_sm2(EVP_PKEY *pk)
{
	char group[64] = "";
	size_t glen = 0;

	/* OpenSSL 3 gives a provider key of type "SM2" no legacy id. */
	return EVP_PKEY_is_a(pk, "SM2") ||
	       (EVP_PKEY_is_a(pk, "EC") &&
	        EVP_PKEY_get_utf8_string_param(pk, "group", group, sizeof group, &glen) == 1 &&
	        strcmp(group, "SM2") == 0);
}

/*
 * An EC key must name its curve: explicit parameters in a certificate are
 * forbidden by RFC 5480 and refused by strict verifiers, and a request that
 * spells out P-256's parameters is not copied into one.
 */
static int
named_curve(EVP_PKEY *pk, struct cr_err *err)
{
	char enc[32] = "";
	size_t len = 0;

	if (EVP_PKEY_get_utf8_string_param(pk, "encoding", enc, sizeof enc, &len) == 1 &&
	    strcmp(enc, "named_curve") != 0)
		return cr_err_user(
		    err, CR_EINVAL, NULL,
		    "证书请求中的椭圆曲线以显式参数给出，请使用曲线名称（named curve）重新生成请求");
	return 0;
}

/* The key must be one we issue for. */
static int
check_key(EVP_PKEY *pk, struct cr_err *err)
{
	char group[64] = "";
	size_t glen = 0;

	if (is_sm2(pk))
		return named_curve(pk, err); /* GM/T 0003 on its own curve, named */
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		if (EVP_PKEY_get_bits(pk) < 2048)
			return cr_err_user(err, CR_EINVAL, NULL, "RSA 密钥长度为 %d 位，至少需要 2048 位",
			                   EVP_PKEY_get_bits(pk));
		return 0;
	case EVP_PKEY_EC:
		if (named_curve(pk, err) != 0)
			return CR_EINVAL;
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

/*
 * The request's own signature.  SM2-with-SM3 is verified under the
 * distinguishing ID UKeys sign with (GM/T 0009's 1234567812345678: OpenSSL 3
 * applies no default when verifying), and then under the empty ID that
 * software signing without one (OpenSSL 1.1.1's req, for one) uses.
 */
static int
verify(X509_REQ *req, EVP_PKEY *pk)
{
	ASN1_OCTET_STRING *id;
	int ok;

	if (!is_sm2(pk))
		return X509_REQ_verify(req, pk);
	if ((id = ASN1_OCTET_STRING_new()) == NULL ||
	    ASN1_OCTET_STRING_set(id, (const unsigned char *)SM2_DEFAULT_ID, sizeof SM2_DEFAULT_ID - 1) !=
	        1) {
		ASN1_OCTET_STRING_free(id);
		return 0;
	}
	X509_REQ_set0_distinguishing_id(req, id); /* the request owns it now */
	ok = X509_REQ_verify(req, pk);
	X509_REQ_set0_distinguishing_id(req, NULL);
	if (ok == 1)
		return 1;
	ERR_clear_error();
	return X509_REQ_verify(req, pk);
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
	if (verify(*req, pk) != 1) {
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
