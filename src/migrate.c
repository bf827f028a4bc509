#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bytes.h"
#include "file.h"
#include "log.h"
#include "migrate.h"

#define MAX_FILES 1000
#define MAX_SQL (4 * 1024 * 1024)

static int
is_migration(const char *name)
{
	size_t n = strlen(name);

	return n > 8 && name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9' &&
	       name[2] >= '0' && name[2] <= '9' && name[3] == '_' && strcmp(name + n - 4, ".sql") == 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Applies one file unless already recorded. */
static int
apply(struct cr_db *db, const char *dir, const char *name, int *applied, struct cr_err *err)
{
	char path[4096], sha[65];
	struct cr_res res;
	size_t len;
	char *sql;
	int rc;

	rc = cr_db_exec(db, &res, err, "SELECT sha256 FROM schema_migrations WHERE name = ?", "s", name);
	if (rc != 0)
		return rc;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((rc = cr_file_read(path, MAX_SQL, &sql, &len, err)) != 0) {
		cr_res_release(&res);
		return rc;
	}
	cr_sha256_hex(sha, sql, len);
	if (res.nrows > 0) {
		if (strcmp(cr_res_str(&res, 0, 0), sha) != 0)
			cr_warn("migrate: %s changed since it was applied; not applied again", name);
		cr_res_release(&res);
		free(sql);
		return 0;
	}
	cr_res_release(&res);
	cr_info("migrate: applying %s", name);
	rc = cr_db_script(db, sql, err);
	free(sql);
	if (rc != 0) {
		char why[sizeof err->msg];

		snprintf(why, sizeof why, "%s", err ? err->msg : "failed");
		return cr_err_set(err, rc, "migrate: %s: %s", name, why);
	}
	rc = cr_db_exec(
	    db, NULL, err,
	    "INSERT INTO schema_migrations (name, sha256, applied_at) VALUES (?, ?, UTC_TIMESTAMP())", "ss",
	    name, sha);
	if (rc == 0)
		(*applied)++;
	return rc;
}

int
cr_migrate(struct cr_db *db, const char *dir, int *applied, struct cr_err *err)
{
	char *names[MAX_FILES];
	struct cr_res res;
	struct dirent *de;
	int n = 0, rc;
	DIR *d;

	*applied = 0;
	rc = cr_db_script(db,
	                  "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                  " name VARCHAR(200) PRIMARY KEY, sha256 CHAR(64) NOT NULL,"
	                  " applied_at DATETIME NOT NULL) ENGINE=InnoDB",
	                  err);
	if (rc != 0)
		return rc;
	if ((d = opendir(dir)) == NULL)
		return cr_err_set(err, CR_EIO, "migrate: %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL && n < MAX_FILES)
		if (is_migration(de->d_name) && (names[n] = strdup(de->d_name)) != NULL)
			n++;
	closedir(d);
	qsort(names, n, sizeof names[0], cmp_names);
	rc = cr_db_exec(db, &res, err, "SELECT GET_LOCK('certrenew_migrate', 60)", "");
	if (rc == 0) {
		if (cr_res_i64(&res, 0, 0) != 1)
			rc = cr_err_set(err, CR_ECONFLICT, "migrate: another migration holds the lock");
		cr_res_release(&res);
	}
	for (int i = 0; rc == 0 && i < n; i++)
		rc = apply(db, dir, names[i], applied, err);
	cr_db_exec(db, NULL, NULL, "SELECT RELEASE_LOCK('certrenew_migrate')", "");
	for (int i = 0; i < n; i++)
		free(names[i]);
	return rc;
}
