#!/usr/bin/env bash
# Installs the Debian package into a clean Debian root, as a new user's machine would get it,
# and uses it there: `apt-get install ./cdc-preflight_…deb` in a root made by debootstrap
# (minbase, from this machine's configured Debian mirror), then, inside the root,
# `cdc-preflight --version`, the man page, the bash completion loading and completing
# --format, and a real check of a ready server on loopback (exit 0); then, the package
# purged, the GitHub Action's install step (action/install.sh) installing it again from a
# release served on loopback.
#
# Usage: tests/package/root_test.sh BUILD_DIR VERSION [SUITE]
#   SUITE: the release of the root (default: this machine's own, VERSION_CODENAME in
#   /etc/os-release, e.g. bookworm on Debian 12: the release the package is built for).
#   The root is made once and cached (tests/package/clean_root.sh), so a rerun downloads
#   nothing but the package's dependencies.
# Needs root (debootstrap, chroot, mount): otherwise it exits 77, which ctest counts as
# skipped, with the reason, unless CI is set, where it fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="$(cd "$1" && pwd)"
version="$2"
# shellcheck disable=SC1091
suite="${3:-$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")}"
if [[ -z "$suite" ]]; then
  printf 'root_test: no VERSION_CODENAME in /etc/os-release: name the suite\n' >&2
  exit 1
fi

say() { printf 'root_test: %s\n' "$*"; }
fail() {
  printf 'root_test: %s\n' "$*" >&2
  exit 1
}

if [[ "$(id -u)" -ne 0 ]]; then
  [[ -n "${CI:-}" ]] && fail "needs root (debootstrap, chroot and mount), and CI is set"
  say "skipped: needs root (debootstrap, chroot and mount); run the test command as root"
  exit 77
fi
for tool in debootstrap chroot mount dpkg-deb; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install -y debootstrap)"
done

work="$(mktemp -d /tmp/cdcp-root.XXXXXX)"
# shellcheck source=scripts/lib/common.sh disable=SC1091
source "$here/../../scripts/lib/common.sh"
# shellcheck source=tests/package/ready_server.sh
source "$here/ready_server.sh"
# shellcheck source=tests/package/clean_root.sh
source "$here/clean_root.sh"
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  ready_server_stop
  # Removed only once nothing is mounted inside (rm -rf would follow into /dev).
  if clean_root_remove; then rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the clean root ---------------------------------------------------------------------------
clean_root_make "$suite" "$work/clean" || fail "no clean $suite root"
root="$CLEAN_ROOT"

# --- the package ----------------------------------------------------------------------------
(cd "$build_dir" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb="cdc-preflight_${version}_$(dpkg --print-architecture).deb"
[[ -f "$work/out/$deb" ]] || fail "cpack made no $deb"
cp "$work/out/$deb" "$root/tmp/$deb"

say "apt-get update && apt-get install -y ./$deb (in the root)"
clean_root_run apt-get update >"$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; fail "apt-get update failed"; }
clean_root_run sh -c "cd /tmp && apt-get install -y --no-install-recommends ./$deb" >>"$work/apt.log" 2>&1 ||
  { tail -n 30 "$work/apt.log" >&2; fail "apt-get install ./$deb failed"; }
grep -E '^(Setting up|Unpacking) ' "$work/apt.log" | sed 's/^/  /'

# --- what a user sees -------------------------------------------------------------------------
installed="$(clean_root_run cdc-preflight --version)" || fail "cdc-preflight --version failed"
say "cdc-preflight --version: $installed"
[[ "$installed" == "cdc-preflight $version "* ]] || fail "unexpected version line: $installed"

page="/usr/share/man/man1/cdc-preflight.1.gz"
[[ -f "$root$page" ]] || fail "no man page at $page"
head_line="$(clean_root_run sh -c "zcat $page | head -n 1")"
[[ "$head_line" == '.TH CDC\-PREFLIGHT 1 '* ]] || fail "the man page starts with: $head_line"
say "man page: $page ($head_line)"

completion="/usr/share/bash-completion/completions/cdc-preflight"
completed="$(clean_root_run bash -c 'source "$1"
COMP_WORDS=(cdc-preflight check --format ""); COMP_CWORD=3; _cdc_preflight
printf "%s\n" "${COMPREPLY[*]}"' _ "$completion")" || fail "the bash completion did not load"
[[ "$completed" == "text json junit markdown sql github" ]] ||
  fail "bash completion of --format: '$completed'"
say "bash completion of 'cdc-preflight check --format <TAB>': $completed"

# A ready server on this machine's loopback, which the root shares.
cdcp_find_pg_bindir
ready_server_start "$CDCP_PG_BINDIR" || fail "the ready server did not start"
say "a ready PostgreSQL $(cdcp_pg_major "$CDCP_PG_BINDIR") on 127.0.0.1:$READY_SERVER_PORT"
rc=0
clean_root_run env PGPASSWORD="$READY_SERVER_PASSWORD" NO_COLOR=1 cdc-preflight check -w \
  -h 127.0.0.1 -p "$READY_SERVER_PORT" -U "$READY_SERVER_USER" -d "$READY_SERVER_DB" \
  >"$work/report.txt" 2>&1 || rc=$?
sed 's/^/  | /' "$work/report.txt"
[[ "$rc" -eq 0 ]] || fail "the installed cdc-preflight exited $rc on a ready server (0 expected)"
grep -q '^Ready' "$work/report.txt" || fail "the report does not say Ready"
say "the packaged cdc-preflight, installed in a clean $suite root, reports the server ready (exit 0)"

# --- the Action's install step in the same root ---------------------------------------------
# What `uses: …/cdc-preflight@v1` runs on a runner (action/install.sh): the release's asset
# for this system downloaded (from a release served on loopback), its SHA256 checked, and
# installed with the root's apt-get, once the package installed above is purged.
# shellcheck source=tests/action/release_lib.sh
source "$here/../action/release_lib.sh"
clean_root_run apt-get purge -y cdc-preflight >>"$work/apt.log" 2>&1 ||
  fail "apt-get purge cdc-preflight failed"
cdcp_fake_release "$build_dir" "$work/release" "$version" || fail "no release made"
cdcp_serve_release "$work/release" || fail "the release server did not start"
release_server="$CDCP_RELEASE_SERVER_PID"
rc=0
cdcp_install_in_root "$CLEAN_ROOT" "$here/../.." "$version" >"$work/install.log" 2>&1 || rc=$?
kill "$release_server" 2>/dev/null || true
wait "$release_server" 2>/dev/null || true
sed 's/^/  | /' "$work/install.log" | grep -v -E '^  \| (Get|Selecting|Preparing|Unpacking|Setting up|Processing) ' || true
[[ "$rc" -eq 0 ]] || fail "the Action's install step exited $rc in the root"
installed="$(clean_root_run cdc-preflight --version)" || fail "cdc-preflight --version failed"
[[ "$installed" == "cdc-preflight $version "* ]] || fail "after the Action's install: $installed"
say "the Action's install step (action/install.sh) installed it from the release: $installed"
