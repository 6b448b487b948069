#!/usr/bin/env bash
# Runs the README's test command (scripts/test.sh, as CI runs it: as root, CI=true) inside a
# clean root of another Debian release, on a copy of this tree (its tracked and new files, as
# they are now): the build on that release's toolchain (g++, CMake, fmt, spdlog, CLI11,
# GoogleTest, PostgreSQL from its archive) warning-free, and every test passing there.
#
# Usage: [CDCP_ROOT_TREE=REV] tests/package/test_in_root.sh SUITE [VAR=VALUE...]
#   e.g. tests/package/test_in_root.sh trixie            (Debian 13)
#        tests/package/test_in_root.sh trixie CDCP_SANITIZE_RUN=0
# CDCP_ROOT_TREE=REV (e.g. HEAD) copies that commit (git archive) instead of the tree as it is.
# The root is made once and cached (tests/package/clean_root.sh); the run's whole output is
# kept in /tmp/cdcp-test-in-SUITE.log. Needs root. Exits with the test command's exit code.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
suite="${1:?usage: test_in_root.sh SUITE [VAR=VALUE...]}"
shift
[[ "$(id -u)" -eq 0 ]] || { printf 'test_in_root: needs root\n' >&2; exit 1; }
log="/tmp/cdcp-test-in-$suite.log"

work="$(mktemp -d /tmp/cdcp-test-in-root.XXXXXX)"
# shellcheck source=tests/package/clean_root.sh
source "$here/clean_root.sh"
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if clean_root_remove; then rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

clean_root_make "$suite" "$work/clean"
mkdir -p "$CLEAN_ROOT/src/cdc-preflight"
if [[ -n "${CDCP_ROOT_TREE:-}" ]]; then
  git -C "$repo" archive --format=tar "$CDCP_ROOT_TREE" | tar -C "$CLEAN_ROOT/src/cdc-preflight" -xf -
else
  (cd "$repo" && git ls-files -z -c -o --exclude-standard | tar --null -T - -cf -) |
    tar -C "$CLEAN_ROOT/src/cdc-preflight" -xf -
fi

# The trust store's variables as this machine sets them, for npm, curl and Python inside.
env_args=(CI=true)
for name in NODE_EXTRA_CA_CERTS SSL_CERT_FILE CURL_CA_BUNDLE REQUESTS_CA_BUNDLE AWS_CA_BUNDLE \
  npm_config_cafile; do
  [[ -n "${!name:-}" ]] && env_args+=("$name=${!name}")
done
env_args+=("$@")
printf 'test_in_root: scripts/test.sh in a clean %s root (%s), log in %s\n' "$suite" \
  "${env_args[*]}" "$log"
rc=0
clean_root_run env "${env_args[@]}" bash -c 'cd /src/cdc-preflight && scripts/test.sh' \
  </dev/null >"$log" 2>&1 || rc=$?
tail -n 15 "$log"
printf 'test_in_root: %s: scripts/test.sh exited %d\n' "$suite" "$rc"
exit "$rc"
