#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"
#include "x509.h"

const char *
cr_x509_ssl_reason(void)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return r ? r : "unknown OpenSSL error";
}
int
cr_x509_read_file(const char *path, X509 **out, int max, struct cr_err *err)
{
	BIO *b;
	int n = 0;
	struct stat st;

	if (stat(path, &st) != 0)
		return cr_err_set(err, CR_EIO, "%s: %s", path, strerror(errno));
	if (st.st_size > 16 * CR_PEM_MAX)
		return cr_err_set(err, CR_ETOOBIG, "%s: larger than %d bytes", path, 16 * CR_PEM_MAX);
	if ((b = BIO_new_file(path, "r")) == NULL)
		return cr_err_set(err, CR_EIO, "%s: %s", path, cr_x509_ssl_reason());
	while (n < max) {
		X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);

		if (x == NULL)
			break;
		out[n++] = x;
	}
	ERR_clear_error();
	BIO_free(b);
	if (n == 0)
		return cr_err_set(err, CR_EINVAL, "%s: no PEM certificate in the file", path);
	return n;
}

long long
cr_x509_file_expiry(const char *path)
{
	X509 *certs[16];
	long long first = 0;
	int n = cr_x509_read_file(path, certs, 16, NULL);

	for (int i = 0; i < n; i++) {
		struct tm tm;

		memset(&tm, 0, sizeof tm);
		if (ASN1_TIME_to_tm(X509_get0_notAfter(certs[i]), &tm) == 1 &&
		    (first == 0 || (long long)timegm(&tm) < first))
			first = (long long)timegm(&tm);
		X509_free(certs[i]);
	}
	return first;
}

static void
time_str(const ASN1_TIME *t, char out[20])
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (ASN1_TIME_to_tm(t, &tm) != 1) {
		snprintf(out, 20, "1970-01-01 00:00:00");
		return;
	}
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static void
name_str(const X509_NAME *n, char *out, size_t outlen)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long len;

	out[0] = '\0';
	if (b == NULL)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data(b, &p);
	if (len >= (long)outlen)
		len = (long)outlen - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	BIO_free(b);
}

int
cr_x509_info(X509 *x, struct cr_x509_info *info, struct cr_err *err)
{
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);
	unsigned char *der = NULL;
	char *hex;
	int len;

	memset(info, 0, sizeof *info);
	if (bn == NULL)
		return cr_err_set(err, CR_EINVAL, "certificate has no serial number");
	hex = BN_bn2hex(bn);
	BN_free(bn);
	if (hex == NULL)
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	for (char *p = hex; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
	snprintf(info->serial, sizeof info->serial, "%s", hex);
	OPENSSL_free(hex);
	name_str(X509_get_subject_name(x), info->subject, sizeof info->subject);
	name_str(X509_get_issuer_name(x), info->issuer, sizeof info->issuer);
	time_str(X509_get0_notBefore(x), info->not_before);
	time_str(X509_get0_notAfter(x), info->not_after);
	if ((len = i2d_X509(x, &der)) <= 0)
		return cr_err_set(err, CR_EINVAL, "certificate does not encode: %s", cr_x509_ssl_reason());
	cr_sha256_hex(info->sha256, der, len);
	OPENSSL_free(der);
	info->is_ca = X509_check_ca(x) != 0;
	return 0;
}

char *
cr_x509_pem(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out = NULL;
	long len;

	if (b == NULL)
		return NULL;
	if (PEM_write_bio_X509(b, x) == 1) {
		len = BIO_get_mem_data(b, &p);
		if ((out = malloc(len + 1)) != NULL) {
			memcpy(out, p, len);
			out[len] = '\0';
		}
	}
	BIO_free(b);
	return out;
}

EVP_PKEY *
cr_x509_key_new(void)
{
	return EVP_EC_gen("P-256");
}

int
cr_x509_add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

int
cr_x509_random_serial(X509 *x)
{
	unsigned char b[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(b, sizeof b) != 1)
		return 0;
	b[0] = (unsigned char)((b[0] & 0x7f) | 0x40); /* positive, and always 16 bytes long */
	ok = (bn = BN_bin2bn(b, sizeof b, NULL)) != NULL &&
	     BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

const EVP_MD *
cr_x509_md(const EVP_PKEY *key)
{
	/* SM2 signs with SM3 under the default distinguishing ID (GM/T 0009), which
	 * OpenSSL 3 applies, and verifiers (openssl verify) assume, when none is set. */
	if (EVP_PKEY_is_a(key, "SM2"))
		return EVP_sm3();
	if (EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_bits(key) > 256)
		return EVP_sha384();
	return EVP_sha256();
}

X509 *
cr_x509_sign(EVP_PKEY *pub, const char *org, const char *cn, X509 *issuer, EVP_PKEY *ikey, int from_days,
             int to_days, int ca, struct cr_err *err)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	int ok = 0;

	if (x == NULL || name == NULL || !cr_x509_random_serial(x))
		goto out;
	if (!X509_set_version(x, 2) ||
	    !X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, (const unsigned char *)"CN", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)org, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) ||
	    !X509_time_adj_ex(X509_getm_notBefore(x), from_days, 0, NULL) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), to_days, 0, NULL) || !X509_set_pubkey(x, pub))
		goto out;
	if (ca) {
		if (!cr_x509_add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE") ||
		    !cr_x509_add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign"))
			goto out;
	} else {
		if (!cr_x509_add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE") ||
		    !cr_x509_add_ext(x, issuer, NID_key_usage, "critical,digitalSignature") ||
		    !cr_x509_add_ext(x, issuer, NID_ext_key_usage, "clientAuth,emailProtection"))
			goto out;
	}
	if (!cr_x509_add_ext(x, issuer, NID_subject_key_identifier, "hash") ||
	    (issuer && !cr_x509_add_ext(x, issuer, NID_authority_key_identifier, "keyid:always")))
		goto out;
	if (X509_sign(x, ikey, cr_x509_md(ikey)) <= 0)
		goto out;
	ok = 1;
out:
	X509_NAME_free(name);
	if (!ok) {
		cr_err_set(err, CR_EIO, "x509: cannot sign certificate: %s", cr_x509_ssl_reason());
		X509_free(x);
		return NULL;
	}
	return x;
}

int
cr_x509_write(const char *path, X509 *x, EVP_PKEY *key, struct cr_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, key ? 0600 : 0644);
	FILE *f;
	int ok;

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return cr_err_set(err, CR_EIO, "%s: %s", path, strerror(errno));
	}
	ok = key ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) : PEM_write_X509(f, x);
	if (fclose(f) != 0 || !ok)
		return cr_err_set(err, CR_EIO, "%s: write failed", path);
	return 0;
}

int
cr_x509_load_pair(const char *cert_path, const char *key_path, X509 **x, EVP_PKEY **key, struct cr_err *err)
{
	FILE *f;

	*x = NULL;
	*key = NULL;
	if ((f = fopen(cert_path, "r")) == NULL)
		return cr_err_set(err, CR_EIO, "%s: %s", cert_path, strerror(errno));
	*x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if ((f = fopen(key_path, "r")) == NULL) {
		X509_free(*x);
		*x = NULL;
		return cr_err_set(err, CR_EIO, "%s: %s", key_path, strerror(errno));
	}
	*key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (*x == NULL || *key == NULL) {
		X509_free(*x);
		EVP_PKEY_free(*key);
		*x = NULL;
		*key = NULL;
		return cr_err_set(err, CR_EINVAL, "%s / %s: not a PEM certificate and key: %s", cert_path,
		                  key_path, cr_x509_ssl_reason());
	}
	return 0;
}
