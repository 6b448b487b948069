#!/usr/bin/env bash
# Builds cdc-preflight with warnings as errors and runs every test: unit tests and the
# integration tests, which start their own throwaway PostgreSQL servers (as the `postgres`
# account when run as root). Installs missing Debian packages when run as root.
#
# Usage: scripts/test.sh            (from any directory)
# Environment: CDCP_BUILD_DIR (default: build, relative to the repository root);
#   CDCP_PG_BINDIR (PostgreSQL server binaries; default: Debian's PostgreSQL 15, else the
#   newest installed).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

cdcp_install_build_dependencies
cdcp_find_pg_bindir
cdcp_configure_and_build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCDCP_WERROR=ON
cdcp_log "ctest --test-dir $CDCP_BUILD_DIR --output-on-failure --no-tests=error -j2"
ctest --test-dir "$CDCP_BUILD_DIR" --output-on-failure --no-tests=error -j2
