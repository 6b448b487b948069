#!/usr/bin/env bash
# Builds cdc-preflight with warnings as errors, checks the style (clang-format on every
# source file, clang-tidy on src/), and runs every test: unit tests and the
# integration tests, which start their own throwaway PostgreSQL servers (as the `postgres`
# account when run as root): all suites on CDCP_PG_BINDIR's server, and the core suites on
# every other major from 11 to 18 (installed once by scripts/install-postgres-versions.sh,
# with npm). Installs missing Debian packages when run as root.
#
# Usage: scripts/test.sh            (from any directory)
# Environment: CDCP_BUILD_DIR (default: build, relative to the repository root);
#   CDCP_PG_BINDIR (PostgreSQL server binaries of the full run; default: Debian's
#   PostgreSQL 15, else the newest installed); CDCP_PG_MATRIX (when set, even empty: the
#   other majors, as MAJOR=BINDIR;..., instead of installing 11 to 18);
#   CDCP_SANITIZE_RUN=0 (no sanitizer pass); CDCP_FUZZ_SMOKE_SECONDS (default 10).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

cdcp_install_build_dependencies
cdcp_find_pg_bindir
if [[ -n "${CDCP_PG_MATRIX+set}" ]]; then
  matrix="$CDCP_PG_MATRIX"
elif cdcp_ensure_npm; then
  matrix="$(cdcp_pg_matrix)"
elif [[ -n "${CI:-}" ]]; then
  cdcp_die "npm is missing: the PostgreSQL version matrix cannot be installed (install npm)"
else
  matrix=""
  printf '\nwarning: npm is missing and cannot be installed by this account: the integration\n' >&2
  printf 'warning: tests run on PostgreSQL %s only, not on every major from 11 to 18.\n' \
    "$(cdcp_pg_major "$CDCP_PG_BINDIR")" >&2
  printf 'warning: install npm (e.g. sudo apt-get install -y npm) and run again.\n\n' >&2
fi
cdcp_log "PostgreSQL: all suites on $(cdcp_pg_major "$CDCP_PG_BINDIR") ($CDCP_PG_BINDIR);" \
  "core suites on: $(sed 's/=[^;]*//g; s/;/, /g' <<<"${matrix:-none}")"
cdcp_configure_and_build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCDCP_WERROR=ON \
  "-DCDCP_PG_MATRIX=$matrix"

# The style is applied, not only present: every C++ source file as clang-format
# (.clang-format) writes it, and src/ clean under clang-tidy (.clang-tidy).
mapfile -t cdcp_sources < <(find src include tests fuzz tools -name '*.cc' -o -name '*.h' | sort)
cdcp_log "clang-format --dry-run --Werror (${#cdcp_sources[@]} files)"
clang-format --dry-run --Werror "${cdcp_sources[@]}"
cdcp_log "clang-tidy -p $CDCP_BUILD_DIR (src/)"
find src -name '*.cc' -print0 | sort -z |
  xargs -0 -P "$(nproc)" -n 4 clang-tidy -p "$CDCP_BUILD_DIR" --quiet --warnings-as-errors='*'

cdcp_log "ctest --test-dir $CDCP_BUILD_DIR --output-on-failure --no-tests=error -j$(nproc)"
ctest --test-dir "$CDCP_BUILD_DIR" --output-on-failure --no-tests=error -j"$(nproc)"

# The same unit tests and the PostgreSQL 15 integration suites again, built by clang with
# AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer (any finding aborts the
# test that hit it), with the fuzz targets of fuzz/: each replays its committed corpus
# (fuzz.TARGET.corpus), then fuzzes for CDCP_FUZZ_SMOKE_SECONDS (default 10) from it
# (fuzz.TARGET.smoke; crashes in $sanitize_dir/fuzz/work/TARGET/crashes).
# CDCP_SANITIZE_RUN=0 leaves this pass out (a quicker local run).
if [[ "${CDCP_SANITIZE_RUN:-1}" != 0 ]]; then
  sanitize_dir="${CDCP_BUILD_DIR}-sanitize"
  cdcp_log "cmake -S . -B $sanitize_dir (clang, ASan + UBSan, fuzz targets)"
  CXX=clang++ cmake -S . -B "$sanitize_dir" -DCMAKE_BUILD_TYPE=Debug -DCDCP_WERROR=ON \
    -DCDCP_SANITIZE=ON -DCDCP_FUZZ=ON "-DCDCP_FUZZ_SMOKE_SECONDS=${CDCP_FUZZ_SMOKE_SECONDS:-10}" \
    -DCDCP_PG_MATRIX=
  cmake --build "$sanitize_dir" -j"$(nproc)"
  # Leaks are reported (ASan's default on Linux, said so that no environment turns it off),
  # and a finding exits 86: by default it exits 1, which is also the tool's "not ready", so
  # a leak or undefined behaviour in a run expected to exit 1 would go unnoticed.
  export ASAN_OPTIONS="detect_leaks=1:exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="print_stacktrace=1:exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  cdcp_log "ctest --test-dir $sanitize_dir -j$(nproc) (sanitizers)"
  ctest --test-dir "$sanitize_dir" --output-on-failure --no-tests=error -j"$(nproc)" -LE fuzz-smoke
  cdcp_log "ctest --test-dir $sanitize_dir -L fuzz-smoke -j$(nproc) (${CDCP_FUZZ_SMOKE_SECONDS:-10} s per target)"
  ctest --test-dir "$sanitize_dir" --output-on-failure --no-tests=error -j"$(nproc)" -L fuzz-smoke
fi
