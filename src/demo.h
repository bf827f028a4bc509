/*
 * Demo data for the local stack (SPEC section 3): the five demo accounts
 * with password demo-password-1, and certificates for the customers signed
 * by a local demo CA kept under data_dir/demo-ca.  Safe to run again:
 * what exists is left as it is.
 */
#ifndef CR_DEMO_H
#define CR_DEMO_H

#include "db.h"

int cr_demo_data(struct cr_db *db, const struct cr_config *cfg, struct cr_err *err);

#endif
