/*
 * The bank inbox (SPEC 3, 7): files a bank (or finance) drops into
 * bank.inbox are imported and then moved: done ones to bank.archive_dir,
 * named with their SHA-256 and format (intake.h), refused ones to bank.failed_dir with a .err
 * report that names the line.  A file is taken once it is complete: names
 * starting with '.' or ending in .tmp or .part are left alone (write, then
 * rename), and so is a file that is still growing (written in place: a
 * file changed within the last CR_INBOX_SETTLE seconds is looked at twice);
 * *fresh counts those, for a look again soon.
 */
#ifndef CR_INBOX_H
#define CR_INBOX_H

#include "statements.h"

#define CR_INBOX_SETTLE 2

/* Imports every complete file of the inbox; *files: how many were taken, *fresh: how many wait. */
int cr_inbox_import(struct cr_db *db, const struct cr_config *cfg,
                    int (*on_batch)(void *, int, struct cr_err *), void *arg, int *files, int *fresh,
                    struct cr_err *err);
/*
 * How many files the inbox holds for an import, and a fingerprint of them
 * (names, sizes, times): what lands makes a new one, so that each arrival
 * queues one import while several daemons watching the inbox queue it once.
 */
int cr_inbox_fingerprint(const struct cr_config *cfg, char hex[65]);
/* 1 when name is one the inbox takes (not hidden, not .tmp or .part). */
int cr_inbox_name_ok(const char *name);

#endif
