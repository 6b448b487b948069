# shellcheck shell=bash
# Shared helpers for scripts/test.sh and scripts/demo.sh. Source it; do not run it.
#
# After sourcing, CDCP_ROOT is the repository root and the working directory is that root,
# whatever directory the calling script was started from.

CDCP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$CDCP_ROOT" || exit 1

# Debian/Ubuntu packages needed to build cdc-preflight and run all of its tests.
# postgresql: the server (integration tests and the demo start their own throwaway servers);
# pgbouncer: integration tests of the pooler diagnosis; clang: sanitizer builds;
# clang-format, clang-tidy: the style the test command checks; curl: the GitHub Action's
# install step downloads the release with it (tests/action); file: cpack's search for the
# binaries whose libraries make the package's Depends; debootstrap: the clean Debian root
# the package is installed into (tests/package/root_test.sh); zsh, fish: the shells whose
# completions are tried (tests/completion/shells_test.sh); python3-jsonschema: the JSON
# Schemas every report and snapshot of the tests is validated against (tests/schema);
# python3-yaml: the GitHub Action's test reads action.yml (tests/action/action_test.sh).
CDCP_PACKAGES=(
  build-essential cmake pkg-config ca-certificates
  libpq-dev libcli11-dev libfmt-dev libspdlog-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev
  postgresql postgresql-client pgbouncer libxml2-utils
  awscli python3 python3-jsonschema python3-yaml
  clang clang-format clang-tidy
  curl file debootstrap zsh fish
)

CDCP_BUILD_DIR="${CDCP_BUILD_DIR:-build}"

cdcp_log() {
  printf '==> %s\n' "$*" >&2
}

cdcp_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

cdcp_is_root() {
  [[ "$(id -u)" -eq 0 ]]
}

# Prints the packages among "$@" that are not installed, one per line.
cdcp_missing_packages() {
  local package status
  for package in "$@"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)"
    [[ "$status" == "installed" ]] || printf '%s\n' "$package"
  done
}

# Prints a TCP port on which nothing listens on 127.0.0.1; returns 1 when none is found.
cdcp_free_port() {
  local port tries
  for ((tries = 0; tries < 200; tries++)); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  return 1
}

# Installs the packages among "$@" that are missing. As root: apt-get update (once per run),
# then apt-get install -y. Otherwise prints the command to run and exits 1.
CDCP_APT_UPDATED=0
cdcp_install_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    cdcp_log "not a Debian-based system: cannot check packages; needed: $*"
    return 0
  fi
  local missing
  mapfile -t missing < <(cdcp_missing_packages "$@")
  [[ ${#missing[@]} -eq 0 ]] && return 0

  if ! cdcp_is_root; then
    printf 'error: missing packages: %s\n' "${missing[*]}" >&2
    printf 'Install them as root, then run this script again:\n' >&2
    printf '  sudo apt-get update && sudo apt-get install -y %s\n' "${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [[ "$CDCP_APT_UPDATED" -eq 0 ]]; then
    cdcp_log "apt-get update"
    apt-get update
    CDCP_APT_UPDATED=1
  fi
  cdcp_log "apt-get install -y ${missing[*]}"
  apt-get install -y "${missing[@]}" </dev/null
}

cdcp_install_build_dependencies() {
  cdcp_install_packages "${CDCP_PACKAGES[@]}"
}

# Exports CDCP_PG_BINDIR, the PostgreSQL server binaries the integration tests and the demo use:
# as given, else Debian 12's PostgreSQL 15, else the newest installed major version (e.g.
# PostgreSQL 16 on Ubuntu 24.04).
cdcp_find_pg_bindir() {
  if [[ -z "${CDCP_PG_BINDIR:-}" ]]; then
    CDCP_PG_BINDIR=/usr/lib/postgresql/15/bin
    if [[ ! -x "$CDCP_PG_BINDIR/postgres" ]]; then
      local newest
      newest="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null |
        sort -V | tail -n 1)"
      [[ -n "$newest" ]] && CDCP_PG_BINDIR="$(dirname "$newest")"
    fi
  fi
  [[ -x "$CDCP_PG_BINDIR/postgres" ]] || cdcp_die "no PostgreSQL server binaries in $CDCP_PG_BINDIR"
  export CDCP_PG_BINDIR
}

# Makes npm available (it installs the PostgreSQL majors of the integration test matrix):
# already there (Node.js images ship it), else Debian's package `npm`, installed as root.
# Returns 1 when there is none and this account cannot install it.
cdcp_ensure_npm() {
  command -v npm >/dev/null 2>&1 && return 0
  if cdcp_is_root && command -v dpkg-query >/dev/null 2>&1; then
    cdcp_install_packages npm
  fi
  command -v npm >/dev/null 2>&1
}

# The major version of the PostgreSQL server binaries in bin dir $1, e.g. 15.
cdcp_pg_major() {
  "$1/postgres" --version | sed -n 's/^[^)]*) \([0-9][0-9]*\).*$/\1/p'
}

# Prints the value of the CMake cache variable CDCP_PG_MATRIX: "MAJOR=BINDIR;..." for every
# major scripts/install-postgres-versions.sh installs (PostgreSQL 11 to 18), but the major of
# $CDCP_PG_BINDIR, on which the integration tests run in full anyway.
cdcp_pg_matrix() {
  local full_major lines major bindir matrix=""
  full_major="$(cdcp_pg_major "$CDCP_PG_BINDIR")"
  lines="$("$CDCP_ROOT/scripts/install-postgres-versions.sh")" ||
    cdcp_die "scripts/install-postgres-versions.sh failed (to test PostgreSQL $full_major only:" \
      "CDCP_PG_MATRIX= scripts/test.sh)"
  while read -r major bindir; do
    [[ -z "$major" || "$major" == "$full_major" ]] && continue
    matrix+="${matrix:+;}$major=$bindir"
  done <<<"$lines"
  printf '%s\n' "$matrix"
}

# cdcp_configure_and_build [CMAKE_CONFIGURE_ARG...] [-- CMAKE_BUILD_ARG...]
# Configures "$CDCP_BUILD_DIR" from the repository root and builds it with one job per CPU.
cdcp_configure_and_build() {
  local configure_args=() build_args=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    configure_args+=("$1")
    shift
  done
  [[ $# -gt 0 ]] && shift
  build_args=("$@")

  cdcp_log "cmake -S . -B $CDCP_BUILD_DIR ${configure_args[*]}"
  cmake -S . -B "$CDCP_BUILD_DIR" "${configure_args[@]}"
  cdcp_log "cmake --build $CDCP_BUILD_DIR -j$(nproc) ${build_args[*]}"
  cmake --build "$CDCP_BUILD_DIR" -j"$(nproc)" "${build_args[@]}"
}
