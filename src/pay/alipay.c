#include <iconv.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alipay.h"
#include "fetch.h"
#include "file.h"
#include "log.h"
#include "money.h"
#include "pki/pki.h"
#include "utf8.h"

#define SIGN_MAX 1024 /* base64 characters of an RSA signature (8192-bit keys at most) */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static EVP_PKEY *our_key, *alipay_key;

int
cr_alipay_enabled(const struct cr_config *cfg)
{
	return cfg->alipay_app_id[0] && cfg->alipay_private_key[0] && cfg->alipay_public_key[0];
}

/* A PEM key from path; a file of bare base64 (as Alipay's tools give them) is taken as PEM's body. */
static EVP_PKEY *
load_key(const char *path, int private, struct cr_err *err)
{
	static const char *labels[2][2] = {{"PUBLIC KEY", "RSA PUBLIC KEY"},
	                                   {"PRIVATE KEY", "RSA PRIVATE KEY"}};
	char *data = NULL, *pem = NULL;
	EVP_PKEY *key = NULL;
	size_t len;

	if (cr_file_read(path, 16 * 1024, &data, &len, err) != 0)
		return NULL;
	for (int i = 0; i < 2 && key == NULL; i++) {
		BIO *bio;

		free(pem);
		pem = NULL;
		if (strstr(data, "-----BEGIN") == NULL) {
			size_t n = len + 200;

			if ((pem = malloc(n)) == NULL)
				break;
			snprintf(pem, n, "-----BEGIN %s-----\n%s\n-----END %s-----\n", labels[private][i],
			         data, labels[private][i]);
		}
		if ((bio = BIO_new_mem_buf(pem ? pem : data, -1)) == NULL)
			break;
		key = private ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
		              : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		BIO_free(bio);
		if (pem == NULL)
			break; /* a PEM file is read as it is */
	}
	if (data)
		OPENSSL_cleanse(data, len);
	free(data);
	free(pem);
	if (key == NULL) {
		cr_err_set(err, CR_EINVAL, "alipay: %s is not an RSA %s key (PEM or base64): %s", path,
		           private ? "private" : "public", cr_x509_ssl_reason());
		return NULL;
	}
	if (!EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_get_bits(key) < 2048) {
		EVP_PKEY_free(key);
		cr_err_set(err, CR_EINVAL, "alipay: %s is not an RSA key of 2048 bits or more (RSA2)", path);
		return NULL;
	}
	return key;
}

/* Both keys, read once a process. */
static int
keys(const struct cr_config *cfg, struct cr_err *err)
{
	int rc = 0;

	if (!cr_alipay_enabled(cfg))
		return cr_err_user(err, CR_EINVAL, NULL, "未开通支付宝支付");
	pthread_mutex_lock(&lock);
	if (our_key == NULL && (our_key = load_key(cfg->alipay_private_key, 1, err)) == NULL)
		rc = err->code;
	if (rc == 0 && alipay_key == NULL && (alipay_key = load_key(cfg->alipay_public_key, 0, err)) == NULL)
		rc = err->code;
	pthread_mutex_unlock(&lock);
	return rc;
}

struct pair {
	const char *name, *value;
};

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct pair *)a)->name, ((const struct pair *)b)->name);
}

char *
cr_alipay_sign_content(const struct cr_form *f, int for_request)
{
	struct pair pairs[CR_FORM_MAX];
	size_t len = 1, o = 0;
	int n = 0;
	char *out;

	for (int i = 0; i < f->n; i++) {
		if (strcmp(f->name[i], "sign") == 0 || (!for_request && strcmp(f->name[i], "sign_type") == 0))
			continue;
		if (for_request && f->value[i][0] == '\0')
			continue;
		pairs[n++] = (struct pair){f->name[i], f->value[i]};
		len += strlen(f->name[i]) + strlen(f->value[i]) + 2;
	}
	qsort(pairs, (size_t)n, sizeof pairs[0], by_name);
	if ((out = malloc(len)) == NULL)
		return NULL;
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s=%s", i ? "&" : "", pairs[i].name,
		                      pairs[i].value);
	return out;
}

/* Alipay's RSA2 signature sign (base64) over len bytes of content; 0 when it holds. */
static int
verify_raw(const char *content, size_t len, const char *sign, struct cr_err *err)
{
	unsigned char sig[SIGN_MAX];
	EVP_MD_CTX *ctx = NULL;
	int n, ok = 0;
	size_t slen;

	if (sign == NULL || (slen = strlen(sign)) == 0 || slen > SIGN_MAX || slen % 4 != 0)
		return cr_err_set(err, CR_EINVAL, "alipay: no usable sign");
	if ((n = EVP_DecodeBlock(sig, (const unsigned char *)sign, (int)slen)) < 0)
		return cr_err_set(err, CR_EINVAL, "alipay: sign is not base64");
	n -= (sign[slen - 1] == '=') + (sign[slen - 2] == '=');
	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, alipay_key) == 1 &&
	    EVP_DigestVerify(ctx, sig, (size_t)n, (const unsigned char *)content, len) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	cr_x509_ssl_reason(); /* clear OpenSSL's queue */
	return ok ? 0 : cr_err_set(err, CR_EINVAL, "alipay: the signature does not hold");
}

int
cr_alipay_verify(const struct cr_config *cfg, const struct cr_form *f, struct cr_err *err)
{
	const char *type = cr_form_get(f, "sign_type");
	char *content;
	int rc;

	if ((rc = keys(cfg, err)) != 0)
		return rc;
	if (type && strcmp(type, "RSA2") != 0)
		return cr_err_set(err, CR_EINVAL, "alipay: sign_type is not RSA2");
	if ((content = cr_alipay_sign_content(f, 0)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "alipay: out of memory");
	rc = verify_raw(content, strlen(content), cr_form_get(f, "sign"), err);
	free(content);
	return rc;
}

/* base64 of our RSA2 signature over content (out at least SIGN_MAX + 1). */
static int
sign(const char *content, char *out, struct cr_err *err)
{
	unsigned char sig[1024];
	size_t n = sizeof sig;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, our_key) == 1 &&
	         EVP_DigestSign(ctx, sig, &n, (const unsigned char *)content, strlen(content)) == 1;

	EVP_MD_CTX_free(ctx);
	if (!ok)
		return cr_err_set(err, CR_EIO, "alipay: cannot sign: %s", cr_x509_ssl_reason());
	EVP_EncodeBlock((unsigned char *)out, sig, (int)n);
	return 0;
}

/*
 * The signed parameters of an API request (method, biz_content; notify_url
 * and return_url when with_urls), form-encoded into out.
 */
static int
request(const struct cr_config *cfg, const char *method, const char *biz, int with_urls, char *out,
        size_t outlen, struct cr_err *err)
{
	char ts[32], notify[600], ret[600], signature[SIGN_MAX + 1], *content;
	time_t now = time(NULL) + 8 * 3600; /* Alipay's timestamps are Beijing time */
	struct cr_form f = {0};
	struct tm tm;
	int rc = 0;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(notify, sizeof notify, "%s/api/v1/pay/alipay/notify", cfg->web_public_url);
	snprintf(ret, sizeof ret, "%s/api/v1/pay/alipay/return", cfg->web_public_url);
	{
		const char *kv[][2] = {{"app_id", cfg->alipay_app_id},
		                       {"method", method},
		                       {"format", "JSON"},
		                       {"charset", "utf-8"},
		                       {"sign_type", "RSA2"},
		                       {"timestamp", ts},
		                       {"version", "1.0"},
		                       {"biz_content", biz},
		                       {"notify_url", notify},
		                       {"return_url", ret}};

		for (size_t i = 0; i < sizeof kv / sizeof kv[0] - (with_urls ? 0 : 2); i++) {
			f.name[f.n] = (char *)kv[i][0];
			f.value[f.n++] = (char *)kv[i][1];
		}
	}
	if ((content = cr_alipay_sign_content(&f, 1)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "alipay: out of memory");
	if ((rc = sign(content, signature, err)) == 0) {
		out[0] = '\0';
		for (int i = 0; i < f.n && rc == 0; i++)
			if (cr_form_append(out, outlen, f.name[i], f.value[i]) != 0)
				rc = cr_err_set(err, CR_ETOOBIG, "alipay: the request is too long");
		if (rc == 0 && cr_form_append(out, outlen, "sign", signature) != 0)
			rc = cr_err_set(err, CR_ETOOBIG, "alipay: the request is too long");
	}
	free(content);
	return rc;
}

/* biz_content of j (its reference taken), or NULL. */
static char *
biz_of(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(j);
	return s;
}

int
cr_alipay_pay_url(const struct cr_config *cfg, const struct cr_pay_attempt *a, int mobile, char *out,
                  size_t outlen, struct cr_err *err)
{
	char yuan[32], subject[64], timeout[32], *biz;
	size_t n;
	int rc;

	if ((rc = keys(cfg, err)) != 0)
		return rc;
	if (cfg->web_public_url[0] == '\0')
		return cr_err_set(err, CR_EINVAL, "alipay: web.public_url is not set (notify_url needs it)");
	cr_money_format(a->amount_fen, yuan, sizeof yuan);
	snprintf(subject, sizeof subject, "数字证书更新 订单%s", a->order_no);
	/* Minutes, not past the order's expiry, within Alipay's 1m..15d. */
	snprintf(timeout, sizeof timeout, "%lldm",
	         a->expires_in / 60 < 1       ? 1LL
	         : a->expires_in / 60 > 21600 ? 21600LL
	                                      : a->expires_in / 60);
	biz = biz_of(json_pack("{s:s, s:s, s:s, s:s, s:s}", "out_trade_no", a->order_no, "product_code",
	                       mobile ? "QUICK_WAP_WAY" : "FAST_INSTANT_TRADE_PAY", "total_amount", yuan,
	                       "subject", subject, "timeout_express", timeout));
	if (biz == NULL)
		return cr_err_set(err, CR_ENOMEM, "alipay: out of memory");
	n = (size_t)snprintf(out, outlen, "%s?", cfg->alipay_gateway);
	rc = n >= outlen ? cr_err_set(err, CR_ETOOBIG, "alipay: the gateway URL is too long")
	                 : request(cfg, mobile ? "alipay.trade.wap.pay" : "alipay.trade.page.pay", biz, 1,
	                           out + n, outlen - n, err);
	free(biz);
	return rc;
}

/* Whether s is 1..max characters of [0-9A-Za-z_-]. */
static int
token(const char *s, size_t max)
{
	size_t n = strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-");

	return n > 0 && n <= max && s[n] == '\0';
}

/* The buyer as shown (UTF-8): GBK notifications are transcoded; anything invalid becomes "". */
static void
payer_text(const char *raw, const char *charset, char *out, size_t outlen)
{
	out[0] = '\0';
	if (raw == NULL)
		return;
	if (charset && (strcasecmp(charset, "gbk") == 0 || strcasecmp(charset, "gb2312") == 0 ||
	                strcasecmp(charset, "gb18030") == 0)) {
		iconv_t cd = iconv_open("UTF-8", "GB18030");
		char *in = (char *)raw, *o = out;
		size_t inleft = strlen(raw), outleft = outlen - 1;

		if (cd == (iconv_t)-1)
			return;
		if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1)
			o = out;
		*o = '\0';
		if (!cr_utf8_printable(out))
			out[0] = '\0';
		iconv_close(cd);
		return;
	}
	if (cr_utf8_chars(raw, strlen(raw)) >= 0 && cr_utf8_printable(raw))
		cr_utf8_copy(out, outlen, raw, strlen(raw));
}

/* "yyyy-MM-dd HH:mm:ss" Beijing time into UTC in out, or NULL when it is not one. */
static const char *
utc_time(const char *beijing, char *out, size_t outlen)
{
	struct tm tm = {0};
	char *end;
	time_t t;

	if (beijing == NULL || (end = strptime(beijing, "%Y-%m-%d %H:%M:%S", &tm)) == NULL || *end)
		return NULL;
	t = timegm(&tm) - 8 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%d %H:%M:%S", &tm);
	return out;
}

int
cr_alipay_notify(struct cr_db *db, const struct cr_config *cfg, const char *body, size_t len, int *booked,
                 struct cr_err *err)
{
	const char *v, *status, *no, *trade, *amount;
	char payer[200], paid_at[32];
	struct cr_online_payment p;
	struct cr_form f;
	long long fen;
	int rc, sub;

	*booked = 0;
	if ((rc = cr_form_parse(body, len, &f, err)) != 0)
		return rc;
	if ((rc = cr_alipay_verify(cfg, &f, err)) != 0)
		goto out;
	status = cr_form_get(&f, "trade_status");
	no = cr_form_get(&f, "out_trade_no");
	trade = cr_form_get(&f, "trade_no");
	amount = cr_form_get(&f, "total_amount");
	if ((v = cr_form_get(&f, "app_id")) == NULL || strcmp(v, cfg->alipay_app_id) != 0) {
		rc = cr_err_set(err, CR_EINVAL, "alipay: app_id is not ours");
	} else if (cfg->alipay_seller_id[0] &&
	           ((v = cr_form_get(&f, "seller_id")) == NULL || strcmp(v, cfg->alipay_seller_id) != 0)) {
		rc = cr_err_set(err, CR_EINVAL, "alipay: seller_id is not ours");
	} else if (status == NULL || no == NULL || trade == NULL || amount == NULL) {
		rc = cr_err_set(err, CR_EINVAL,
		                "alipay: trade_status, out_trade_no, trade_no or total_amount missing");
	} else if (strcmp(status, "TRADE_SUCCESS") != 0 && strcmp(status, "TRADE_FINISHED") != 0) {
		rc = 0; /* WAIT_BUYER_PAY, TRADE_CLOSED: acknowledged, nothing to book */
	} else if (strlen(no) != 8 || strspn(no, "0123456789") != 8 || !token(trade, 64)) {
		rc = cr_err_set(err, CR_EINVAL, "alipay: out_trade_no or trade_no malformed");
	} else if (cr_money_parse(amount, &fen, &sub) != 0 || sub || fen <= 0) {
		rc = cr_err_set(err, CR_EINVAL, "alipay: total_amount is not an amount in yuan");
	} else {
		payer_text(cr_form_get(&f, "buyer_logon_id"), cr_form_get(&f, "charset"), payer,
		           sizeof payer);
		p = (struct cr_online_payment){
		    "alipay", trade, no,
		    fen,      payer, utc_time(cr_form_get(&f, "gmt_payment"), paid_at, sizeof paid_at),
		    "notify"};
		rc = cr_online_book(db, &p, booked, err);
	}
out:
	cr_form_release(&f);
	return rc;
}

/* The raw text of the object under key in an answer (what Alipay signs); NULL when absent. */
static const char *
raw_object(const char *text, const char *key, size_t *len)
{
	char pat[128];
	const char *p, *start;
	int depth = 0, in_str = 0;

	snprintf(pat, sizeof pat, "\"%s\"", key);
	if ((p = strstr(text, pat)) == NULL)
		return NULL;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p++ != ':')
		return NULL;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p != '{')
		return NULL;
	for (start = p; *p; p++) {
		if (in_str) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_str = 0;
		} else if (*p == '"') {
			in_str = 1;
		} else if (*p == '{') {
			depth++;
		} else if (*p == '}' && --depth == 0) {
			*len = (size_t)(p - start + 1);
			return start;
		}
	}
	return NULL;
}

/*
 * Calls method of Alipay's API with biz (its reference taken), a form POST
 * to the gateway, and gives its answer object (*ans, borrowed from *all,
 * which the caller frees) once the answer's signature holds.  CR_EUPSTREAM
 * when no signed answer came (the outcome unknown).
 */
static int
api(const struct cr_config *cfg, const char *method, json_t *biz_json, json_t **all, json_t **ans,
    struct cr_err *err)
{
	static const char *headers[] = {"Content-Type: application/x-www-form-urlencoded;charset=utf-8",
	                                NULL};
	char body[8192], key[80], *biz;
	struct cr_fetch f = {0};
	const char *r;
	size_t len;
	int rc;

	*all = NULL;
	*ans = NULL;
	if ((biz = biz_of(biz_json)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "alipay: out of memory");
	rc = request(cfg, method, biz, 0, body, sizeof body, err);
	free(biz);
	if (rc != 0)
		return rc;
	if ((rc = cr_fetch("POST", cfg->alipay_gateway, headers, body, &f, err)) != 0)
		return rc;
	/* alipay.trade.query answers under "alipay_trade_query_response", and so on. */
	snprintf(key, sizeof key, "%s_response", method);
	for (char *p = key; *p; p++)
		if (*p == '.')
			*p = '_';
	if (f.status != 200 || (r = raw_object(f.body, key, &len)) == NULL ||
	    (*all = json_loadb(f.body, f.len, 0, NULL)) == NULL)
		rc = cr_err_set(err, CR_EUPSTREAM, "alipay: %s: HTTP %ld, no answer", method, f.status);
	else if (verify_raw(r, len, json_string_value(json_object_get(*all, "sign")), err) != 0)
		rc =
		    cr_err_set(err, CR_EUPSTREAM, "alipay: %s: the answer's signature does not hold", method);
	else
		*ans = json_object_get(*all, key);
	if (rc != 0) {
		json_decref(*all);
		*all = NULL;
	}
	cr_fetch_release(&f);
	return rc;
}

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int
cr_alipay_query(struct cr_db *db, const struct cr_config *cfg, const char *order_no, int *booked,
                struct cr_err *err)
{
	const char *code, *status, *trade, *amount, *no;
	char paid_at[32], payer[200];
	struct cr_online_payment p;
	json_t *all, *ans;
	long long fen;
	int rc, sub;

	*booked = 0;
	if ((rc = keys(cfg, err)) != 0 ||
	    (rc = api(cfg, "alipay.trade.query", json_pack("{s:s}", "out_trade_no", order_no), &all, &ans,
	              err)) != 0)
		return rc;
	code = str(ans, "code");
	status = str(ans, "trade_status");
	trade = str(ans, "trade_no");
	amount = str(ans, "total_amount");
	no = str(ans, "out_trade_no");
	if (code == NULL || strcmp(code, "10000") != 0 || status == NULL ||
	    (strcmp(status, "TRADE_SUCCESS") != 0 && strcmp(status, "TRADE_FINISHED") != 0)) {
		rc = 0; /* no such trade, or not paid: nothing to book */
	} else if (no == NULL || strcmp(no, order_no) != 0 || trade == NULL || !token(trade, 64) ||
	           amount == NULL || cr_money_parse(amount, &fen, &sub) != 0 || sub || fen <= 0) {
		rc = cr_err_set(err, CR_EINVAL,
		                "alipay: query %s: the answer is not about this order's payment", order_no);
	} else {
		payer_text(str(ans, "buyer_logon_id"), "utf-8", payer, sizeof payer);
		p = (struct cr_online_payment){
		    "alipay", trade, order_no,
		    fen,      payer, utc_time(str(ans, "send_pay_date"), paid_at, sizeof paid_at),
		    "query"};
		rc = cr_online_book(db, &p, booked, err);
	}
	json_decref(all);
	return rc;
}

int
cr_alipay_refund(const struct cr_config *cfg, const char *trade_no, long long amount_fen,
                 const char *refund_no, const char *reason, struct cr_err *err)
{
	char yuan[32];
	json_t *all, *ans;
	const char *code;
	int rc;

	if ((rc = keys(cfg, err)) != 0)
		return rc;
	cr_money_format(amount_fen, yuan, sizeof yuan);
	if ((rc = api(cfg, "alipay.trade.refund",
	              json_pack("{s:s, s:s, s:s, s:s}", "trade_no", trade_no, "refund_amount", yuan,
	                        "out_request_no", refund_no, "refund_reason", reason),
	              &all, &ans, err)) != 0)
		return rc;
	code = str(ans, "code");
	if (code == NULL || strcmp(code, "10000") != 0)
		rc = cr_err_user(err, CR_EINVAL, NULL, "支付宝拒绝退款：%.200s",
		                 str(ans, "sub_msg") ? str(ans, "sub_msg") : "未知原因");
	json_decref(all);
	return rc;
}

int
cr_alipay_close(const struct cr_config *cfg, const char *order_no, struct cr_err *err)
{
	const char *code, *sub;
	json_t *all, *ans;
	int rc;

	if ((rc = keys(cfg, err)) != 0 ||
	    (rc = api(cfg, "alipay.trade.close", json_pack("{s:s}", "out_trade_no", order_no), &all, &ans,
	              err)) != 0)
		return rc;
	code = str(ans, "code");
	sub = str(ans, "sub_code");
	/* A trade the customer never opened at Alipay does not exist there: nothing to close. */
	if (!(code && strcmp(code, "10000") == 0) && !(sub && strcmp(sub, "ACQ.TRADE_NOT_EXIST") == 0))
		rc = cr_err_set(err, CR_EUPSTREAM, "alipay: close %s: %s %s", order_no, code ? code : "?",
		                sub ? sub : "");
	json_decref(all);
	return rc;
}

int
cr_alipay_return_check(const struct cr_config *cfg, const char *query, char order_no[9], struct cr_err *err)
{
	struct cr_form f;
	const char *no;
	int rc;

	if ((rc = cr_form_parse(query, strlen(query), &f, err)) != 0)
		return rc;
	no = cr_form_get(&f, "out_trade_no");
	if ((rc = cr_alipay_verify(cfg, &f, err)) == 0) {
		if (no && strlen(no) == 8 && strspn(no, "0123456789") == 8)
			memcpy(order_no, no, 9);
		else
			rc = cr_err_set(err, CR_EINVAL, "alipay: return: no order number");
	}
	cr_form_release(&f);
	return rc;
}
