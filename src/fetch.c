#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t
on_body(char *p, size_t size, size_t n, void *user)
{
	struct cr_fetch *f = user;
	size_t len = size * n;
	char *grown;

	if (f->len + len > CR_FETCH_MAX)
		return 0; /* too large: the transfer fails */
	if ((grown = realloc(f->body, f->len + len + 1)) == NULL)
		return 0;
	f->body = grown;
	memcpy(f->body + f->len, p, len);
	f->len += len;
	f->body[f->len] = '\0';
	return len;
}

/* Keeps one header's value (trimmed) when its name matches. */
static void
keep(const char *line, size_t len, const char *name, char *out, size_t outlen)
{
	size_t n = strlen(name), v;

	if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return;
	for (v = n + 1; v < len && (line[v] == ' ' || line[v] == '\t'); v++)
		;
	while (len > v && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	if (len - v < outlen) {
		memcpy(out, line + v, len - v);
		out[len - v] = '\0';
	}
}

static size_t
on_header(char *p, size_t size, size_t n, void *user)
{
	struct cr_fetch *f = user;
	size_t len = size * n;

	keep(p, len, "Wechatpay-Timestamp", f->wp_timestamp, sizeof f->wp_timestamp);
	keep(p, len, "Wechatpay-Nonce", f->wp_nonce, sizeof f->wp_nonce);
	keep(p, len, "Wechatpay-Signature", f->wp_signature, sizeof f->wp_signature);
	keep(p, len, "Wechatpay-Serial", f->wp_serial, sizeof f->wp_serial);
	return len;
}

int
cr_fetch(const char *method, const char *url, const char *const *headers, const char *body,
         struct cr_fetch *out, struct cr_err *err)
{
	struct curl_slist *list = NULL;
	CURL *c;
	CURLcode rc;
	int ret = 0;

	memset(out, 0, sizeof *out);
	pthread_once(&once, init);
	if ((c = curl_easy_init()) == NULL)
		return cr_err_set(err, CR_ENOMEM, "fetch: out of memory");
	for (int i = 0; headers && headers[i]; i++)
		list = curl_slist_append(list, headers[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)CR_FETCH_CONNECT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)CR_FETCH_TOTAL_MS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "certrenew/1");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		ret =
		    cr_err_set(err, CR_EUPSTREAM, "fetch: %s %s: %s", method, url,
		               rc == CURLE_WRITE_ERROR ? "the answer is too large" : curl_easy_strerror(rc));
		cr_fetch_release(out);
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
		if (out->body == NULL && (out->body = calloc(1, 1)) == NULL)
			ret = cr_err_set(err, CR_ENOMEM, "fetch: out of memory");
	}
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	return ret;
}

void
cr_fetch_release(struct cr_fetch *f)
{
	free(f->body);
	f->body = NULL;
	f->len = 0;
}
