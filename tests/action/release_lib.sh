# shellcheck shell=bash
# A GitHub release of cdc-preflight made from a build directory and served on
# loopback, for action/install.sh to install from (CDCP_RELEASE_URL). Source it.
#
#   cdcp_release_asset VERSION       the asset install.sh picks on this system
#                                    (cdc-preflight_VERSION_DISTRO_ARCH.deb), or
#                                    nothing when no release is made for it
#   cdcp_fake_release BUILD_DIR RELEASE_ROOT VERSION
#                                    RELEASE_ROOT/vVERSION/: the .deb `cpack -G DEB`
#                                    makes from BUILD_DIR under this system's asset
#                                    name, and SHA256SUMS (cpack runs in BUILD_DIR:
#                                    nothing may build there meanwhile)
#   cdcp_serve_release RELEASE_ROOT  serves it on 127.0.0.1 (python3 -m http.server);
#                                    sets CDCP_RELEASE_URL and CDCP_RELEASE_SERVER_PID
#                                    (kill it when done)
#
# In a chroot made of a release's target system (e.g. a debootstrap'd Debian 12):
#   cdcp_install_in_root ROOT SOURCE_DIR VERSION
#       copies action/install.sh to ROOT/tmp/cdc-preflight-action and runs it there, as
#       the Action's install step runs on a runner, from CDCP_RELEASE_URL: the
#       download, the SHA256 check and `apt-get install -y ./….deb` of ROOT's apt.

cdcp_release_asset() {
  local id version arch
  id="$(sed -n 's/^ID=//p' /etc/os-release | tr -d '"')"
  version="$(sed -n 's/^VERSION_ID=//p' /etc/os-release | tr -d '"')"
  arch="$(dpkg --print-architecture)"
  case "$id:$version:$arch" in
    debian:12:amd64 | debian:12:arm64 | debian:13:amd64 | debian:13:arm64 | \
      ubuntu:24.04:amd64 | ubuntu:24.04:arm64)
      printf 'cdc-preflight_%s_%s%s_%s.deb\n' "$1" "$id" "$version" "$arch"
      ;;
  esac
}

cdcp_fake_release() {
  local build_dir="$1" release_dir="$2/v$3" version="$3" asset cpack_dir
  asset="$(cdcp_release_asset "$version")"
  [[ -n "$asset" ]] || { echo "cdcp_fake_release: no release is made for this system" >&2; return 1; }
  cpack_dir="$(mktemp -d /tmp/cdcp-release-cpack.XXXXXX)"
  if ! (cd "$build_dir" && cpack -G DEB -B "$cpack_dir" >"$cpack_dir/cpack.log" 2>&1); then
    cat "$cpack_dir/cpack.log" >&2
    rm -rf "$cpack_dir"
    return 1
  fi
  mkdir -p "$release_dir"
  cp "$cpack_dir/cdc-preflight_${version}_$(dpkg --print-architecture).deb" "$release_dir/$asset"
  rm -rf "$cpack_dir"
  (cd "$release_dir" && sha256sum -- *.deb >SHA256SUMS)
}

cdcp_serve_release() {
  local log
  log="$(mktemp /tmp/cdcp-release-server.XXXXXX)"
  python3 -u -m http.server --bind 127.0.0.1 --directory "$1" 0 >"$log" 2>&1 &
  CDCP_RELEASE_SERVER_PID=$!
  local port="" tries
  for ((tries = 0; tries < 100; tries++)); do
    port="$(sed -n 's/^Serving HTTP on [0-9.]* port \([0-9]*\).*/\1/p' "$log")"
    [[ -n "$port" ]] && break
    kill -0 "$CDCP_RELEASE_SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$log"
  [[ -n "$port" ]] || { echo "cdcp_serve_release: the HTTP server did not start" >&2; return 1; }
  CDCP_RELEASE_URL="http://127.0.0.1:$port"
}

cdcp_install_in_root() {
  local root="$1" source_dir="$2" version="$3"
  mkdir -p "$root/tmp/cdc-preflight-action/action"
  cp "$source_dir/action/install.sh" "$root/tmp/cdc-preflight-action/action/"
  chroot "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 RUNNER_OS=Linux RUNNER_TEMP=/tmp \
    GITHUB_ACTION_PATH=/tmp/cdc-preflight-action INPUT_VERSION="$version" \
    INPUT_RELEASE_URL="$CDCP_RELEASE_URL" \
    bash --noprofile --norc -eo pipefail /tmp/cdc-preflight-action/action/install.sh
}
