/*
 * certrenewctl's commands, one file per command group.  Each takes its
 * arguments after the command name, prints results on stdout (one JSON
 * object a line where a program reads them) and messages on stderr, and
 * returns the exit status (0 done, 1 failed, 2 bad usage).
 */
#ifndef CR_CTL_CTL_H
#define CR_CTL_CTL_H

#include <jansson.h>
#include <stddef.h>

#include "audit.h"
#include "config.h"
#include "db.h"

int cr_ctl_migrate(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_user(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_demo_data(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_jobs(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_cert(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_audit(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_ledger(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_config(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_import_statement(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_ca(const struct cr_config *cfg, int argc, char **argv);

/* Helpers of the commands (common.c). */
/* Connects, or says why on stderr and returns NULL. */
struct cr_db *cr_ctl_db(const struct cr_config *cfg);
/* Prints err's message on stderr, frees db (may be NULL) and returns 1. */
int cr_ctl_fail(struct cr_db *db, const struct cr_err *err);
/* Prints j as one compact line on stdout and drops the reference. */
void cr_ctl_print(json_t *j);
/* Who runs the command, for the audit log: "certrenewctl:USER" (the operator's system user). */
const struct cr_actor *cr_ctl_actor(void);
/* Audits one change the command made (after: a reference taken); 1 with a message on stderr when it fails. */
int cr_ctl_record(struct cr_db *db, const char *action, const char *object_type, const char *object_id,
                  json_t *after);
/* Reads a password: without echo from a terminal, else the first line of stdin; 0 or -1 when empty. */
int cr_ctl_read_password(char *buf, size_t len);

#endif
