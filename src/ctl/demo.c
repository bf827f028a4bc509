/*
 * certrenewctl demo-data: demo data for the local stack (SPEC section 3):
 * the five demo accounts with password demo-password-1, and certificates
 * for the customers near expiry, signed by the configured issuing CA ([ca],
 * so that they verify against ca.chain like the ones certrenewd issues), or,
 * without one, by a local demo CA kept under data_dir/demo-ca.
 * Safe to run again: what exists is left as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "account/account.h"
#include "ctl.h"
#include "log.h"
#include "pki/pki.h"

#define DEMO_PASSWORD "demo-password-1"

struct demo_cert {
	const char *token;
	int expires_in_days; /* from today */
};

struct demo_account {
	const char *login, *name;
	enum cr_role role;
	struct demo_cert certs[2];
};

static const struct demo_account accounts[] = {
    {"我是测试企业", "我是测试企业", CR_ROLE_ENTERPRISE, {{"primary", 30}, {"secondary", 45}}},
    {"zhangsan", "张三", CR_ROLE_INDIVIDUAL, {{"primary", 20}, {NULL, 0}}},
    {"reviewer", "审核员", CR_ROLE_REVIEWER, {{NULL, 0}}},
    {"finance", "财务", CR_ROLE_FINANCE, {{NULL, 0}}},
    {"admin", "管理员", CR_ROLE_ADMIN, {{NULL, 0}}},
};

/* The configured issuing CA, else the demo CA (made on first use). */
static int
demo_ca(const struct cr_config *cfg, X509 **ca, EVP_PKEY **key, struct cr_err *err)
{
	char dir[4096], cert_path[4200], key_path[4200];
	struct cr_ca issuing;
	struct cr_err why;
	struct stat st;
	int rc;

	if (cfg->ca_cert[0] && cfg->ca_key[0]) {
		if (cr_ca_load(&issuing, cfg, 1, &why) == 0) {
			*ca = issuing.cert;
			*key = issuing.key;
			issuing.cert = NULL;
			issuing.key = NULL;
			cr_ca_release(&issuing);
			return 0;
		}
		cr_warn("demo: the configured CA cannot sign (%s); using the demo CA", why.msg);
	}

	snprintf(dir, sizeof dir, "%s/demo-ca", cfg->paths_data_dir);
	snprintf(cert_path, sizeof cert_path, "%s/ca.pem", dir);
	snprintf(key_path, sizeof key_path, "%s/ca.key", dir);
	if (stat(cert_path, &st) == 0)
		return cr_x509_load_pair(cert_path, key_path, ca, key, err);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cr_err_set(err, CR_EIO, "%s: %s", dir, strerror(errno));
	if ((*key = cr_x509_key_new()) == NULL)
		return cr_err_set(err, CR_EIO, "demo CA: cannot make a key");
	*ca = cr_x509_sign(*key, "certrenew demo", "certrenew 演示 CA（仅供本地测试）", NULL, *key, -1, 3650,
	                   1, &why);
	if (*ca == NULL)
		return cr_err_set(err, why.code, "demo CA: %s", why.msg);
	if ((rc = cr_x509_write(key_path, NULL, *key, err)) != 0 ||
	    (rc = cr_x509_write(cert_path, *ca, NULL, err)) != 0)
		return rc;
	cr_info("demo: made demo CA %s", cert_path);
	return 0;
}

static int
demo_certs(struct cr_db *db, const struct demo_account *a, long long uid, X509 *ca, EVP_PKEY *cakey,
           struct cr_err *err)
{
	long long held;
	int rc;

	if ((rc = cr_certs_count(db, uid, &held, err)) != 0 || held > 0)
		return rc;
	for (int i = 0; i < 2 && a->certs[i].token; i++) {
		struct cr_x509_info info;
		struct cr_err why;
		EVP_PKEY *k = cr_x509_key_new();
		long long id;
		int created;
		X509 *x;

		if (k == NULL)
			return cr_err_set(err, CR_EIO, "demo: cannot make a key");
		x = cr_x509_sign(k, a->name, a->name, ca, cakey, a->certs[i].expires_in_days - 365,
		                 a->certs[i].expires_in_days, 0, &why);
		EVP_PKEY_free(k);
		if (x == NULL)
			return cr_err_set(err, why.code, "demo: %s", why.msg);
		rc = cr_cert_import(db, uid, a->certs[i].token, x, &id, &created, &info, err);
		X509_free(x);
		if (rc != 0)
			return rc;
		cr_info("demo: certificate %lld (%s key) for %s, expires %s", id, a->certs[i].token, a->login,
		        info.not_after);
	}
	return 0;
}

static int
demo_data(struct cr_db *db, const struct cr_config *cfg, struct cr_err *err)
{
	EVP_PKEY *cakey = NULL;
	X509 *ca = NULL;
	int rc;

	if ((rc = demo_ca(cfg, &ca, &cakey, err)) != 0)
		goto out;
	for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++) {
		const struct demo_account *a = &accounts[i];
		struct cr_user u;
		long long id;

		rc = cr_user_find(db, a->login, &u, NULL, NULL);
		if (rc == 0) {
			id = u.id;
		} else {
			if ((rc = cr_user_add(db, a->login, a->name, a->role, DEMO_PASSWORD, &id, err)) != 0)
				goto out;
			cr_info("demo: account %s (%s)", a->login, cr_role_name(a->role));
		}
		if ((rc = demo_certs(db, a, id, ca, cakey, err)) != 0)
			goto out;
	}
out:
	X509_free(ca);
	EVP_PKEY_free(cakey);
	return rc;
}

int
cr_ctl_demo_data(const struct cr_config *cfg, int argc, char **argv)
{
	struct cr_db *db;
	struct cr_err err;

	(void)argc;
	(void)argv;
	if ((db = cr_ctl_db(cfg)) == NULL)
		return 1;
	if (demo_data(db, cfg, &err) != 0)
		return cr_ctl_fail(db, &err);
	cr_db_free(db);
	return 0;
}
