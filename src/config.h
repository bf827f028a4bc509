/*
 * Configuration: one INI file (read with inih) mapped onto struct cr_config
 * by a single table of options (section, key, type, default, bounds) in
 * config.c.  An unknown section or key, a value of the wrong type or out of
 * bounds stops loading with a message naming the file, line and key.
 *
 * Ownership: cr_config_load fills a caller-owned struct; strings in it are
 * owned by the struct and freed by cr_config_release.
 */
#ifndef CR_CONFIG_H
#define CR_CONFIG_H

#include <stdint.h>

#include "err.h"

struct cr_config {
	char *path; /* the file it was read from */

	/* [db] */
	char *db_host;
	int64_t db_port;
	char *db_socket;
	char *db_user;
	char *db_password;
	char *db_name;
	int64_t db_timeout;

	/* [web] */
	char *web_socket;
	int64_t web_socket_mode;
	int64_t web_workers; /* 0: two per core */
	int64_t web_backlog;
	int64_t web_max_body;
	int64_t web_drain_timeout;
	int64_t web_session_idle;
	int64_t web_logins_per_minute; /* successful logins of one account */
	int64_t web_session_absolute;

	/* [jobs] */
	int64_t jobs_workers;
	int64_t jobs_max_attempts;
	int64_t jobs_lease;
	int64_t jobs_poll_ms;
	int64_t jobs_stop_grace; /* seconds a stop waits before it warns that jobs still run */
	char *jobs_wake;         /* where daemons hear of new jobs: HOST:PORT, … (empty: they only poll) */
	char *jobs_wake_listen;  /* where this daemon listens for them (empty: it only polls) */
	int64_t jobs_backoff_base;
	int64_t jobs_backoff_max;

	/* [daemon] */
	char *daemon_pid_file;

	/* [log] */
	char *log_level;

	/* [paths] */
	char *paths_schema_dir;
	char *paths_data_dir;

	/* [bank] */
	char *bank_account;
	char *bank_account_name;
	char *bank_name;
	char *bank_inbox;
	char *bank_archive_dir;
	char *bank_failed_dir;
	int64_t bank_import_interval;
	int64_t bank_max_file;       /* bytes: the largest statement read */
	int64_t bank_batch;          /* credits booked per transaction */
	char *bank_export_labels;    /* column labels beyond the built-in ones: "role:label,label;..." */
	int64_t bank_max_credit_fen; /* a credit above it waits for finance, never booked on its own */

	/* [price] */
	int64_t price_base_per_year;
	int64_t price_addon_per_year;

	/* [order] */
	int64_t order_ttl_days;
	int64_t order_max_years;

	/* [attachments] */
	char *attachments_dir;
	int64_t attachments_max_bytes;
	int64_t
	    attachments_reuse_days; /* an earlier application's documents offered again within; 0: never */
	char *attachments_required_enterprise; /* "all" or kinds, comma-separated */
	char *attachments_required_individual;

	/* [retention] the documents of applications that will not go on, deleted after (days untouched) */
	int64_t retention_draft_days;      /* drafts */
	int64_t retention_closed_days;     /* rejected or cancelled applications */
	int64_t retention_audit_live_days; /* audit rows older move to audit_archive; 0: never */

	/*
	 * [review] approval by rule, pinned here for every host (unset: "" or -1, the administrator's choice
	 * on 自动审核 stands); rules.c applies them.
	 */
	char *review_auto_approve; /* "", "true" or "false" */
	int64_t review_reuse_days;
	char *review_fresh_kinds; /* kinds, comma-separated; "none": none; "": unset */
	int64_t review_max_years;
	int64_t review_max_centres;
	int64_t review_max_amount_fen;

	/* [ca] */
	char *ca_cert;
	char *ca_key;
	int64_t ca_renew_before_days;
	int64_t ca_renew_after_days;
	char *ca_validity_from;
	char *ca_chain;         /* PEM file: the CAs above the issuing one (its root), for p7b and verify */
	char *ca_policy_oid;    /* certificatePolicies OID of issued certificates, or "" */
	char *ca_crl_url;       /* CRL distribution point, or "" */
	char *ca_pkcs11_module; /* PKCS#11 module when ca.key is a pkcs11: URI ("": the engine's default) */
	char *ca_pin_file;      /* the token's PIN (first line), readable by certrenewd only */
	char *web_public_url; /* the portal as customers and providers reach it, e.g. https://renew.example.cn
	                       */
	int64_t pay_query_after; /* seconds without a notification before certrenewd asks the provider */
	char *alipay_app_id;
	char *alipay_private_key; /* ours (PEM file) */
	char *alipay_public_key;  /* Alipay's (PEM or base64 file) */
	char *alipay_gateway;
	char *alipay_seller_id; /* checked in notifications when set */
	char *wechat_mchid;
	char *wechat_appid;
	char *wechat_private_key;    /* the merchant's API key (PEM file) */
	char *wechat_serial_no;      /* its certificate's serial */
	char *wechat_api_v3_key;     /* 32 characters; secret */
	char *wechat_platform_certs; /* platform certificate files, separated by spaces */
	char *wechat_platform_public_key;
	char *wechat_platform_public_key_id;
	char *wechat_api_base;
	char *wechat_h5; /* "yes": the merchant has 微信支付 H5, offered on phones (a QR code cannot be
	                    scanned there) */
	char *ukey_helper_url;    /* the customers' local key helper the 证书服务 page talks to, or "" */
	char *ukey_key_alg;       /* the key one-button renewal makes for the company's own certificate */
	char *ukey_key_alg_addon; /* and for an add-on (地州市) certificate: "same", or an algorithm */
	char *audit_key_file;     /* the audit chain's HMAC key (64 hex digits), or "" */
	/* The agency as the login page, the footer and the help pages name it. */
	char *agency_name;
	char *agency_address;
	char *agency_hotline;
	char *agency_copyright;
	char *agency_service_hours;
	char *agency_driver_url; /* where the UKey driver and the offline seal tool are downloaded */
};

/* Sets every option to its default. */
void cr_config_defaults(struct cr_config *cfg);
/*
 * Reads path over the defaults.  On error, err->msg is
 * "FILE:LINE: [section] key: reason" and cfg holds the defaults.
 */
int cr_config_load(struct cr_config *cfg, const char *path, struct cr_err *err);
/* Frees what cfg holds (not cfg itself). */
void cr_config_release(struct cr_config *cfg);
/* cr_config_release, then frees a cfg that was allocated (cr_startup_config's). */
void cr_config_free(struct cr_config *cfg);
/* The number of FastCGI workers to start (resolves 0 to two per core). */
int cr_config_web_workers(const struct cr_config *cfg);
/* 1 when v is one of the '|'-separated choices ("issue|old_expiry"). */
int cr_choice_has(const char *choices, const char *v);
/* Writes every option with its value as INI (secrets masked) to stdout. */
void cr_config_dump(const struct cr_config *cfg);

#endif
