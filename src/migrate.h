/*
 * Schema migrations: the files NNN_name.sql of a directory, applied in
 * order, each once, recorded in schema_migrations with their SHA-256.
 * A lock (GET_LOCK) keeps two migrators from racing.
 */
#ifndef CR_MIGRATE_H
#define CR_MIGRATE_H

#include "db.h"

/* Applies what is missing; *applied receives how many files ran. */
int cr_migrate(struct cr_db *db, const char *dir, int *applied, struct cr_err *err);

#endif
