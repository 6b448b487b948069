# shellcheck shell=bash
# A clean Debian root for tests: made once with `debootstrap --variant=minbase` from this
# machine's configured mirror, cached as a tarball outside the repository
# (${CDCP_ROOT_CACHE:-/var/cache/cdc-preflight/roots}/SUITE-minbase.tar), unpacked fresh
# for each use, with this machine's CA certificates and apt fetch settings copied in (the
# registries are reached through this machine's own trust store) and /proc and /dev mounted
# (servers started inside need them). Source it; needs root.
#
#   clean_root_make SUITE DIR     unpacks a clean SUITE root into DIR/root; sets CLEAN_ROOT
#   clean_root_run CMD...         runs CMD in it (a clean environment, PATH, HOME=/root)
#   clean_root_remove             unmounts and removes it (safe to call twice, from a trap)

CLEAN_ROOT=""
CLEAN_ROOT_DIR=""

clean_root_say() { printf 'clean_root: %s\n' "$*" >&2; }

# The Debian (or Ubuntu) archive this machine installs from: deb822 .sources, else a
# one-line sources.list; the security archive is not a base for debootstrap.
clean_root_mirror() {
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' | grep -v -- 'security' | head -n 1)"
  if [[ -z "$uri" ]]; then
    uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' |
      grep -v -- 'security' | head -n 1)"
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

clean_root_make() {
  local suite="$1" cache="${CDCP_ROOT_CACHE:-/var/cache/cdc-preflight/roots}"
  CLEAN_ROOT_DIR="$2"
  CLEAN_ROOT="$CLEAN_ROOT_DIR/root"
  mkdir -p "$cache"
  local tarball="$cache/$suite-minbase.tar"
  (
    flock 9
    if [[ ! -s "$tarball" ]]; then
      local mirror fresh
      mirror="$(clean_root_mirror)"
      clean_root_say "debootstrap --variant=minbase $suite from $mirror (cached as $tarball)"
      fresh="$(mktemp -d "$cache/.$suite.XXXXXX")"
      if ! debootstrap --variant=minbase "$suite" "$fresh/root" "$mirror" >"$fresh/log" 2>&1; then
        tail -n 30 "$fresh/log" >&2
        rm -rf "$fresh"
        clean_root_say "debootstrap $suite failed"
        exit 1
      fi
      tar -C "$fresh/root" -cf "$fresh/root.tar" .
      mv "$fresh/root.tar" "$tarball"
      rm -rf "$fresh"
    fi
  ) 9>"$cache/.lock" || return 1
  mkdir -p "$CLEAN_ROOT"
  tar -C "$CLEAN_ROOT" -xf "$tarball"
  clean_root_say "a clean $suite root from $tarball"

  mkdir -p "$CLEAN_ROOT/etc/ssl/certs" "$CLEAN_ROOT/usr/local/share/ca-certificates"
  if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
    cp /etc/ssl/certs/ca-certificates.crt "$CLEAN_ROOT/etc/ssl/certs/ca-certificates.crt"
  fi
  cp -r /usr/local/share/ca-certificates/. "$CLEAN_ROOT/usr/local/share/ca-certificates/" \
    2>/dev/null || true
  local conf
  for conf in /etc/apt/apt.conf.d/*; do
    if [[ -f "$conf" ]] && grep -q 'Acquire::' "$conf"; then
      cp "$conf" "$CLEAN_ROOT/etc/apt/apt.conf.d/"
    fi
  done
  cp /etc/resolv.conf "$CLEAN_ROOT/etc/resolv.conf" 2>/dev/null || true
  mount -t proc proc "$CLEAN_ROOT/proc"
  mount --rbind /dev "$CLEAN_ROOT/dev"
  mount --make-rslave "$CLEAN_ROOT/dev"
}

clean_root_run() {
  chroot "$CLEAN_ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

clean_root_remove() {
  [[ -n "$CLEAN_ROOT" && -d "$CLEAN_ROOT" ]] || return 0
  local mount_point
  for mount_point in "$CLEAN_ROOT/dev" "$CLEAN_ROOT/proc"; do
    if mountpoint -q "$mount_point" 2>/dev/null; then
      umount -R "$mount_point" 2>/dev/null || umount -R -l "$mount_point" || true
    fi
  done
  # Nothing may be mounted inside when it is removed (rm would follow into /dev).
  if grep -q " $CLEAN_ROOT/" /proc/mounts; then
    clean_root_say "left $CLEAN_ROOT_DIR: still mounted"
    return 1
  fi
  rm -rf "$CLEAN_ROOT_DIR"
  CLEAN_ROOT=""
}
