/*
 * certrenewctl's commands.  Each takes its arguments after the command
 * name, prints results on stdout (JSON lines where a program reads them)
 * and messages on stderr, and returns the exit status.
 */
#ifndef CR_CTL_H
#define CR_CTL_H

#include "config.h"

int cr_ctl_migrate(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_user(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_demo_data(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_jobs(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_cert(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_audit(const struct cr_config *cfg, int argc, char **argv);
int cr_ctl_config(const struct cr_config *cfg, int argc, char **argv);

#endif
