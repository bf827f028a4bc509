#include <stdlib.h>
#include <string.h>

#include "certs.h"

int
cr_cert_import(struct cr_db *db, long long account_id, const char *token, X509 *x, long long *id,
	       int *created, struct cr_x509_info *info, struct cr_err *err)
{
	struct cr_res res;
	char *pem;
	int rc;

	*created = 0;
	if (strcmp(token, "primary") != 0 && strcmp(token, "secondary") != 0)
		return cr_err_field(err, CR_EINVAL, "token", "token must be primary or secondary");
	if ((rc = cr_x509_info(x, info, err)) != 0)
		return rc;
	if (info->is_ca)
		return cr_err_set(err, CR_EINVAL, "%s is a CA certificate, not a customer's",
				  info->subject);
	if ((pem = cr_x509_pem(x)) == NULL)
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	rc = cr_db_exec(db, NULL, err,
			"INSERT INTO certificates (account_id, token, serial, subject, issuer,"
			" not_before, not_after, status, pem, sha256)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, IF(? < UTC_TIMESTAMP(), 'expired', 'active'), ?, ?)",
			"isssssssss", account_id, token, info->serial, info->subject, info->issuer,
			info->not_before, info->not_after, info->not_after, pem, info->sha256);
	free(pem);
	if (rc == 0) {
		*id = (long long)db->insert_id;
		*created = 1;
		return 0;
	}
	if (rc != CR_ECONFLICT)
		return rc;
	rc = cr_db_exec(db, &res, err,
			"SELECT id FROM certificates WHERE account_id = ? AND sha256 = ?", "is",
			account_id, info->sha256);
	if (rc != 0)
		return rc;
	*id = cr_res_i64(&res, 0, 0);
	cr_res_release(&res);
	return 0;
}
