/* certrenewctl migrate, certrenewctl config. */
#include "migrate.h"
#include "ctl.h"

int
cr_ctl_migrate(const struct cr_config *cfg, int argc, char **argv)
{
	struct cr_db *db;
	struct cr_err err;
	int applied, rc;

	(void)argc;
	(void)argv;
	if ((db = cr_ctl_db(cfg)) == NULL)
		return 1;
	if (cr_migrate(db, cfg->paths_schema_dir, &applied, &err) != 0)
		return cr_ctl_fail(db, &err);
	/* Once the schema holds the audit log: what was applied, by whom. */
	rc = applied ? cr_ctl_record(db, "schema.migrate", "schema", cfg->paths_schema_dir,
	                             json_pack("{s:i}", "applied", applied))
	             : 0;
	cr_ctl_print(json_pack("{s:i}", "applied", applied));
	cr_db_free(db);
	return rc;
}

int
cr_ctl_config(const struct cr_config *cfg, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cr_config_dump(cfg);
	return 0;
}
