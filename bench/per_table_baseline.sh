#!/usr/bin/env bash
# The per-table validation baseline: what a validator that checks each table with
# queries of its own costs. For every table of the benchmark schemas (s001 …), it
# sends three queries, one round trip each, over one psql connection:
#   SELECT * FROM t LIMIT 0                                   (the table can be read)
#   its replica identity and whether it has a primary key     (pg_class, pg_index)
#   has_table_privilege(role, t, 'SELECT')
# The script is generated server-side, then run by psql (one statement at a time).
#
#   bench/per_table_baseline.sh [--sample N] [--role ROLE] [--script-port PORT] -- PSQL_ARGS...
#
# --sample N checks only the first N tables (in name order). --script-port: the port to
# read the list of tables from (e.g. the server's own, so that only the per-table queries
# go through a proxy). Prints nothing; the caller measures it (wall time, RSS, round trips).
set -euo pipefail

sample=""
role="cdc_user"
script_port="${PGPORT:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sample) sample="$2"; shift 2 ;;
    --role) role="$2"; shift 2 ;;
    --script-port) script_port="$2"; shift 2 ;;
    --) shift; break ;;
    *) printf 'per_table_baseline.sh: unknown argument %s\n' "$1" >&2; exit 2 ;;
  esac
done

script="$(mktemp)"
trap 'rm -f "$script"' EXIT

PGPORT="$script_port" PGAPPNAME=cdcp-bench-generate psql -X -q -A -t -v ON_ERROR_STOP=1 -v role="$role" \
  -v limit="${sample:-ALL}" "$@" -o "$script" <<'SQL'
SELECT format('SELECT * FROM %1$I.%2$I LIMIT 0;' || chr(10)
  || 'SELECT c.relreplident, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid'
  || ' AND i.indisprimary) AS has_primary_key FROM pg_class c WHERE c.oid = %3$L::regclass;'
  || chr(10) || 'SELECT has_table_privilege(%4$L, %3$L::regclass, ''SELECT'');',
  n.nspname, c.relname, format('%I.%I', n.nspname, c.relname), :'role')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname ~ '^s[0-9]{3}$'
ORDER BY n.nspname, c.relname
LIMIT :limit;
SQL

psql -X -q -v ON_ERROR_STOP=1 "$@" -f "$script" >/dev/null
