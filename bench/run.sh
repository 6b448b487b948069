#!/usr/bin/env bash
# The benchmark: a scratch PostgreSQL server with catalogs of 1,000, 10,000 and
# 100,000 tables in two shapes (sparse: few TOAST tables; realistic: every table has one,
# 1% hold data in it), cdc-preflight run against each directly and through a proxy that
# adds latency, next to a per-table validation baseline. Prints a Markdown table.
# See bench/README.md.
#
# Environment (all optional):
#   CDCP_BIN             an existing cdc-preflight binary (default: build one in BENCH_BUILD_DIR)
#   CDCP_PROXY           an existing cdcp-latency-proxy binary (idem)
#   BENCH_BUILD_DIR      build directory (default build-bench, Release)
#   BENCH_SHAPES         catalog shapes, see bench/fill.sql (default "sparse realistic")
#   BENCH_SIZES          catalog sizes, multiples of 100 (default "1000 10000 100000")
#   BENCH_RUNS           runs per measurement, the median is shown (default 3)
#   BENCH_DELAY_MS       latency added by the proxy in each direction (default 50)
#   BENCH_BASELINE_DIRECT_MAX  largest catalog the baseline checks in full directly (default 10000;
#                        beyond, it checks a sample of that many tables and extrapolates)
#   BENCH_BASELINE_SAMPLE      tables the baseline checks through the proxy (default 100)
#   BENCH_KEEP=1         leave the server running at the end (prints how to reach it)
#   BENCH_OUT            also write the table to this file
#   CDCP_PG_BINDIR       PostgreSQL server binaries (default: as scripts/test.sh finds them)
set -euo pipefail

# shellcheck source=../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"

SHAPES="${BENCH_SHAPES:-sparse realistic}"
SIZES="${BENCH_SIZES:-1000 10000 100000}"
RUNS="${BENCH_RUNS:-3}"
DELAY_MS="${BENCH_DELAY_MS:-50}"
BASELINE_DIRECT_MAX="${BENCH_BASELINE_DIRECT_MAX:-10000}"
BASELINE_SAMPLE="${BENCH_BASELINE_SAMPLE:-100}"
BUILD_DIR="${BENCH_BUILD_DIR:-build-bench}"
CDC_ROLE=cdc_user

# --- packages and binaries ----------------------------------------------------------------
cdcp_install_packages time postgresql postgresql-client
[[ -x /usr/bin/time ]] || cdcp_die "/usr/bin/time is missing (Debian package: time)"
cdcp_find_pg_bindir

if [[ -z "${CDCP_BIN:-}" || -z "${CDCP_PROXY:-}" ]]; then
  cdcp_install_build_dependencies
  cdcp_log "building cdc-preflight and cdcp-latency-proxy (Release) in $BUILD_DIR"
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCDCP_WERROR=OFF -DCDCP_TESTS=OFF -DCDCP_PG_MATRIX= >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target cdc-preflight cdcp-latency-proxy >/dev/null
fi
CDCP_BIN="${CDCP_BIN:-$CDCP_ROOT/$BUILD_DIR/cdc-preflight}"
CDCP_PROXY="${CDCP_PROXY:-$CDCP_ROOT/$BUILD_DIR/cdcp-latency-proxy}"
[[ -x "$CDCP_BIN" ]] || cdcp_die "no cdc-preflight binary at $CDCP_BIN"
[[ -x "$CDCP_PROXY" ]] || cdcp_die "no cdcp-latency-proxy binary at $CDCP_PROXY"

# --- the scratch server -------------------------------------------------------------------
WORK="$(mktemp -d /tmp/cdcp-bench.XXXXXX)"
DATA="$WORK/data"
SERVER_LOG="$WORK/server.log"
PROXY_STATS="$WORK/proxy.jsonl"
PROXY_PID=""

as_postgres() {
  if cdcp_is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cleanup() {
  local status=$?
  [[ -n "$PROXY_PID" ]] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
  if [[ "${BENCH_KEEP:-0}" == 1 && $status -eq 0 ]]; then
    cdcp_log "server kept: psql -h $WORK -p $PORT -U postgres (stop: $CDCP_PG_BINDIR/pg_ctl -D $DATA stop)"
    return
  fi
  [[ -f "$DATA/postmaster.pid" ]] && as_postgres "$CDCP_PG_BINDIR/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if cdcp_is_root; then
  chown postgres: "$WORK"
fi
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return
    fi
  done
  cdcp_die "no free loopback port found"
}
PORT="$(free_port)"

cdcp_log "initdb in $DATA ($("$CDCP_PG_BINDIR/postgres" --version)), port $PORT"
as_postgres "$CDCP_PG_BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-locale >/dev/null
as_postgres tee -a "$DATA/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$WORK'
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
shared_buffers = 256MB
max_locks_per_transaction = 1024
fsync = off
synchronous_commit = off
full_page_writes = off
autovacuum = off
log_line_prefix = '%m [%p] app=%a '
EOF
as_postgres tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
EOF
as_postgres "$CDCP_PG_BINDIR/pg_ctl" -D "$DATA" -l "$SERVER_LOG" -w start >/dev/null

admin_psql() {
  PGAPPNAME=cdcp-bench-admin psql -X -q -v ON_ERROR_STOP=1 -h "$WORK" -p "$PORT" -U postgres "$@"
}
admin_psql -d postgres -c "CREATE ROLE $CDC_ROLE LOGIN REPLICATION"

for shape in $SHAPES; do
  [[ "$shape" == sparse || "$shape" == realistic ]] ||
    cdcp_die "BENCH_SHAPES: $shape is neither sparse nor realistic"
done
for size in $SIZES; do
  if ! [[ "$size" =~ ^[1-9][0-9]*$ ]] || ((size % 100 != 0)); then
    cdcp_die "BENCH_SIZES: $size is not a positive multiple of 100"
  fi
done
read -r FIRST_SHAPE _ <<<"$SHAPES" || true
[[ -n "${FIRST_SHAPE:-}" ]] || cdcp_die "BENCH_SHAPES is empty"
# shellcheck disable=SC2086  # one size per word
SMALLEST_SIZE="$(printf '%s\n' $SIZES | sort -n | head -n 1)"
[[ -n "$SMALLEST_SIZE" ]] || cdcp_die "BENCH_SIZES is empty"

declare -A FILL_SECONDS FILL_COUNTS
for shape in $SHAPES; do
  for size in $SIZES; do
    db="bench_${shape}_$size"
    cdcp_log "filling $db: $size tables in 100 schemas, $shape"
    admin_psql -d postgres -c "CREATE DATABASE $db"
    start=$EPOCHREALTIME
    # The last line: tables, tables with a TOAST table, tables with data in it.
    counts="$(admin_psql -d "$db" -At -F ' ' -v tables="$size" -v cdc_role="$CDC_ROLE" \
      -v shape="$shape" -f bench/fill.sql | tail -n 1)"
    FILL_SECONDS[$shape/$size]="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')"
    read -r n_tables n_toast n_toast_data <<<"$counts"
    FILL_COUNTS[$shape/$size]="$n_tables tables, $n_toast with a TOAST table, $n_toast_data with data in it"
    cdcp_log "  filled in ${FILL_SECONDS[$shape/$size]} s: ${FILL_COUNTS[$shape/$size]}"
  done
done

# Every statement is logged from now on; each measured run has its own application_name.
admin_psql -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" \
  -c "ALTER SYSTEM SET log_replication_commands = on" -c "SELECT pg_reload_conf()" >/dev/null

# --- the proxy ------------------------------------------------------------------------------
: >"$PROXY_STATS"
: >"$WORK/proxy.out"  # before the proxy starts: the loop below may read it first
"$CDCP_PROXY" --target "$PORT" --delay-ms "$DELAY_MS" --stats "$PROXY_STATS" >"$WORK/proxy.out" 2>&1 &
PROXY_PID=$!
for _ in $(seq 1 100); do
  PROXY_PORT="$(sed -n 's/^port \([0-9]*\)$/\1/p' "$WORK/proxy.out")"
  [[ -n "$PROXY_PORT" ]] && break
  sleep 0.05
done
[[ -n "$PROXY_PORT" ]] || cdcp_die "the proxy did not start: $(cat "$WORK/proxy.out")"

# --- measuring ------------------------------------------------------------------------------
LOAD_BEFORE="$(cut -d ' ' -f 1-3 /proc/loadavg)"
RUN_ID=0
# measure PORT COMMAND...: runs it once with PGPORT=PORT and a fresh application_name;
# sets M_WALL (s), M_RSS (kB), M_STATEMENTS (logged at the server), M_FLIGHTS (client round
# trips per proxied connection, "a+b"), M_QUERY_RTS (of the first connection, less the
# flights of a bare connection).
measure() {
  local port="$1"
  shift
  RUN_ID=$((RUN_ID + 1))
  local app="cdcp-bench-$RUN_ID" stats_before start end
  stats_before="$(wc -l <"$PROXY_STATS")"
  start=$EPOCHREALTIME
  PGAPPNAME="$app" PGPORT="$port" PGHOST=127.0.0.1 PGSSLMODE=disable \
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || true
  end=$EPOCHREALTIME
  M_WALL="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')"
  M_RSS="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$WORK/time.txt")"
  M_FLIGHTS="-"
  M_QUERY_RTS="-"
  if [[ "$port" == "$PROXY_PORT" ]]; then
    sleep 0.3  # the proxy writes a connection's line once it sees both ends close
    local lines
    lines="$(tail -n +"$((stats_before + 1))" "$PROXY_STATS" | sed -n 's/.*"client_flights":\([0-9]*\).*/\1/p')"
    M_FLIGHTS="$(paste -sd+ <<<"$lines")"
    M_QUERY_RTS="$(($(head -n 1 <<<"$lines") - ${BARE_FLIGHTS:-0}))"
  fi
  M_STATEMENTS="$(grep -c -E "app=$app LOG:  (statement|execute [^:]*|received replication command):" "$SERVER_LOG" || true)"
}

median() { grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
max() { grep . | sort -g | tail -n 1; }

# measure_runs PORT COMMAND...: RUNS runs; the median wall, the largest RSS, the last run's
# counts.
measure_runs() {
  local walls="" rsses=""
  for _ in $(seq 1 "$RUNS"); do
    measure "$@"
    walls+="$M_WALL"$'\n'
    rsses+="$M_RSS"$'\n'
  done
  M_WALL="$(median <<<"$walls")"
  M_RSS="$(max <<<"$rsses")"
}

# The cost of connecting alone, directly and through the proxy.
measure_runs "$PORT" psql -X -q -d postgres -U "$CDC_ROLE" -c ''
CONNECT_DIRECT="$M_WALL"
BARE_FLIGHTS=0
measure_runs "$PROXY_PORT" psql -X -q -d postgres -U "$CDC_ROLE" -c ''
CONNECT_PROXY="$M_WALL"
# psql -c '' sends one (empty) query: the rest of its flights are the bare connection.
BARE_FLIGHTS="$((${M_FLIGHTS%%+*} - M_STATEMENTS))"
BUDGET="$(awk -v c="$CONNECT_PROXY" -v d="$DELAY_MS" 'BEGIN { printf "%.3f", c + 4 * 2 * d / 1000 }')"
cdcp_log "connection set-up: ${CONNECT_DIRECT} s direct, ${CONNECT_PROXY} s through the proxy"

ROWS=()
row() {
  local line
  line="| $(printf '%s | ' "$@")"
  ROWS+=("${line% }")
}
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

size_of() { awk -v b="$(wc -c <"$1")" 'BEGIN { if (b >= 1048576) printf "%.1f MB", b / 1048576; else printf "%.0f kB", b / 1024 }'; }

TOOL_ARGS=(-U "$CDC_ROLE" -w)
for shape in $SHAPES; do
  for size in $SIZES; do
    db="bench_${shape}_$size"
    cdcp_log "$db: cdc-preflight"
    measure_runs "$PORT" "$CDCP_BIN" "${TOOL_ARGS[@]}" -d "$db"
    cp "$WORK/out.txt" "$WORK/report_${shape}_$size.txt"
    row "$shape" "$size" "cdc-preflight" "direct" "$M_WALL" "$(mb "$M_RSS")" "$M_STATEMENTS" "-" "-" \
      "report $(size_of "$WORK/report_${shape}_$size.txt")"
    measure_runs "$PORT" "$CDCP_BIN" "${TOOL_ARGS[@]}" -d "$db" --format json -o "$WORK/report_${shape}_$size.json"
    row "$shape" "$size" "cdc-preflight --format json" "direct" "$M_WALL" "$(mb "$M_RSS")" "$M_STATEMENTS" "-" "-" \
      "report $(size_of "$WORK/report_${shape}_$size.json")"
    measure_runs "$PROXY_PORT" "$CDCP_BIN" "${TOOL_ARGS[@]}" -d "$db"
    verdict="$(awk -v w="$M_WALL" -v b="$BUDGET" 'BEGIN { print (w <= b ? "within" : "OVER") }')"
    row "$shape" "$size" "cdc-preflight" "+${DELAY_MS} ms each way" "$M_WALL" "$(mb "$M_RSS")" "$M_STATEMENTS" \
      "$M_FLIGHTS" "$M_QUERY_RTS" "$verdict budget $BUDGET s"

    cdcp_log "$db: per-table baseline"
    if ((size <= BASELINE_DIRECT_MAX)); then
      measure "$PORT" bench/per_table_baseline.sh --script-port "$PORT" --role "$CDC_ROLE" -- -d "$db" -U "$CDC_ROLE"
      row "$shape" "$size" "per-table baseline" "direct" "$M_WALL" "$(mb "$M_RSS")" "$M_STATEMENTS" "-" "-" ""
    else
      measure "$PORT" bench/per_table_baseline.sh --script-port "$PORT" --sample "$BASELINE_DIRECT_MAX" --role "$CDC_ROLE" -- -d "$db" -U "$CDC_ROLE"
      est="$(awk -v w="$M_WALL" -v c="$CONNECT_DIRECT" -v n="$size" -v s="$BASELINE_DIRECT_MAX" \
        'BEGIN { printf "%.1f", c + (w - c) * n / s }')"
      row "$shape" "$size" "per-table baseline" "direct" "~$est (extrapolated from $BASELINE_DIRECT_MAX tables: $M_WALL s)" \
        "$(mb "$M_RSS")" "~$((M_STATEMENTS * size / BASELINE_DIRECT_MAX))" "-" "-" ""
    fi
    sample=$((size < BASELINE_SAMPLE ? size : BASELINE_SAMPLE))
    measure "$PROXY_PORT" bench/per_table_baseline.sh --script-port "$PORT" --sample "$sample" --role "$CDC_ROLE" -- -d "$db" -U "$CDC_ROLE"
    est="$(awk -v w="$M_WALL" -v c="$CONNECT_PROXY" -v n="$size" -v s="$sample" \
      'BEGIN { printf "%.0f", c + (w - c) * n / s }')"
    rts="${M_FLIGHTS%%+*}"
    row "$shape" "$size" "per-table baseline" "+${DELAY_MS} ms each way" \
      "~$est (extrapolated from $sample tables: $M_WALL s)" "$(mb "$M_RSS")" \
      "~$((M_STATEMENTS * size / sample))" "~$(((rts - BARE_FLIGHTS) * size / sample + BARE_FLIGHTS))" \
      "~$(((rts - BARE_FLIGHTS) * size / sample))" ""
  done
done

# --- a snapshot with a 10 MB table name ----------------------------------------------------
# The snapshot of the first shape's smallest catalog, one table renamed to 10 MiB of "n"
# wherever the snapshot names it (perl-base is part of every Debian system), evaluated
# offline.
db="bench_${FIRST_SHAPE}_$SMALLEST_SIZE"
cdcp_log "$db: a snapshot with a 10 MB table name"
PGAPPNAME=cdcp-bench-collect PGPORT="$PORT" PGHOST=127.0.0.1 PGSSLMODE=disable \
  "$CDCP_BIN" collect "${TOOL_ARGS[@]}" -d "$db" -o "$WORK/snapshot.json" >/dev/null
perl -pe 'BEGIN { $n = "n" x (10 * 1024 * 1024) } s/"t000001"/"$n"/g' \
  "$WORK/snapshot.json" >"$WORK/huge_name.json"
measure_runs "$PORT" "$CDCP_BIN" check --from "$WORK/huge_name.json"
row "$FIRST_SHAPE" "$SMALLEST_SIZE" "check --from, a 10 MB table name" "offline" "$M_WALL" "$(mb "$M_RSS")" "-" "-" "-" ""
measure_runs "$PORT" "$CDCP_BIN" check --from "$WORK/huge_name.json" --format json
row "$FIRST_SHAPE" "$SMALLEST_SIZE" "check --from --format json, a 10 MB table name" "offline" "$M_WALL" "$(mb "$M_RSS")" "-" "-" "-" ""

# --- start-up -------------------------------------------------------------------------------
startup=""
for _ in $(seq 1 100); do
  start=$EPOCHREALTIME
  "$CDCP_BIN" --version >/dev/null
  startup+="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", (b - a) * 1000 }')"$'\n'
done
STARTUP_MS="$(median <<<"$startup")"

# --- the table ------------------------------------------------------------------------------
{
  printf '%s, %s; %s cores; median of %s runs (baseline: 1 run)\n\n' \
    "$("$CDCP_BIN" --version | head -n 1)" "$("$CDCP_PG_BINDIR/postgres" --version)" "$(nproc)" "$RUNS"
  printf 'connection set-up alone (psql -c %s): %s s direct, %s s through the proxy (a connection that sends no query: %s client round trips)\n' \
    "''" "$CONNECT_DIRECT" "$CONNECT_PROXY" "$BARE_FLIGHTS"
  printf 'latency budget through the proxy: set-up + 4 round trips of %s ms = %s s\n' "$((2 * DELAY_MS))" "$BUDGET"
  printf 'load average (1, 5, 15 min) when the measurements started: %s; when they ended: %s\n' \
    "$LOAD_BEFORE" "$(cut -d ' ' -f 1-3 /proc/loadavg)"
  for shape in $SHAPES; do
    printf 'fill, %s:' "$shape"
    for size in $SIZES; do
      printf ' %s s (%s);' "${FILL_SECONDS[$shape/$size]}" "${FILL_COUNTS[$shape/$size]}"
    done
    printf '\n'
  done
  printf '\n'
  printf '| shape | tables | what | path | wall (s) | peak RSS (MB) | statements at the server | client round trips (per connection) | query round trips (main connection) | note |\n'
  printf '|---|---:|---|---|---:|---:|---:|---|---:|---|\n'
  printf '%s\n' "${ROWS[@]}"
  printf '\n`cdc-preflight --version`: %s ms (median of 100 runs)\n' "$STARTUP_MS"
} | tee "${BENCH_OUT:-/dev/null}"
if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
  cdcp_log "reports: $WORK/report_*.txt, $WORK/report_*.json; server log: $SERVER_LOG"
fi
