#!/usr/bin/env bash
# The install step of the cdc-preflight GitHub Action (action.yml): installs the
# released Debian package made for this runner, else builds one from the
# Action's own source, and installs it with apt-get (through sudo when not root).
#
# The version: the `version` input; else, when the Action is used at a release tag
# (v1, v1.2, v1.2.3), the version of its own source (CMakeLists.txt), which the
# release of that tag carries; else (a branch, a commit, `uses: ./`) none: the
# package is built from the source the Action runs.
# The release asset: cdc-preflight_VERSION_DISTRO_ARCH.deb, DISTRO from
# /etc/os-release (debian12, debian13, ubuntu24.04), ARCH from dpkg (amd64, arm64),
# downloaded from RELEASE_URL/vVERSION/ with the release's SHA256SUMS, and installed
# only if its SHA256 is the one listed. RELEASE_URL is the `release-url` input (or
# CDCP_RELEASE_URL), by default the GitHub releases of the Action's repository.
# No release, no asset for this system, no SHA256SUMS entry: built from source.
# A download that fails otherwise, or a wrong checksum: the step fails.
# Nothing is installed when `cdc-preflight --version` already names the version.
#
# Environment (action.yml sets it): INPUT_VERSION, INPUT_RELEASE_URL,
# CDCP_ACTION_REPOSITORY and CDCP_ACTION_REF (github.action_repository and
# github.action_ref, which GitHub leaves out of a composite action's
# GITHUB_ACTION_REPOSITORY and GITHUB_ACTION_REF), GITHUB_ACTION_PATH, RUNNER_TEMP.
# CDCP_ACTION_PLAN_ONLY=1: download and verify, then print the plan and install
# nothing (no apt-get, no build).
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
repository="${CDCP_ACTION_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}"
ref="${CDCP_ACTION_REF:-${GITHUB_ACTION_REF:-}}"
release_url="${INPUT_RELEASE_URL:-${CDCP_RELEASE_URL:-}}"
plan_only="${CDCP_ACTION_PLAN_ONLY:-0}"
temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

say() { printf 'cdc-preflight install: %s\n' "$*" >&2; }

fail() {
  local text="$*"
  text="${text//'%'/%25}"
  text="${text//$'\n'/%0A}"
  printf '::error title=cdc-preflight install::%s\n' "$text"
  exit 1
}

plan() { printf 'plan: %s\n' "$*"; }

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    fail "installing needs root or sudo: $*"
  fi
}

apt_updated=false
apt_install() {
  if [[ "$apt_updated" == false ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
    </dev/null
}

# The version CMakeLists.txt's project() names, or nothing.
source_version() {
  sed -n 's/^project(cdc-preflight VERSION \([0-9][0-9.]*\).*/\1/p' \
    "$action_path/CMakeLists.txt" 2>/dev/null | head -n 1
}

# debian12, debian13, ubuntu24.04, or nothing for another system.
distro_tag() {
  local id="" version=""
  if [[ -r /etc/os-release ]]; then
    id="$(sed -n 's/^ID=//p' /etc/os-release | tr -d '"')"
    version="$(sed -n 's/^VERSION_ID=//p' /etc/os-release | tr -d '"')"
  fi
  case "$id:$version" in
    debian:12 | debian:13 | ubuntu:24.04) printf '%s%s' "$id" "$version" ;;
  esac
}

# Downloads $1 to $2: 0 done, 2 not found (HTTP 404), 1 any other failure.
fetch() {
  local code
  code="$(curl -sSL --retry 3 --connect-timeout 20 -o "$2" -w '%{http_code}' "$1")" ||
    { say "cannot download $1"; return 1; }
  case "$code" in
    200) return 0 ;;
    404) return 2 ;;
    *) say "$1: HTTP $code"; return 1 ;;
  esac
}

# The .deb: apt-get installs its Depends from the system's archive (and replaces
# another version of cdc-preflight, older or newer).
install_deb() {
  if [[ "$plan_only" == 1 ]]; then
    plan "apt-get install -y $1"
    return
  fi
  apt_install --allow-downgrades "$1"
  say "installed $(cdc-preflight --version)"
}

build_from_source() {
  local packages=(build-essential cmake pkg-config file libpq-dev libcli11-dev libfmt-dev
    libspdlog-dev nlohmann-json3-dev)
  if [[ "$plan_only" == 1 ]]; then
    plan "build from source in $action_path (cmake, cpack -G DEB), then apt-get install -y the package"
    return
  fi
  command -v apt-get >/dev/null || fail "building cdc-preflight needs a Debian or Ubuntu system (apt-get)"
  say "building cdc-preflight from $action_path"
  apt_install "${packages[@]}"
  local build_dir
  build_dir="$(mktemp -d "$temp/cdc-preflight-build.XXXXXX")"
  cmake -S "$action_path" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCDCP_TESTS=OFF
  cmake --build "$build_dir" -j"$(nproc)"
  (cd "$build_dir" && cpack -G DEB)
  local debs=("$build_dir"/cdc-preflight_*.deb)
  [[ -f "${debs[0]}" ]] || fail "cpack made no package in $build_dir"
  install_deb "${debs[0]}"
}

[[ "${RUNNER_OS:-Linux}" == Linux ]] || fail "cdc-preflight runs on Linux runners (this one: $RUNNER_OS)"

# --- which version, from where ----------------------------------------------------------
version="${INPUT_VERSION:-}"
version="${version#v}"
reason=""
if [[ -z "$version" ]]; then
  if [[ "$ref" =~ ^v[0-9]+(\.[0-9]+){0,2}$ ]]; then
    version="$(source_version)"
    [[ -n "$version" ]] || reason="no version in $action_path/CMakeLists.txt"
  else
    reason="the Action's ref (${ref:-none: a local path}) is not a release tag"
  fi
fi
[[ -z "$version" || "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  fail "version: expected a release version such as 0.1.0, not '${INPUT_VERSION:-}'"

wanted="${version:-$(source_version)}"
if [[ -n "$wanted" ]] && command -v cdc-preflight >/dev/null; then
  installed="$(cdc-preflight --version 2>/dev/null | head -n 1 || true)"
  if [[ "$installed" == "cdc-preflight $wanted "* ]]; then
    say "already installed: $installed"
    [[ "$plan_only" == 1 ]] && plan "nothing to install: $installed"
    exit 0
  fi
fi

distro="$(distro_tag)"
arch="$(dpkg --print-architecture 2>/dev/null || true)"
if [[ -z "$reason" ]]; then
  if [[ -z "$distro" ]]; then
    reason="no release package for this system ($(sed -n 's/^PRETTY_NAME=//p' /etc/os-release 2>/dev/null | tr -d '"'))"
  elif [[ "$arch" != amd64 && "$arch" != arm64 ]]; then
    reason="no release package for the architecture ${arch:-unknown}"
  elif [[ -z "$release_url" && -z "$repository" ]]; then
    reason="no repository to download version $version from"
  fi
fi
# Says why, builds and installs from the Action's source, and ends the step.
from_source_because() {
  say "$1: building from source"
  build_from_source
  exit 0
}

if [[ -n "$reason" ]]; then
  from_source_because "$reason"
fi

# --- the release asset, verified ----------------------------------------------------------
release_url="${release_url:-${GITHUB_SERVER_URL:-https://github.com}/$repository/releases/download}"
base="${release_url%/}/v$version"
asset="cdc-preflight_${version}_${distro}_${arch}.deb"
if ! command -v curl >/dev/null; then
  if [[ "$plan_only" == 1 ]]; then
    plan "apt-get install -y curl ca-certificates, download $base/$asset, verify, install it"
    exit 0
  fi
  apt_install curl ca-certificates
fi
download_dir="$(mktemp -d "$temp/cdc-preflight-release.XXXXXX")"
chmod 755 "$download_dir"  # apt-get reads the .deb as its own user when it can

status=0
fetch "$base/SHA256SUMS" "$download_dir/SHA256SUMS" || status=$?
if [[ $status -eq 2 ]]; then
  from_source_because "no release v$version at $base (no SHA256SUMS)"
fi
[[ $status -eq 0 ]] || fail "cannot download $base/SHA256SUMS"
expected="$(awk -v asset="$asset" '$2 == asset || $2 == "*" asset { print $1; exit }' \
  "$download_dir/SHA256SUMS")"
if [[ -z "$expected" ]]; then
  from_source_because "release v$version has no $asset (for $distro $arch)"
fi
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "$base/SHA256SUMS: not a SHA256 for $asset: $expected"
status=0
fetch "$base/$asset" "$download_dir/$asset" || status=$?
if [[ $status -eq 2 ]]; then
  from_source_because "release v$version lists $asset but does not hold it"
fi
[[ $status -eq 0 ]] || fail "cannot download $base/$asset"
actual="$(sha256sum "$download_dir/$asset" | cut -d ' ' -f 1)"
if [[ "$actual" != "$expected" ]]; then
  rm -f -- "$download_dir/$asset"
  fail "$asset: SHA256 mismatch: SHA256SUMS of v$version says $expected, the download is $actual; nothing installed"
fi
say "downloaded $base/$asset (SHA256 $actual, as SHA256SUMS lists it)"
[[ "$plan_only" == 1 ]] && plan "install $asset from $base (SHA256 verified)"
install_deb "$download_dir/$asset"
