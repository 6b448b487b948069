# shellcheck shell=bash
# A throwaway PostgreSQL server on loopback that is ready to be a ClickPipes CDC source
# (self-managed: wal_level = logical, a login role with REPLICATION, a publication of tables
# with primary keys). Source it (after scripts/lib/common.sh, whose cdcp_free_port it uses);
# do not run it. As root the server runs as `postgres`.
#
#   ready_server_start BINDIR   starts it; sets READY_SERVER_DIR, READY_SERVER_PORT,
#                               READY_SERVER_USER, READY_SERVER_PASSWORD, READY_SERVER_DB
#   ready_server_stop           stops it and removes its directory

READY_SERVER_DIR=""
READY_SERVER_BINDIR=""
READY_SERVER_USER=clickpipes_user
READY_SERVER_DB=app
READY_SERVER_PASSWORD=""
READY_SERVER_PORT=""

ready_server_as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd "$READY_SERVER_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$READY_SERVER_DIR" && "$@")
  fi
}

ready_server_psql() {
  "$READY_SERVER_BINDIR/psql" -h "$READY_SERVER_DIR" -p "$READY_SERVER_PORT" -U postgres -X -w -q \
    -v ON_ERROR_STOP=1 "$@"
}

ready_server_start() {
  READY_SERVER_BINDIR="$1"
  # Under /tmp, owned by postgres: the repository may sit where postgres cannot read.
  READY_SERVER_DIR="$(mktemp -d /tmp/cdcp-ready-server.XXXXXX)"
  if [[ "$(id -u)" -eq 0 ]]; then chown postgres: "$READY_SERVER_DIR"; fi
  READY_SERVER_PORT="$(cdcp_free_port)" || return 1
  READY_SERVER_PASSWORD="ready-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
  local data="$READY_SERVER_DIR/data"
  ready_server_as_owner "$READY_SERVER_BINDIR/initdb" -D "$data" -U postgres --no-locale -E UTF8 \
    --auth-local=trust --auth-host=scram-sha-256 -N >"$READY_SERVER_DIR/initdb.log" 2>&1 ||
    { cat "$READY_SERVER_DIR/initdb.log" >&2; return 1; }
  cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $READY_SERVER_PORT
unix_socket_directories = '$READY_SERVER_DIR'
password_encryption = 'scram-sha-256'
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
wal_sender_timeout = 0
fsync = off
CONF
  cat >"$data/pg_hba.conf" <<'HBA'
local   all          postgres                 trust
local   replication  postgres                 trust
host    all          all       127.0.0.1/32   scram-sha-256
host    replication  all       127.0.0.1/32   scram-sha-256
HBA
  ready_server_as_owner "$READY_SERVER_BINDIR/pg_ctl" -D "$data" -l "$READY_SERVER_DIR/server.log" \
    -w -t 60 start >/dev/null || { cat "$READY_SERVER_DIR/server.log" >&2; return 1; }
  ready_server_psql -d postgres <<SQL
CREATE ROLE $READY_SERVER_USER LOGIN REPLICATION PASSWORD '$READY_SERVER_PASSWORD';
CREATE DATABASE $READY_SERVER_DB;
SQL
  ready_server_psql -d "$READY_SERVER_DB" <<SQL
CREATE SCHEMA shop;
CREATE TABLE shop.customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);
INSERT INTO shop.customers (email) VALUES ('ada@example.com'), ('grace@example.com');
GRANT USAGE ON SCHEMA shop TO $READY_SERVER_USER;
GRANT SELECT ON ALL TABLES IN SCHEMA shop TO $READY_SERVER_USER;
CREATE PUBLICATION clickpipes_publication FOR TABLE shop.customers;
ANALYZE;
SQL
}

ready_server_stop() {
  [[ -n "$READY_SERVER_DIR" && -d "$READY_SERVER_DIR" ]] || return 0
  if [[ -f "$READY_SERVER_DIR/data/postmaster.pid" ]]; then
    ready_server_as_owner "$READY_SERVER_BINDIR/pg_ctl" -D "$READY_SERVER_DIR/data" -m fast -w \
      -t 30 stop >/dev/null 2>&1 ||
      ready_server_as_owner "$READY_SERVER_BINDIR/pg_ctl" -D "$READY_SERVER_DIR/data" \
        -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$READY_SERVER_DIR" in
    /tmp/cdcp-ready-server.*) rm -rf "$READY_SERVER_DIR" ;;
  esac
  READY_SERVER_DIR=""
}
