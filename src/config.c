#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dockinds.h"
#include "jobs.h"

enum opt_type { OPT_STR, OPT_INT, OPT_SIZE, OPT_OCTAL, OPT_ENUM };

struct opt {
	const char *section, *key;
	enum opt_type type;
	size_t off;
	const char *def;
	int64_t min, max;    /* integers: bounds */
	const char *choices; /* OPT_ENUM: values separated by '|' */
	int secret;          /* never printed */
	/* A check of the value beyond its type (NULL: none): 0, or -1 with the reason in why. */
	int (*check)(const char *v, char *why, size_t whylen);
};

/* Empty, or HOST:PORT addresses ([V6]:PORT) separated by commas or spaces, at most CR_WAKE_MAX. */
static int
check_wake(const char *s, char *why, size_t whylen)
{
	char buf[1024], host[256], *save = NULL, *item, *port;
	int n = 0;

	snprintf(buf, sizeof buf, "%s", s);
	for (item = strtok_r(buf, ", ", &save); item; item = strtok_r(NULL, ", ", &save)) {
		char copy[300];

		snprintf(copy, sizeof copy, "%s", item);
		if (cr_jobs_wake_split(item, host, sizeof host, &port) != 0) {
			snprintf(why, whylen, "'%s' is not HOST:PORT", copy);
			return -1;
		}
		if (++n > CR_WAKE_MAX) {
			snprintf(why, whylen, "more than %d addresses", CR_WAKE_MAX);
			return -1;
		}
	}
	return 0;
}

/* Empty, or an http(s) address without spaces, quotes or control characters (it becomes a link). */
static int
check_web_url(const char *s, char *why, size_t whylen)
{
	const char *v = s;

	if (*s == '\0')
		return 0;
	if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
		goto bad;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '\'' || *s == '<' || *s == '>' ||
		    *s == 0x7f)
			goto bad;
	return 0;
bad:
	snprintf(why, whylen, "'%s' is not a web address such as https://www.example.cn/", v);
	return -1;
}

/* "" or http(s)://127.0.0.1|localhost|[::1]:PORT with nothing after: the customer's own machine. */
static int
loopback(const char *url)
{
	static const char *hosts[] = {"127.0.0.1:", "localhost:", "[::1]:"};
	const char *p = url;

	if (*url == '\0')
		return 1;
	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else if (strncmp(p, "https://", 8) == 0)
		p += 8;
	else
		return 0;
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		if (strncmp(p, hosts[i], strlen(hosts[i])) != 0)
			continue;
		p += strlen(hosts[i]);
		if (strspn(p, "0123456789") == 0 || strspn(p, "0123456789") > 5)
			return 0;
		p += strspn(p, "0123456789");
		return *p == '\0' || (p[0] == '/' && p[1] == '\0');
	}
	return 0;
}

static int
check_loopback_origin(const char *url, char *why, size_t whylen)
{
	if (loopback(url))
		return 0;
	snprintf(why, whylen, "'%s' is not a loopback origin such as http://127.0.0.1:18443", url);
	return -1;
}

/* [review] fresh_kinds: unset (""), "none", or attachment kinds. */
static int
check_fresh_kinds(const char *v, char *why, size_t whylen)
{
	if (*v == '\0' || strcmp(v, "none") == 0)
		return 0;
	if (strcmp(v, "all") == 0) {
		snprintf(why, whylen, "'all' is not a list of kinds here: name them, or write none");
		return -1;
	}
	return cr_doc_kinds_check_list(v, why, whylen);
}

#define O(f) offsetof(struct cr_config, f)
#define KIB 1024LL
#define MIB (1024LL * 1024)
#define GIB (1024LL * 1024 * 1024)

/* The one table of options: what the example conf/certrenew.conf documents. */
static const struct opt opts[] = {
    {"db", "host", OPT_STR, O(db_host), "", 0, 0, NULL, 0, NULL},
    {"db", "port", OPT_INT, O(db_port), "3306", 1, 65535, NULL, 0, NULL},
    {"db", "socket", OPT_STR, O(db_socket), "/run/mysqld/mysqld.sock", 0, 0, NULL, 0, NULL},
    {"db", "user", OPT_STR, O(db_user), "certrenew", 0, 0, NULL, 0, NULL},
    {"db", "password", OPT_STR, O(db_password), "", 0, 0, NULL, 1, NULL},
    {"db", "name", OPT_STR, O(db_name), "certrenew", 0, 0, NULL, 0, NULL},
    {"db", "timeout", OPT_INT, O(db_timeout), "10", 1, 600, NULL, 0, NULL},

    {"web", "socket", OPT_STR, O(web_socket), "/run/certrenew/fcgi.sock", 0, 0, NULL, 0, NULL},
    {"web", "socket_mode", OPT_OCTAL, O(web_socket_mode), "0660", 0, 0777, NULL, 0, NULL},
    {"web", "workers", OPT_INT, O(web_workers), "0", 0, 512, NULL, 0, NULL},
    {"web", "backlog", OPT_INT, O(web_backlog), "1024", 1, 65535, NULL, 0, NULL},
    {"web", "max_body", OPT_SIZE, O(web_max_body), "1M", 1 * KIB, 64 * MIB, NULL, 0, NULL},
    {"web", "drain_timeout", OPT_INT, O(web_drain_timeout), "10", 1, 600, NULL, 0, NULL},
    {"web", "session_idle", OPT_INT, O(web_session_idle), "1800", 60, 86400, NULL, 0, NULL},
    {"web", "public_url", OPT_STR, O(web_public_url), "", 0, 0, NULL, 0, NULL},
    {"web", "session_absolute", OPT_INT, O(web_session_absolute), "43200", 300, 604800, NULL, 0, NULL},
    {"web", "logins_per_minute", OPT_INT, O(web_logins_per_minute), "30", 1, 100000, NULL, 0, NULL},

    {"jobs", "workers", OPT_INT, O(jobs_workers), "4", 1, 128, NULL, 0, NULL},
    {"jobs", "max_attempts", OPT_INT, O(jobs_max_attempts), "5", 1, 100, NULL, 0, NULL},
    {"jobs", "lease", OPT_INT, O(jobs_lease), "45", 5, 86400, NULL, 0, NULL},
    {"jobs", "poll_ms", OPT_INT, O(jobs_poll_ms), "1000", 10, 60000, NULL, 0, NULL},
    {"jobs", "stop_grace", OPT_INT, O(jobs_stop_grace), "30", 1, 3600, NULL, 0, NULL},
    {"jobs", "wake", OPT_STR, O(jobs_wake), "127.0.0.1:7207", 0, 0, NULL, 0, check_wake},
    {"jobs", "wake_listen", OPT_STR, O(jobs_wake_listen), "127.0.0.1:7207", 0, 0, NULL, 0, check_wake},
    {"jobs", "backoff_base", OPT_INT, O(jobs_backoff_base), "10", 1, 3600, NULL, 0, NULL},
    {"jobs", "backoff_max", OPT_INT, O(jobs_backoff_max), "3600", 1, 86400, NULL, 0, NULL},

    {"daemon", "pid_file", OPT_STR, O(daemon_pid_file), "/run/certrenewd/certrenewd.pid", 0, 0, NULL, 0,
     NULL},

    {"log", "level", OPT_ENUM, O(log_level), "info", 0, 0, "debug|info|warn|error", 0, NULL},

    {"paths", "schema_dir", OPT_STR, O(paths_schema_dir), SCHEMA_DIR, 0, 0, NULL, 0, NULL},
    {"paths", "data_dir", OPT_STR, O(paths_data_dir), "/var/lib/certrenew", 0, 0, NULL, 0, NULL},

    {"bank", "account", OPT_STR, O(bank_account), "", 0, 0, NULL, 0, NULL},
    {"bank", "account_name", OPT_STR, O(bank_account_name), "", 0, 0, NULL, 0, NULL},
    {"bank", "bank_name", OPT_STR, O(bank_name), "", 0, 0, NULL, 0, NULL},
    {"bank", "inbox", OPT_STR, O(bank_inbox), "/var/lib/certrenew/bank/inbox", 0, 0, NULL, 0, NULL},
    {"bank", "archive_dir", OPT_STR, O(bank_archive_dir), "/var/lib/certrenew/bank/archive", 0, 0, NULL, 0,
     NULL},
    {"bank", "failed_dir", OPT_STR, O(bank_failed_dir), "/var/lib/certrenew/bank/failed", 0, 0, NULL, 0,
     NULL},
    {"bank", "import_interval", OPT_INT, O(bank_import_interval), "1200", 10, 86400, NULL, 0, NULL},
    {"bank", "max_file", OPT_SIZE, O(bank_max_file), "200M", 1 * KIB, 4 * GIB, NULL, 0, NULL},
    {"bank", "batch", OPT_INT, O(bank_batch), "500", 1, 100000, NULL, 0, NULL},
    {"bank", "export_labels", OPT_STR, O(bank_export_labels), "", 0, 0, NULL, 0, NULL},
    {"bank", "max_credit_fen", OPT_INT, O(bank_max_credit_fen), "100000000", 1, 100000000000000LL, NULL, 0,
     NULL},

    {"price", "base_per_year", OPT_INT, O(price_base_per_year), "20000", 0, 100000000, NULL, 0, NULL},
    {"price", "addon_per_year", OPT_INT, O(price_addon_per_year), "10000", 0, 100000000, NULL, 0, NULL},

    {"order", "ttl_days", OPT_INT, O(order_ttl_days), "7", 1, 365, NULL, 0, NULL},
    {"order", "max_years", OPT_INT, O(order_max_years), "5", 1, 10, NULL, 0, NULL},

    {"attachments", "dir", OPT_STR, O(attachments_dir), "/var/lib/certrenew/attachments", 0, 0, NULL, 0,
     NULL},
    {"attachments", "max_bytes", OPT_SIZE, O(attachments_max_bytes), "10M", 1 * KIB, 1 * GIB, NULL, 0, NULL},
    {"attachments", "reuse_days", OPT_INT, O(attachments_reuse_days), "30", 0, 3650, NULL, 0, NULL},
    {"attachments", "required_enterprise", OPT_STR, O(attachments_required_enterprise), "all", 0, 0, NULL, 0,
     cr_doc_kinds_check_list},
    {"attachments", "required_individual", OPT_STR, O(attachments_required_individual),
     "id_card_front,id_card_back,application_form,responsibility_letter", 0, 0, NULL, 0,
     cr_doc_kinds_check_list},

    {"review", "auto_approve", OPT_ENUM, O(review_auto_approve), "", 0, 0, "|true|false", 0, NULL},
    {"review", "reuse_days", OPT_INT, O(review_reuse_days), "-1", -1, 3650, NULL, 0, NULL},
    {"review", "fresh_kinds", OPT_STR, O(review_fresh_kinds), "", 0, 0, NULL, 0, check_fresh_kinds},
    {"review", "max_years", OPT_INT, O(review_max_years), "-1", -1, 10, NULL, 0, NULL},
    {"review", "max_centres", OPT_INT, O(review_max_centres), "-1", -1, 32, NULL, 0, NULL},
    {"review", "max_amount_fen", OPT_INT, O(review_max_amount_fen), "-1", -1, 100000000, NULL, 0, NULL},

    {"ca", "cert", OPT_STR, O(ca_cert), "", 0, 0, NULL, 0, NULL},
    {"ca", "key", OPT_STR, O(ca_key), "", 0, 0, NULL, 0, NULL},
    {"ca", "renew_before_days", OPT_INT, O(ca_renew_before_days), "90", 0, 3650, NULL, 0, NULL},
    {"ca", "renew_after_days", OPT_INT, O(ca_renew_after_days), "365", 0, 3650, NULL, 0, NULL},
    {"ca", "validity_from", OPT_ENUM, O(ca_validity_from), "issue", 0, 0, "issue|old_expiry", 0, NULL},
    {"ca", "chain", OPT_STR, O(ca_chain), "", 0, 0, NULL, 0, NULL},
    {"ca", "policy_oid", OPT_STR, O(ca_policy_oid), "", 0, 0, NULL, 0, NULL},
    {"ca", "crl_url", OPT_STR, O(ca_crl_url), "", 0, 0, NULL, 0, NULL},
    {"ca", "pkcs11_module", OPT_STR, O(ca_pkcs11_module), "", 0, 0, NULL, 0, NULL},
    {"ca", "pin_file", OPT_STR, O(ca_pin_file), "", 0, 0, NULL, 0, NULL},

    {"ukey", "helper_url", OPT_STR, O(ukey_helper_url), "", 0, 0, NULL, 0, check_loopback_origin},
    {"ukey", "key_alg", OPT_ENUM, O(ukey_key_alg), "rsa", 0, 0, "rsa|p256|sm2", 0, NULL},
    {"ukey", "key_alg_addon", OPT_ENUM, O(ukey_key_alg_addon), "same", 0, 0, "same|rsa|p256|sm2", 0, NULL},
    {"retention", "draft_days", OPT_INT, O(retention_draft_days), "90", 1, 3650, NULL, 0, NULL},
    {"retention", "closed_days", OPT_INT, O(retention_closed_days), "180", 1, 3650, NULL, 0, NULL},
    {"retention", "audit_live_days", OPT_INT, O(retention_audit_live_days), "730", 0, 36500, NULL, 0, NULL},
    {"audit", "key_file", OPT_STR, O(audit_key_file), "", 0, 0, NULL, 0, NULL},

    {"agency", "name", OPT_STR, O(agency_name), "数字证书服务中心", 0, 0, NULL, 0, NULL},
    {"agency", "address", OPT_STR, O(agency_address), "", 0, 0, NULL, 0, NULL},
    {"agency", "hotline", OPT_STR, O(agency_hotline), "", 0, 0, NULL, 0, NULL},
    {"agency", "copyright", OPT_STR, O(agency_copyright), "", 0, 0, NULL, 0, NULL},
    {"agency", "service_hours", OPT_STR, O(agency_service_hours), "8:30-12:00 14:30-18:00", 0, 0, NULL, 0,
     NULL},
    {"agency", "driver_url", OPT_STR, O(agency_driver_url), "http://www.gsggzyjy.cn", 0, 0, NULL, 0,
     check_web_url},

    {"pay", "query_after", OPT_INT, O(pay_query_after), "60", 5, 3600, NULL, 0, NULL},

    {"alipay", "app_id", OPT_STR, O(alipay_app_id), "", 0, 0, NULL, 0, NULL},
    {"alipay", "private_key", OPT_STR, O(alipay_private_key), "", 0, 0, NULL, 0, NULL},
    {"alipay", "public_key", OPT_STR, O(alipay_public_key), "", 0, 0, NULL, 0, NULL},
    {"alipay", "gateway", OPT_STR, O(alipay_gateway), "https://openapi.alipay.com/gateway.do", 0, 0, NULL, 0,
     NULL},
    {"alipay", "seller_id", OPT_STR, O(alipay_seller_id), "", 0, 0, NULL, 0, NULL},

    {"wechat", "mchid", OPT_STR, O(wechat_mchid), "", 0, 0, NULL, 0, NULL},
    {"wechat", "appid", OPT_STR, O(wechat_appid), "", 0, 0, NULL, 0, NULL},
    {"wechat", "private_key", OPT_STR, O(wechat_private_key), "", 0, 0, NULL, 0, NULL},
    {"wechat", "serial_no", OPT_STR, O(wechat_serial_no), "", 0, 0, NULL, 0, NULL},
    {"wechat", "api_v3_key", OPT_STR, O(wechat_api_v3_key), "", 0, 0, NULL, 1, NULL},
    {"wechat", "platform_certs", OPT_STR, O(wechat_platform_certs), "", 0, 0, NULL, 0, NULL},
    {"wechat", "platform_public_key", OPT_STR, O(wechat_platform_public_key), "", 0, 0, NULL, 0, NULL},
    {"wechat", "platform_public_key_id", OPT_STR, O(wechat_platform_public_key_id), "", 0, 0, NULL, 0, NULL},
    {"wechat", "api_base", OPT_STR, O(wechat_api_base), "https://api.mch.weixin.qq.com", 0, 0, NULL, 0, NULL},
    {"wechat", "h5", OPT_ENUM, O(wechat_h5), "no", 0, 0, "yes|no", 0, NULL},
};

#define NOPTS (sizeof opts / sizeof opts[0])

static char **
str_slot(struct cr_config *cfg, const struct opt *o)
{
	return (char **)((char *)cfg + o->off);
}

static int64_t *
int_slot(struct cr_config *cfg, const struct opt *o)
{
	return (int64_t *)((char *)cfg + o->off);
}

int
cr_choice_has(const char *choices, const char *v)
{
	size_t n = strlen(v);

	for (const char *p = choices; *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && strncmp(p, v, n) == 0)
			return 1;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	return 0;
}

/* Parses v for option o into cfg; on error writes the reason to why. */
static int
opt_set(struct cr_config *cfg, const struct opt *o, const char *v, char *why, size_t whylen)
{
	char *end, *copy;
	long long n;

	switch (o->type) {
	case OPT_STR:
	case OPT_ENUM:
		if (o->type == OPT_ENUM && !cr_choice_has(o->choices, v)) {
			snprintf(why, whylen, "'%s' is not one of %s", v, o->choices);
			return -1;
		}
		if (o->check && o->check(v, why, whylen) != 0)
			return -1;
		if ((copy = strdup(v)) == NULL) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		free(*str_slot(cfg, o));
		*str_slot(cfg, o) = copy;
		return 0;
	case OPT_INT:
	case OPT_SIZE:
	case OPT_OCTAL:
		if (o->type == OPT_SIZE && !isdigit((unsigned char)v[0])) {
			snprintf(why, whylen, "'%s' is not a size (digits, then K, M or G)", v);
			return -1;
		}
		errno = 0;
		n = strtoll(v, &end, o->type == OPT_OCTAL ? 8 : 10);
		if (end == v || errno != 0) {
			snprintf(why, whylen, "'%s' is not %s", v,
			         o->type == OPT_OCTAL ? "an octal mode" : "an integer");
			return -1;
		}
		if (o->type == OPT_SIZE && *end) {
			long long mul = 1;

			switch (toupper((unsigned char)*end)) {
			case 'K': mul = KIB; break;
			case 'M': mul = MIB; break;
			case 'G': mul = GIB; break;
			default: mul = 0; break;
			}
			if (mul == 0 || end[1] != '\0' || n > INT64_MAX / mul) {
				snprintf(why, whylen, "'%s' is not a size (a number with K, M or G)", v);
				return -1;
			}
			n *= mul;
			end++;
		}
		if (*end != '\0') {
			snprintf(why, whylen, "'%s' has trailing characters", v);
			return -1;
		}
		if (n < o->min || n > o->max) {
			snprintf(why, whylen, "%lld is out of bounds (%lld to %lld)", n, (long long)o->min,
			         (long long)o->max);
			return -1;
		}
		*int_slot(cfg, o) = n;
		return 0;
	}
	return -1;
}

void
cr_config_defaults(struct cr_config *cfg)
{
	char why[256];

	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NOPTS; i++)
		if (opt_set(cfg, &opts[i], opts[i].def, why, sizeof why) != 0)
			abort(); /* a default that fails its own bounds is a bug */
}

struct load_ctx {
	struct cr_config *cfg;
	char why[400];
};

static int
ini_cb(void *user, const char *section, const char *key, const char *value)
{
	struct load_ctx *ctx = user;
	char why[256];

	for (size_t i = 0; i < NOPTS; i++) {
		if (strcmp(opts[i].section, section) != 0 || strcmp(opts[i].key, key) != 0)
			continue;
		if (opt_set(ctx->cfg, &opts[i], value, why, sizeof why) != 0) {
			snprintf(ctx->why, sizeof ctx->why, "[%s] %s: %s", section, key, why);
			return 0;
		}
		return 1;
	}
	snprintf(ctx->why, sizeof ctx->why, "[%s] %s: unknown option", section, key);
	return 0;
}

int
cr_config_load(struct cr_config *cfg, const char *path, struct cr_err *err)
{
	struct load_ctx ctx = {.cfg = cfg};
	FILE *f;
	int line;

	cr_config_defaults(cfg);
	if ((f = fopen(path, "r")) == NULL)
		return cr_err_set(err, CR_EIO, "%s: %s", path, strerror(errno));
	line = ini_parse_file(f, ini_cb, &ctx);
	fclose(f);
	if (line != 0) {
		if (ctx.why[0] == '\0')
			snprintf(ctx.why, sizeof ctx.why, "syntax error (expected [section] or key = value)");
		cr_config_release(cfg);
		cr_config_defaults(cfg);
		return cr_err_set(err, CR_EINVAL, "%s:%d: %s", path, line, ctx.why);
	}
	if (cfg->wechat_mchid[0] && strlen(cfg->wechat_api_v3_key) != 32) {
		cr_err_set(err, CR_EINVAL,
		           "%s: [wechat] api_v3_key: must be the 32 characters set in the merchant platform",
		           path);
		cr_config_release(cfg);
		cr_config_defaults(cfg);
		return CR_EINVAL;
	}
	cfg->path = strdup(path);
	if (cfg->path == NULL)
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	return 0;
}

void
cr_config_free(struct cr_config *cfg)
{
	if (cfg == NULL)
		return;
	cr_config_release(cfg);
	free(cfg);
}

void
cr_config_release(struct cr_config *cfg)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].type == OPT_STR || opts[i].type == OPT_ENUM) {
			free(*str_slot(cfg, &opts[i]));
			*str_slot(cfg, &opts[i]) = NULL;
		}
	free(cfg->path);
	cfg->path = NULL;
}

int
cr_config_web_workers(const struct cr_config *cfg)
{
	long cores;

	if (cfg->web_workers > 0)
		return (int)cfg->web_workers;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores > 0 ? (int)(2 * cores) : 2;
}

void
cr_config_dump(const struct cr_config *cfg)
{
	const char *last = "";

	for (size_t i = 0; i < NOPTS; i++) {
		const struct opt *o = &opts[i];

		if (strcmp(last, o->section) != 0)
			printf("%s[%s]\n", i ? "\n" : "", o->section);
		last = o->section;
		if (o->secret)
			printf("%s = ********\n", o->key);
		else if (o->type == OPT_STR || o->type == OPT_ENUM)
			printf("%s = %s\n", o->key, *str_slot((struct cr_config *)cfg, o));
		else if (o->type == OPT_OCTAL)
			printf("%s = %04llo\n", o->key, (long long)*int_slot((struct cr_config *)cfg, o));
		else
			printf("%s = %lld\n", o->key, (long long)*int_slot((struct cr_config *)cfg, o));
	}
}
