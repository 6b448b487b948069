#!/usr/bin/env bash
# Builds the Debian package from a build directory (cpack -G DEB) and checks what
# it holds: its name and version, Depends computed from the libraries the binary
# links (libpq5 and the C++ runtime among them), the binary, the copyright file
# and the compressed changelog where Debian expects them, and that the packaged
# binary runs.
#
# Usage: tests/package/check_deb.sh BUILD_DIR VERSION
set -euo pipefail

build_dir="$1"
version="$2"
work="$(mktemp -d /tmp/cdcp-deb.XXXXXX)"
trap 'rm -rf "$work"' EXIT

fail() {
  printf 'check_deb: %s\n' "$*" >&2
  exit 1
}

command -v dpkg-deb >/dev/null || fail "dpkg-deb is missing (a Debian system is needed)"
command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps is missing (apt-get install dpkg-dev)"

(cd "$build_dir" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
arch="$(dpkg --print-architecture)"
deb="$work/out/cdc-preflight_${version}_${arch}.deb"
[[ -f "$deb" ]] || { ls -l "$work/out" >&2; fail "no $deb"; }

field() { dpkg-deb -f "$deb" "$1"; }
[[ "$(field Package)" == cdc-preflight ]] || fail "Package: $(field Package)"
[[ "$(field Version)" == "$version" ]] || fail "Version: $(field Version)"
[[ "$(field Architecture)" == "$arch" ]] || fail "Architecture: $(field Architecture)"
depends="$(field Depends)"
for library in libpq5 libc6 libstdc++6 libfmt libspdlog; do
  grep -q "$library" <<<"$depends" || fail "Depends lacks $library: $depends"
done
[[ -n "$(field Homepage)" ]] || fail "no Homepage"
[[ -n "$(field Description)" ]] || fail "no Description"
printf 'Depends: %s\n' "$depends"

dpkg-deb -c "$deb" >"$work/contents"
for path in ./usr/bin/cdc-preflight ./usr/share/doc/cdc-preflight/copyright \
  ./usr/share/doc/cdc-preflight/changelog.Debian.gz ./usr/share/doc/cdc-preflight/README.md \
  ./usr/share/doc/cdc-preflight/json.md ./usr/share/doc/cdc-preflight/schema/report.schema.json \
  ./usr/share/doc/cdc-preflight/schema/snapshot.schema.json \
  ./usr/share/man/man1/cdc-preflight.1.gz ./usr/share/bash-completion/completions/cdc-preflight \
  ./usr/share/zsh/vendor-completions/_cdc-preflight \
  ./usr/share/fish/vendor_completions.d/cdc-preflight.fish; do
  grep -q " ${path}\$" "$work/contents" || { cat "$work/contents" >&2; fail "no $path"; }
done
dpkg-deb -x "$deb" "$work/root"
[[ "$(head -n 1 "$work/root/usr/share/doc/cdc-preflight/README.md")" == "# cdc-preflight" ]] ||
  fail "the packaged README.md is not the project's: $(head -n 1 "$work/root/usr/share/doc/cdc-preflight/README.md")"
[[ -f "$work/root/usr/share/doc/cdc-preflight/data/README.md" ]] ||
  fail "no data/README.md (where the ClickPipes static IPs come from)"
changelog="$(zcat "$work/root/usr/share/doc/cdc-preflight/changelog.Debian.gz")"
[[ "$(head -n 1 <<<"$changelog")" == "cdc-preflight ($version) "* ]] ||
  fail "the changelog's first entry is not $version"
packaged_version="$("$work/root/usr/bin/cdc-preflight" --version)"
[[ "$packaged_version" == "cdc-preflight $version "* ]] || fail "the packaged binary: $packaged_version"
man_page="$(zcat "$work/root/usr/share/man/man1/cdc-preflight.1.gz")"
[[ "$(head -n 1 <<<"$man_page")" == '.TH CDC\-PREFLIGHT 1 '* ]] || fail "the man page has no .TH line"
grep -qF 'aws.network' <<<"$man_page" || fail "the man page lists no checks"
# The bash completion loads and completes --format's values and the commands.
completed="$(bash -c 'source "$1"
COMP_WORDS=(cdc-preflight check --format ""); COMP_CWORD=3; _cdc_preflight
printf "%s " "${COMPREPLY[@]}"; printf "\n"
COMP_WORDS=(cdc-preflight col); COMP_CWORD=1; _cdc_preflight; printf "%s\n" "${COMPREPLY[*]}"' \
  _ "$work/root/usr/share/bash-completion/completions/cdc-preflight")"
[[ "$(head -n 1 <<<"$completed")" == "text json junit markdown sql github " ]] ||
  fail "bash completion of --format: $completed"
[[ "$(tail -n 1 <<<"$completed")" == collect ]] || fail "bash completion of col: $completed"
printf 'check_deb: %s is good (%s files)\n' "$(basename "$deb")" "$(wc -l <"$work/contents")"
