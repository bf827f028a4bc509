#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bytes.h"
#include "fetch.h"
#include "form.h"
#include "log.h"
#include "pki/pki.h"
#include "wechat.h"

#define PLATFORM_MAX 8

struct platform_key {
	char id[80]; /* a certificate's serial (hex, upper case) or PUB_KEY_ID_… */
	EVP_PKEY *key;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static EVP_PKEY *merchant;
static struct platform_key platform[PLATFORM_MAX];
static int nplatform, loaded;

int
cr_wechat_enabled(const struct cr_config *cfg)
{
	return cfg->wechat_mchid[0] && cfg->wechat_appid[0] && cfg->wechat_private_key[0] &&
	       cfg->wechat_serial_no[0] && strlen(cfg->wechat_api_v3_key) == 32 &&
	       (cfg->wechat_platform_certs[0] ||
	        (cfg->wechat_platform_public_key[0] && cfg->wechat_platform_public_key_id[0]));
}

static EVP_PKEY *
read_key(const char *path, int private, struct cr_err *err)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (f == NULL) {
		cr_err_set(err, CR_EIO, "wechat: cannot open %s", path);
		return NULL;
	}
	k = private ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (k == NULL || !EVP_PKEY_is_a(k, "RSA") || EVP_PKEY_get_bits(k) < 2048) {
		EVP_PKEY_free(k);
		cr_err_set(err, CR_EINVAL, "wechat: %s is not an RSA %s key of 2048 bits or more (PEM)", path,
		           private ? "private" : "public");
		return NULL;
	}
	return k;
}

/* The platform certificates (each file's first), then the platform public key. */
static int
load_platform(const struct cr_config *cfg, struct cr_err *err)
{
	char list[4096], *save = NULL, *path;
	X509 *x;
	int n;

	snprintf(list, sizeof list, "%s", cfg->wechat_platform_certs);
	for (path = strtok_r(list, " ,", &save); path; path = strtok_r(NULL, " ,", &save)) {
		ASN1_INTEGER *serial;
		BIGNUM *bn;
		char *hex;

		if (nplatform == PLATFORM_MAX)
			return cr_err_set(err, CR_EINVAL, "wechat: more than %d platform keys", PLATFORM_MAX);
		if ((n = cr_x509_read_file(path, &x, 1, err)) < 0)
			return n;
		serial = X509_get_serialNumber(x);
		bn = ASN1_INTEGER_to_BN(serial, NULL);
		hex = bn ? BN_bn2hex(bn) : NULL;
		if (hex)
			snprintf(platform[nplatform].id, sizeof platform[nplatform].id, "%s", hex);
		platform[nplatform].key = X509_get_pubkey(x);
		OPENSSL_free(hex);
		BN_free(bn);
		X509_free(x);
		if (platform[nplatform].key == NULL || platform[nplatform].id[0] == '\0')
			return cr_err_set(err, CR_EINVAL, "wechat: %s: no usable key or serial", path);
		nplatform++;
	}
	if (cfg->wechat_platform_public_key[0]) {
		if (nplatform == PLATFORM_MAX)
			return cr_err_set(err, CR_EINVAL, "wechat: more than %d platform keys", PLATFORM_MAX);
		if (strncmp(cfg->wechat_platform_public_key_id, "PUB_KEY_ID_", 11) != 0)
			return cr_err_set(err, CR_EINVAL,
			                  "wechat: platform_public_key_id must start with PUB_KEY_ID_");
		if ((platform[nplatform].key = read_key(cfg->wechat_platform_public_key, 0, err)) == NULL)
			return err->code;
		snprintf(platform[nplatform].id, sizeof platform[nplatform].id, "%s",
		         cfg->wechat_platform_public_key_id);
		nplatform++;
	}
	return 0;
}

/* Drops whatever a load that failed half-way kept: the next try starts from nothing (err.h's rule). */
static void
forget(void)
{
	EVP_PKEY_free(merchant);
	merchant = NULL;
	for (int i = 0; i < PLATFORM_MAX; i++) /* one a failed read left beyond nplatform too */
		EVP_PKEY_free(platform[i].key);
	memset(platform, 0, sizeof platform);
	nplatform = 0;
}

static int
keys(const struct cr_config *cfg, struct cr_err *err)
{
	int rc = 0;

	if (!cr_wechat_enabled(cfg))
		return cr_err_user(err, CR_EINVAL, NULL, "未开通微信支付");
	pthread_mutex_lock(&lock);
	if (!loaded) {
		if ((merchant = read_key(cfg->wechat_private_key, 1, err)) == NULL)
			rc = err->code;
		else if ((rc = load_platform(cfg, err)) == 0)
			loaded = 1;
		if (rc != 0)
			forget();
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

int
cr_wechat_verify(const struct cr_config *cfg, const struct cr_wechat_sig *s, const char *body, size_t len,
                 struct cr_err *err)
{
	unsigned char sig[1024];
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *ctx;
	char *msg, *end;
	size_t slen, mlen;
	long long ts;
	int n, ok = 0, rc;

	if ((rc = keys(cfg, err)) != 0)
		return rc;
	if (!s->timestamp || !s->nonce || !s->signature || !s->serial || !s->timestamp[0] || !s->nonce[0] ||
	    strlen(s->nonce) > 64)
		return cr_err_set(err, CR_EINVAL,
		                  "wechat: Wechatpay-Timestamp, -Nonce, -Signature or -Serial missing");
	ts = strtoll(s->timestamp, &end, 10);
	/* Compared as a window, not as a difference: a timestamp near LLONG_MIN must not overflow. */
	if (*end || ts < (long long)time(NULL) - CR_WECHAT_SKEW ||
	    ts > (long long)time(NULL) + CR_WECHAT_SKEW)
		return cr_err_set(err, CR_EINVAL, "wechat: the timestamp is not within %d s of now",
		                  CR_WECHAT_SKEW);
	for (int i = 0; i < nplatform; i++)
		if (strcasecmp(platform[i].id, s->serial) == 0)
			key = platform[i].key;
	if (key == NULL)
		return cr_err_set(err, CR_EINVAL, "wechat: no platform key with serial %.64s", s->serial);
	slen = strlen(s->signature);
	if (slen == 0 || slen > 1024 || slen % 4 ||
	    (n = EVP_DecodeBlock(sig, (const unsigned char *)s->signature, (int)slen)) < 0)
		return cr_err_set(err, CR_EINVAL, "wechat: the signature is not base64");
	n -= (s->signature[slen - 1] == '=') + (s->signature[slen - 2] == '=');
	mlen = strlen(s->timestamp) + strlen(s->nonce) + len + 3;
	if ((msg = malloc(mlen + 1)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "wechat: out of memory");
	snprintf(msg, mlen + 1, "%s\n%s\n", s->timestamp, s->nonce);
	memcpy(msg + strlen(msg), body, len);
	msg[mlen - 1] = '\n';
	msg[mlen] = '\0';
	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, sig, (size_t)n, (unsigned char *)msg, mlen) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	free(msg);
	cr_x509_ssl_reason();
	return ok ? 0 : cr_err_set(err, CR_EINVAL, "wechat: the signature does not hold");
}

/* AEAD_AES_256_GCM under the APIv3 key; the plain text (NUL-terminated) for the caller to free, or NULL. */
static char *
decrypt(const struct cr_config *cfg, const char *ct64, const char *nonce, const char *aad, struct cr_err *err)
{
	size_t len = strlen(ct64);
	unsigned char *ct = NULL, *plain = NULL;
	EVP_CIPHER_CTX *c = NULL;
	int n, outl = 0, fin = 0, ok = 0;

	if (len == 0 || len > 64 * 1024 || len % 4 || strlen(nonce) == 0 || strlen(nonce) > 32) {
		cr_err_set(err, CR_EINVAL, "wechat: resource ciphertext or nonce malformed");
		return NULL;
	}
	if ((ct = malloc(len)) == NULL || (plain = malloc(len + 1)) == NULL)
		goto out;
	if ((n = EVP_DecodeBlock(ct, (const unsigned char *)ct64, (int)len)) < 0)
		goto out;
	n -= (ct64[len - 1] == '=') + (ct64[len - 2] == '=');
	if (n <= 16)
		goto out;
	n -= 16; /* the tag follows the ciphertext */
	if ((c = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)strlen(nonce), NULL) != 1 ||
	    EVP_DecryptInit_ex(c, NULL, NULL, (const unsigned char *)cfg->wechat_api_v3_key,
	                       (const unsigned char *)nonce) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &outl, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(c, plain, &outl, ct, n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, ct + n) != 1 ||
	    EVP_DecryptFinal_ex(c, plain + outl, &fin) != 1)
		goto out;
	plain[outl + fin] = '\0';
	ok = 1;
out:
	EVP_CIPHER_CTX_free(c);
	free(ct);
	if (!ok) {
		free(plain);
		cr_x509_ssl_reason();
		cr_err_set(err, CR_EINVAL, "wechat: the resource does not decrypt (APIv3 key, tag)");
		return NULL;
	}
	return (char *)plain;
}

/* RFC 3339 with an offset ("2026-11-25T18:30:00+08:00") into UTC "YYYY-MM-DD HH:MM:SS", or NULL. */
static const char *
utc_time(const char *s, char *out, size_t outlen)
{
	struct tm tm = {0};
	char *end;
	int sign, hh, mm;
	time_t t;

	if (s == NULL || (end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return NULL;
	if ((end[0] != '+' && end[0] != '-') || sscanf(end + 1, "%2d:%2d", &hh, &mm) != 2 || strlen(end) != 6)
		return NULL;
	sign = end[0] == '+' ? 1 : -1;
	t = timegm(&tm) - sign * (hh * 3600 + mm * 60);
	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%d %H:%M:%S", &tm);
	return out;
}

static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* A transaction as WeChat Pay describes it (decrypted notification, or query answer): checked and booked. */
static int
book_tx(struct cr_db *db, const struct cr_config *cfg, json_t *tx, const char *source, int *booked,
        struct cr_err *err)
{
	const char *no = jstr(tx, "out_trade_no"), *trade = jstr(tx, "transaction_id");
	json_t *amount = json_object_get(tx, "amount");
	json_int_t total = json_integer_value(json_object_get(amount, "total"));
	struct cr_online_payment p;
	char paid_at[32];

	if (strcmp(jstr(tx, "mchid"), cfg->wechat_mchid) != 0 ||
	    strcmp(jstr(tx, "appid"), cfg->wechat_appid) != 0)
		return cr_err_set(err, CR_EINVAL, "wechat: mchid or appid is not ours");
	if (strcmp(jstr(tx, "trade_state"), "SUCCESS") != 0)
		return 0; /* not paid: nothing to book */
	if (strlen(no) != 8 || strspn(no, "0123456789") != 8 || trade[0] == '\0' || strlen(trade) > 64 ||
	    strspn(trade, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-") !=
	        strlen(trade))
		return cr_err_set(err, CR_EINVAL, "wechat: out_trade_no or transaction_id malformed");
	if (!json_is_integer(json_object_get(amount, "total")) || total <= 0 ||
	    (json_object_get(amount, "currency") && strcmp(jstr(amount, "currency"), "CNY") != 0))
		return cr_err_set(err, CR_EINVAL, "wechat: amount.total is not a positive amount in CNY fen");
	p = (struct cr_online_payment){
	    "wechat",
	    trade,
	    no,
	    (long long)total,
	    jstr(json_object_get(tx, "payer"), "openid"),
	    utc_time(json_string_value(json_object_get(tx, "success_time")), paid_at, sizeof paid_at),
	    source};
	return cr_online_book(db, &p, booked, err);
}

int
cr_wechat_notify(struct cr_db *db, const struct cr_config *cfg, const struct cr_wechat_sig *s,
                 const char *body, size_t len, int *booked, struct cr_err *err)
{
	json_t *event = NULL, *res, *tx = NULL;
	char *plain = NULL;
	int rc;

	*booked = 0;
	if ((rc = cr_wechat_verify(cfg, s, body, len, err)) != 0)
		return rc;
	if ((event = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return cr_err_set(err, CR_EINVAL, "wechat: the notification is not JSON");
	res = json_object_get(event, "resource");
	if (strcmp(jstr(event, "event_type"), "TRANSACTION.SUCCESS") != 0) {
		rc = 0; /* other events are acknowledged; nothing to book */
		goto out;
	}
	if (strcmp(jstr(res, "algorithm"), "AEAD_AES_256_GCM") != 0) {
		rc = cr_err_set(err, CR_EINVAL, "wechat: resource algorithm is not AEAD_AES_256_GCM");
		goto out;
	}
	if ((plain = decrypt(cfg, jstr(res, "ciphertext"), jstr(res, "nonce"), jstr(res, "associated_data"),
	                     err)) == NULL) {
		rc = err->code;
		goto out;
	}
	if ((tx = json_loads(plain, JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		rc = cr_err_set(err, CR_EINVAL, "wechat: the resource is not JSON");
		goto out;
	}
	rc = book_tx(db, cfg, tx, "notify", booked, err);
out:
	json_decref(tx);
	json_decref(event);
	if (plain) {
		OPENSSL_cleanse(plain, strlen(plain));
		free(plain);
	}
	return rc;
}

/* The Authorization header of a request (out at least 2 KiB). */
static int
authorization(const struct cr_config *cfg, const char *method, const char *path, const char *body, char *out,
              size_t outlen, struct cr_err *err)
{
	unsigned char sig[512], raw[16];
	char nonce[33], ts[24], b64[700], *msg;
	size_t n = sizeof sig, mlen;
	EVP_MD_CTX *ctx;
	int ok;

	if (cr_random(raw, sizeof raw) != 0)
		return cr_err_set(err, CR_EIO, "wechat: no random bytes");
	cr_hex(nonce, raw, sizeof raw);
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	mlen = strlen(method) + strlen(path) + strlen(ts) + strlen(nonce) + strlen(body) + 6;
	if ((msg = malloc(mlen)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "wechat: out of memory");
	snprintf(msg, mlen, "%s\n%s\n%s\n%s\n%s\n", method, path, ts, nonce, body);
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, merchant) == 1 &&
	     EVP_DigestSign(ctx, sig, &n, (unsigned char *)msg, strlen(msg)) == 1;
	EVP_MD_CTX_free(ctx);
	free(msg);
	if (!ok)
		return cr_err_set(err, CR_EIO, "wechat: cannot sign: %s", cr_x509_ssl_reason());
	EVP_EncodeBlock((unsigned char *)b64, sig, (int)n);
	snprintf(out, outlen,
	         "Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"%s\",nonce_str=\"%s\",signature=\"%s\","
	         "timestamp=\"%s\",serial_no=\"%s\"",
	         cfg->wechat_mchid, nonce, b64, ts, cfg->wechat_serial_no);
	return 0;
}

/*
 * Places an order with WeChat Pay at path (Native or H5; scene: H5's
 * scene_info, or NULL) and copies the answer's field (code_url, h5_url)
 * into out.  A failure is logged and told to the customer plainly.
 */
static int
place_order(const struct cr_config *cfg, const struct cr_pay_attempt *a, const char *path, json_t *scene,
            const char *field, char *out, size_t outlen, struct cr_err *err)
{
	char url[600], notify[600], expire[40], desc[64], auth[2048];
	const char *headers[] = {auth, "Content-Type: application/json", "Accept: application/json", NULL};
	time_t until = time(NULL) + a->expires_in + 8 * 3600;
	struct cr_fetch f;
	struct tm tm;
	json_t *req, *ans = NULL;
	char *body;
	int rc;

	if ((rc = keys(cfg, err)) != 0) {
		json_decref(scene);
		return rc;
	}
	if (cfg->web_public_url[0] == '\0') {
		json_decref(scene);
		return cr_err_set(err, CR_EINVAL, "wechat: web.public_url is not set (notify_url needs it)");
	}
	gmtime_r(&until, &tm);
	strftime(expire, sizeof expire, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
	snprintf(notify, sizeof notify, "%s/api/v1/pay/wechat/notify", cfg->web_public_url);
	snprintf(desc, sizeof desc, "数字证书更新 订单%s", a->order_no);
	snprintf(url, sizeof url, "%s%s", cfg->wechat_api_base, path);
	req = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:s}}", "appid", cfg->wechat_appid, "mchid",
	                cfg->wechat_mchid, "description", desc, "out_trade_no", a->order_no, "time_expire",
	                expire, "notify_url", notify, "amount", "total", (json_int_t)a->amount_fen,
	                "currency", "CNY");
	if (req && scene)
		json_object_set(req, "scene_info", scene);
	json_decref(scene);
	body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (body == NULL)
		return cr_err_set(err, CR_ENOMEM, "wechat: out of memory");
	if ((rc = authorization(cfg, "POST", path, body, auth, sizeof auth, err)) == 0)
		rc = cr_fetch("POST", url, headers, body, &f, err);
	free(body);
	if (rc != 0) {
		cr_warn("pay: wechat order (%s) for %s: %s", path, a->order_no, err->msg);
		return cr_err_user(err, CR_EUPSTREAM, NULL, "微信支付暂时无法下单，请稍后再试");
	}
	if (f.status != 200) {
		ans = json_loadb(f.body, f.len, 0, NULL);
		cr_warn("pay: wechat order (%s) for %s: HTTP %ld %s %.200s", path, a->order_no, f.status,
		        jstr(ans, "code"), jstr(ans, "message"));
		rc = cr_err_user(err, CR_EUPSTREAM, NULL, "微信支付暂时无法下单，请稍后再试");
	} else if ((rc = cr_wechat_verify(
	                cfg, &(struct cr_wechat_sig){f.wp_timestamp, f.wp_nonce, f.wp_signature, f.wp_serial},
	                f.body, f.len, err)) != 0) {
		cr_warn("pay: wechat order (%s) for %s: the answer's signature: %s", path, a->order_no,
		        err->msg);
		rc = cr_err_user(err, CR_EUPSTREAM, NULL, "微信支付暂时无法下单，请稍后再试");
	} else if ((ans = json_loadb(f.body, f.len, 0, NULL)) == NULL || strlen(jstr(ans, field)) == 0 ||
	           strlen(jstr(ans, field)) >= outlen) {
		rc = cr_err_user(err, CR_EUPSTREAM, NULL, "微信支付暂时无法下单，请稍后再试");
	} else {
		snprintf(out, outlen, "%s", jstr(ans, field));
	}
	json_decref(ans);
	cr_fetch_release(&f);
	return rc;
}

int
cr_wechat_native(const struct cr_config *cfg, const struct cr_pay_attempt *a, char *out, size_t outlen,
                 struct cr_err *err)
{
	return place_order(cfg, a, "/v3/pay/transactions/native", NULL, "code_url", out, outlen, err);
}

int
cr_wechat_h5_enabled(const struct cr_config *cfg)
{
	return cr_wechat_enabled(cfg) && strcmp(cfg->wechat_h5, "yes") == 0;
}

int
cr_wechat_h5(const struct cr_config *cfg, const struct cr_pay_attempt *a, const char *client_ip, char *out,
             size_t outlen, struct cr_err *err)
{
	char back[700];
	int rc;

	if (client_ip == NULL || client_ip[0] == '\0')
		return cr_err_set(err, CR_EINVAL, "wechat: H5 needs the customer's address");
	rc = place_order(cfg, a, "/v3/pay/transactions/h5",
	                 json_pack("{s:s, s:{s:s}}", "payer_client_ip", client_ip, "h5_info", "type", "Wap"),
	                 "h5_url", out, outlen, err);
	/* After paying, WeChat sends the phone back to the order's page, which then waits for the
	 * notification. */
	snprintf(back, sizeof back, "%s/portal.html#/orders/%s?paying=wechat", cfg->web_public_url,
	         a->order_no);
	if (rc == 0 && (strchr(out, '?') == NULL || cr_form_append(out, outlen, "redirect_url", back) != 0))
		rc = cr_err_user(err, CR_EUPSTREAM, NULL, "微信支付暂时无法下单，请稍后再试");
	return rc;
}

int
cr_wechat_query(struct cr_db *db, const struct cr_config *cfg, const char *order_no, int *booked,
                struct cr_err *err)
{
	char path[200], url[800], auth[2048];
	const char *headers[] = {auth, "Accept: application/json", NULL};
	struct cr_fetch f;
	json_t *tx;
	int rc;

	*booked = 0;
	if ((rc = keys(cfg, err)) != 0)
		return rc;
	if (strlen(order_no) != 8 || strspn(order_no, "0123456789") != 8)
		return cr_err_set(err, CR_EINVAL, "wechat: query: not an order number");
	snprintf(path, sizeof path, "/v3/pay/transactions/out-trade-no/%s?mchid=%s", order_no,
	         cfg->wechat_mchid);
	snprintf(url, sizeof url, "%s%s", cfg->wechat_api_base, path);
	if ((rc = authorization(cfg, "GET", path, "", auth, sizeof auth, err)) != 0 ||
	    (rc = cr_fetch("GET", url, headers, NULL, &f, err)) != 0)
		return rc;
	if (f.status == 404) {
		rc = 0; /* ORDER_NOT_EXIST: nothing paid */
	} else if (f.status != 200) {
		rc = cr_err_set(err, CR_EIO, "wechat: query %s: HTTP %ld", order_no, f.status);
	} else if ((rc = cr_wechat_verify(
	                cfg, &(struct cr_wechat_sig){f.wp_timestamp, f.wp_nonce, f.wp_signature, f.wp_serial},
	                f.body, f.len, err)) == 0) {
		if ((tx = json_loadb(f.body, f.len, JSON_REJECT_DUPLICATES, NULL)) == NULL)
			rc = cr_err_set(err, CR_EINVAL, "wechat: query %s: the answer is not JSON", order_no);
		else if (strcmp(jstr(tx, "out_trade_no"), order_no) != 0)
			rc = cr_err_set(err, CR_EINVAL, "wechat: query %s: the answer is about another order",
			                order_no);
		else
			rc = book_tx(db, cfg, tx, "query", booked, err);
		json_decref(tx);
	}
	cr_fetch_release(&f);
	return rc;
}

int
cr_wechat_refund(const struct cr_config *cfg, const char *trade_no, long long total_fen, long long amount_fen,
                 const char *refund_no, const char *reason, int *done, struct cr_err *err)
{
	static const char path[] = "/v3/refund/domestic/refunds";
	char url[600], auth[2048], *body;
	const char *headers[] = {auth, "Content-Type: application/json", "Accept: application/json", NULL};
	struct cr_fetch f;
	json_t *req, *ans = NULL;
	int rc;

	*done = 0;
	if ((rc = keys(cfg, err)) != 0)
		return rc;
	snprintf(url, sizeof url, "%s%s", cfg->wechat_api_base, path);
	req = json_pack("{s:s, s:s, s:s, s:{s:I, s:I, s:s}}", "transaction_id", trade_no, "out_refund_no",
	                refund_no, "reason", reason, "amount", "refund", (json_int_t)amount_fen, "total",
	                (json_int_t)total_fen, "currency", "CNY");
	body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (body == NULL)
		return cr_err_set(err, CR_ENOMEM, "wechat: out of memory");
	if ((rc = authorization(cfg, "POST", path, body, auth, sizeof auth, err)) == 0)
		rc = cr_fetch("POST", url, headers, body, &f, err);
	free(body);
	if (rc != 0)
		return rc;
	ans = json_loadb(f.body, f.len, 0, NULL);
	if (f.status >= 400 && f.status < 500) {
		rc = cr_err_user(err, CR_EINVAL, NULL, "微信支付拒绝退款：%.200s",
		                 ans ? jstr(ans, "message") : "未知原因");
	} else if (f.status != 200 ||
	           cr_wechat_verify(
	               cfg, &(struct cr_wechat_sig){f.wp_timestamp, f.wp_nonce, f.wp_signature, f.wp_serial},
	               f.body, f.len, err) != 0) {
		rc = cr_err_set(err, CR_EUPSTREAM, "wechat: refund %s: HTTP %ld or an unsigned answer",
		                refund_no, f.status);
	} else if (strcmp(jstr(ans, "status"), "SUCCESS") == 0) {
		*done = 1;
	} else if (strcmp(jstr(ans, "status"), "PROCESSING") != 0) {
		rc = cr_err_user(err, CR_EINVAL, NULL, "微信支付退款未成功（%s）", jstr(ans, "status"));
	}
	json_decref(ans);
	cr_fetch_release(&f);
	return rc;
}

int
cr_wechat_close(const struct cr_config *cfg, const char *order_no, struct cr_err *err)
{
	char path[200], url[800], auth[2048], body[128];
	const char *headers[] = {auth, "Content-Type: application/json", "Accept: application/json", NULL};
	struct cr_fetch f;
	int rc;

	if ((rc = keys(cfg, err)) != 0)
		return rc;
	if (strlen(order_no) != 8 || strspn(order_no, "0123456789") != 8)
		return cr_err_set(err, CR_EINVAL, "wechat: close: not an order number");
	snprintf(path, sizeof path, "/v3/pay/transactions/out-trade-no/%s/close", order_no);
	snprintf(url, sizeof url, "%s%s", cfg->wechat_api_base, path);
	snprintf(body, sizeof body, "{\"mchid\":\"%s\"}", cfg->wechat_mchid);
	if ((rc = authorization(cfg, "POST", path, body, auth, sizeof auth, err)) != 0)
		return rc;
	if ((rc = cr_fetch("POST", url, headers, body, &f, err)) != 0)
		return rc;
	/* 204: closed; 404: never opened there. */
	if (f.status != 204 && f.status != 200 && f.status != 404)
		rc = cr_err_set(err, CR_EUPSTREAM, "wechat: close %s: HTTP %ld", order_no, f.status);
	cr_fetch_release(&f);
	return rc;
}
