/*
 * Start-up shared by the three programs: safe standard descriptors, the
 * -c option, configuration and logging.
 */
#ifndef CR_STARTUP_H
#define CR_STARTUP_H

#include "config.h"

/* Makes sure fds 0-2 are open (to /dev/null if not). */
void cr_startup_fds(void);
/* The default configuration file: CR_CONF env, else the build's default. */
const char *cr_startup_default_conf(void);
/*
 * Loads path into a new config and sets up logging for prog; exits with a
 * message naming file, line and key on error.  Caller owns the result.
 */
struct cr_config *cr_startup_config(const char *prog, const char *path);
/* Writes our pid to path, refusing when it names another live process. */
int cr_startup_pidfile(const char *path);

#endif
