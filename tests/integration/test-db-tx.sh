#!/bin/sh
# Runs the C program tests/integration/test-db-tx (built with make check) from the build directory, where the
# test harness runs: the db layer's transactions against the stack's MariaDB (CR_CONF).
exec ./tests/integration/test-db-tx
