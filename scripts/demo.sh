#!/usr/bin/env bash
# A short tour of cdc-preflight, on a throwaway PostgreSQL server (Debian 12's PostgreSQL 15)
# shaped like a freshly created Amazon Aurora PostgreSQL cluster:
#   1. start the server (logical replication off, no grants, a table without a primary key),
#   2. run cdc-preflight as `clickpipes_user`: not ready, with the fix for every failure;
#      then with --aws against a local stand-in for the AWS APIs (the control plane's fix),
#   3. apply the fixes: the SQL script printed by `--format sql`, then the emulated
#      "DB cluster parameter group + reboot the writer",
#   4. run cdc-preflight again: ready.
# The server and its directory are removed on exit, also on failure or Ctrl-C.
#
# Usage: scripts/demo.sh   (as root on a fresh Debian machine it installs what it needs;
#                           as another user the packages must already be installed)
# Exits 0 when the final run reports the database ready.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ADMIN=postgres
DEMO_USER=clickpipes_user
DEMO_DB=app
TOOL="$CDCP_ROOT/$CDCP_BUILD_DIR/cdc-preflight"

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  heading() { printf '\n\033[1;36m## %s\033[0m\n\n' "$*"; }
else
  heading() { printf '\n## %s\n\n' "$*"; }
fi
say() { printf '%s\n' "$*"; }

# The demo must talk to its own server only, whatever the caller's libpq environment says.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^PG' || true)

heading "0. Installing missing packages and building cdc-preflight"
cdcp_install_build_dependencies
cdcp_configure_and_build -DCMAKE_BUILD_TYPE=RelWithDebInfo -- --target cdc-preflight
cdcp_find_pg_bindir
PG_BIN="$CDCP_PG_BINDIR"

# --- the throwaway server -------------------------------------------------------------------
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` account.
as_server_owner() {
  if cdcp_is_root; then
    (cd "$DEMO_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$DEMO_DIR" && "$@")
  fi
}

DEMO_DIR="$(mktemp -d /tmp/cdc-preflight-demo.XXXXXX)"
DATA_DIR="$DEMO_DIR/data"

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "${FAKE_AWS_PID:-}" ]]; then
    kill "$FAKE_AWS_PID" 2>/dev/null || true
    wait "$FAKE_AWS_PID" 2>/dev/null || true
  fi
  if [[ -f "$DATA_DIR/postmaster.pid" ]]; then
    as_server_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_server_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$DEMO_DIR" in
    /tmp/cdc-preflight-demo.*) rm -rf "$DEMO_DIR" ;;
  esac
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if cdcp_is_root; then
  getent passwd postgres >/dev/null || cdcp_die "no 'postgres' account (is the postgresql package installed?)"
  chown postgres: "$DEMO_DIR"
fi

start_server() {
  if ! as_server_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$DEMO_DIR/server.log" -w -t 60 "$@"; then
    cat "$DEMO_DIR/server.log" >&2 || true
    cdcp_die "the demo server did not start"
  fi
}

# psql as the admin, over the Unix socket in the demo directory (trusted, no password).
psql_admin() {
  psql -h "$DEMO_DIR" -p "$PORT" -U "$ADMIN" -X -w -q -v ON_ERROR_STOP=1 "$@"
}

# Runs cdc-preflight as clickpipes_user over TCP; the password travels in the environment only.
preflight() {
  PGPASSWORD="$DEMO_PASSWORD" "$TOOL" -h localhost -p "$PORT" -U "$DEMO_USER" -d "$DEMO_DB" "$@"
}

PORT="$(cdcp_free_port)" || cdcp_die "no free TCP port found"
DEMO_PASSWORD="demo-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"

heading "1. Starting a throwaway PostgreSQL shaped like a fresh Aurora cluster"
say "$("$PG_BIN/postgres" -V), data directory $DATA_DIR, port $PORT (removed when the demo ends)"
as_server_owner "$PG_BIN/initdb" -D "$DATA_DIR" -U "$ADMIN" --no-locale -E UTF8 \
  --auth-local=trust --auth-host=scram-sha-256 -N --no-instructions >/dev/null

cat >>"$DATA_DIR/postgresql.conf" <<CONF

# --- cdc-preflight demo ---
listen_addresses = 'localhost'
port = $PORT
unix_socket_directories = '$DEMO_DIR'
password_encryption = 'scram-sha-256'
# What a freshly created Aurora PostgreSQL cluster reports (default cluster parameter group):
# wal_level and wal_sender_timeout keep PostgreSQL's defaults (replica, 60s).
rds.logical_replication = off
rds.extensions = 'pg_stat_statements'
CONF

cat >"$DATA_DIR/pg_hba.conf" <<'HBA'
# TYPE  DATABASE     USER      ADDRESS        METHOD
local   all          postgres                 trust
local   replication  postgres                 trust
host    all          all       127.0.0.1/32   scram-sha-256
host    all          all       ::1/128        scram-sha-256
host    replication  all       127.0.0.1/32   scram-sha-256
host    replication  all       ::1/128        scram-sha-256
HBA

start_server start

# Aurora's own roles and the function by which cdc-preflight recognises Aurora, an
# application database, and the login role ClickPipes will use (no privileges yet).
psql_admin -d postgres <<SQL
CREATE ROLE rds_replication NOLOGIN;
CREATE ROLE rds_superuser NOLOGIN;
GRANT rds_replication TO rds_superuser;
CREATE ROLE $DEMO_USER LOGIN PASSWORD '$DEMO_PASSWORD';
CREATE DATABASE $DEMO_DB;
SQL

psql_admin -d "$DEMO_DB" <<'SQL'
CREATE FUNCTION pg_catalog.aurora_version() RETURNS text LANGUAGE sql AS $$ SELECT '15.4.1' $$;

CREATE SCHEMA shop;
CREATE TABLE shop.customers (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email      text NOT NULL UNIQUE,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE shop.orders (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES shop.customers,
  total_cents integer NOT NULL,
  status      text NOT NULL DEFAULT 'new',
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- An append-only log without a primary key: a common reason CDC setups fail.
CREATE TABLE shop.order_events (
  order_id    bigint NOT NULL REFERENCES shop.orders,
  event       text NOT NULL,
  happened_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO shop.customers (email, name)
VALUES ('ada@example.com', 'Ada'), ('grace@example.com', 'Grace'), ('alan@example.com', 'Alan');
INSERT INTO shop.orders (customer_id, total_cents, status)
VALUES (1, 4200, 'paid'), (2, 1999, 'new'), (1, 350, 'shipped');
INSERT INTO shop.order_events (order_id, event)
VALUES (1, 'created'), (1, 'paid'), (2, 'created'), (3, 'created'), (3, 'shipped');
-- What autovacuum would do within a minute: table sizes come from these statistics.
ANALYZE;
SQL

say "Server up: database '$DEMO_DB' (schema shop: customers, orders, order_events),"
say "login role '$DEMO_USER' with a password and no privileges."
say "Aurora emulated: aurora_version() = 15.4.1, rds.logical_replication = off, wal_level = replica."

heading "2. Is it ready for ClickPipes CDC?"
say "\$ PGPASSWORD=... cdc-preflight -h localhost -p $PORT -U $DEMO_USER -d $DEMO_DB"
say
first_rc=0
preflight || first_rc=$?
say
say "cdc-preflight exited with $first_rc (0 = ready, 1 = not ready)."
[[ "$first_rc" -le 1 ]] || cdcp_die "cdc-preflight could not check the demo server (exit code $first_rc)"

heading "2b. And the AWS control plane (--aws)"
# Amazon is not reachable from here: the AWS CLI talks to a local stand-in for the RDS and EC2
# APIs (tests/integration/fake_aws, the integration tests' endpoint), which answers for a
# fresh cluster "cdc-fresh": default parameter group, a security group open to a bastion only.
# The demo's server is reached through that cluster's endpoint name (hostaddr: no DNS).
if [[ -x /usr/bin/aws && -x /usr/bin/python3 ]]; then
  python3 "$CDCP_ROOT/tests/integration/fake_aws/server.py" --port-file "$DEMO_DIR/aws.port" \
    --log "$DEMO_DIR/aws.log" --ips "$CDCP_ROOT/data/clickpipes-static-ips.json" \
    >"$DEMO_DIR/aws.out" 2>&1 &
  FAKE_AWS_PID=$!
  for ((tries = 0; tries < 100; tries++)); do
    [[ -s "$DEMO_DIR/aws.port" ]] && break
    sleep 0.1
  done
  [[ -s "$DEMO_DIR/aws.port" ]] || cdcp_die "the local AWS endpoint did not start"
  AWS_URL="http://127.0.0.1:$(cat "$DEMO_DIR/aws.port")"
  CLUSTER_HOST=cdc-fresh.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com
  say "\$ cdc-preflight -d 'host=$CLUSTER_HOST hostaddr=127.0.0.1 port=$PORT ...' \\"
  say "    --aws --aws-endpoint-url $AWS_URL --clickpipes-region us-east-1"
  say "(the AWS part of the report, and the one parameter-group fix:)"
  say
  aws_rc=0
  PATH="/usr/bin:$PATH" AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
    PGPASSWORD="$DEMO_PASSWORD" "$TOOL" --color never \
    -d "host=$CLUSTER_HOST hostaddr=127.0.0.1 port=$PORT user=$DEMO_USER dbname=$DEMO_DB" \
    --aws --aws-endpoint-url "$AWS_URL" --clickpipes-region us-east-1 \
    >"$DEMO_DIR/aws-report.txt" || aws_rc=$?
  sed -n '/^AWS$/,$p' "$DEMO_DIR/aws-report.txt"
  [[ "$aws_rc" -le 1 ]] || cdcp_die "cdc-preflight --aws could not check the demo (exit code $aws_rc)"
  kill "$FAKE_AWS_PID" 2>/dev/null || true
  wait "$FAKE_AWS_PID" 2>/dev/null || true
  FAKE_AWS_PID=""
else
  say "(skipped: the AWS CLI (/usr/bin/aws, Debian's awscli) and python3 are not installed)"
fi

heading "3a. The SQL fixes, as one script (--format sql)"
say "\$ PGPASSWORD=... cdc-preflight -h localhost -p $PORT -U $DEMO_USER -d $DEMO_DB --format sql -o fix.sql"
FIX_SQL="$DEMO_DIR/fix.sql"
sql_rc=0
preflight --format sql -o "$FIX_SQL" || sql_rc=$?
if [[ "$sql_rc" -gt 1 || ! -s "$FIX_SQL" ]]; then
  cdcp_die "cdc-preflight --format sql wrote no script (exit code $sql_rc)"
fi
say
cat "$FIX_SQL"

heading "3b. Applying fix.sql as the admin"
say "(CREATE PUBLICATION warns that wal_level is insufficient: step 3c fixes that.)"
say "\$ psql -h <socket dir> -p $PORT -U $ADMIN -d $DEMO_DB -v ON_ERROR_STOP=1 -X -w -f fix.sql"
psql -h "$DEMO_DIR" -p "$PORT" -U "$ADMIN" -d "$DEMO_DB" -v ON_ERROR_STOP=1 -X -w -f "$FIX_SQL"

heading "3c. Parameter group change + reboot of the writer (emulated)"
say "On Aurora: set rds.logical_replication = 1 and wal_sender_timeout = 0 in the DB cluster"
say "parameter group, then reboot the writer instance. Here: postgresql.conf and a restart."
cat >>"$DATA_DIR/postgresql.conf" <<'CONF'

# --- emulated DB cluster parameter group change (takes effect at the writer's reboot) ---
rds.logical_replication = on
wal_level = logical
wal_sender_timeout = 0
CONF
start_server restart
# On Aurora, membership in rds_replication (granted by fix.sql) is what lets a role open
# replication connections; vanilla PostgreSQL needs the REPLICATION attribute for that.
psql -h "$DEMO_DIR" -p "$PORT" -U "$ADMIN" -d "$DEMO_DB" -X -w -q -v ON_ERROR_STOP=1 \
  -c "ALTER ROLE $DEMO_USER WITH REPLICATION"

heading "4. Checking again"
say "\$ PGPASSWORD=... cdc-preflight -h localhost -p $PORT -U $DEMO_USER -d $DEMO_DB"
say
final_rc=0
preflight || final_rc=$?
say
if [[ "$final_rc" -eq 0 ]]; then
  say "Ready: this database can be a ClickPipes CDC source. (The demo server is now removed.)"
else
  say "Still not ready: cdc-preflight exited with $final_rc." >&2
fi
exit "$final_rc"
