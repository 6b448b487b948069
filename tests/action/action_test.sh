#!/usr/bin/env bash
# The GitHub Action (action.yml) run as a runner runs a composite action: each
# step's env: evaluated from action.yml with the test's inputs (tests/action/
# action_step.py), its run: script started by `bash --noprofile --norc -eo pipefail`
# with nothing but the runner's environment (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
# GITHUB_ENV, GITHUB_PATH, GITHUB_ACTION_PATH, RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH,
# and GITHUB_ACTION_REPOSITORY/REF empty, as GitHub leaves them in a composite
# action), the job's PG* variables and the step's.
#
#   - the run step (action/run.sh) with the build's cdc-preflight on PATH, against a
#     real PostgreSQL server started here on loopback: not ready (wal_level replica),
#     ready (wal_level logical), unreachable; outputs, reports, the step's exit;
#     inputs holding shell code reach the tool as data; no password in any output;
#   - the install step (action/install.sh) against a release served on loopback (the
#     .deb cpack makes from the build, and SHA256SUMS): the asset of this system,
#     a wrong checksum refused, a missing asset or a branch ref built from source
#     (CDCP_ACTION_PLAN_ONLY=1: the plan only, nothing installed on this machine).
#
# Usage: tests/action/action_test.sh BUILD_DIR VERSION
# Exit 77 (skipped, saying why) without PostgreSQL server binaries (CDCP_PG_BINDIR).
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="$(cd "$1" && pwd)"
version="$2"
# shellcheck source=tests/action/release_lib.sh
source "$source_dir/tests/action/release_lib.sh"

failures=0
ok() { printf 'ok: %s\n' "$*"; }
not_ok() {
  printf 'FAIL: %s\n' "$*"
  failures=$((failures + 1))
}
# expect WHAT COMMAND...: the command succeeds.
expect() {
  local what="$1"
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
expect_eq() {
  if [[ "$1" == "$2" ]]; then ok "$3"; else not_ok "$3: got '$1', expected '$2'"; fi
}

pg_bin="${CDCP_PG_BINDIR:-}"
if [[ -z "$pg_bin" ]]; then
  pg_bin="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null |
    sort -V | tail -n 1)"
  pg_bin="${pg_bin%/postgres}"
fi
if [[ ! -x "$pg_bin/postgres" || ! -x "$pg_bin/initdb" ]]; then
  echo "SKIP: no PostgreSQL server binaries (${pg_bin:-none found}; set CDCP_PG_BINDIR)"
  exit 77
fi
python3 -c 'import yaml' 2>/dev/null || {
  echo "FAIL: python3's yaml module is missing (apt-get install python3-yaml)"
  exit 1
}

work="$(mktemp -d /tmp/cdcp-action.XXXXXX)"
pg_dir="$(mktemp -d /tmp/cdcp-action-pg.XXXXXX)"
data_dir="$pg_dir/data"
CDCP_RELEASE_SERVER_PID=""

as_server_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd "$pg_dir" && runuser -u postgres -- "$@")
  else
    (cd "$pg_dir" && "$@")
  fi
}
cleanup() {
  if [[ -n "$CDCP_RELEASE_SERVER_PID" ]]; then
    kill "$CDCP_RELEASE_SERVER_PID" 2>/dev/null || true
    wait "$CDCP_RELEASE_SERVER_PID" 2>/dev/null || true
  fi
  if [[ -f "$data_dir/postmaster.pid" ]]; then
    as_server_owner "$pg_bin/pg_ctl" -D "$data_dir" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work" "$pg_dir"
}
trap cleanup EXIT
[[ "$(id -u)" -eq 0 ]] && chown postgres: "$pg_dir"

# --- the runner -------------------------------------------------------------------------
# The build's binary, alone, is what the install step would have put on PATH.
mkdir -p "$work/bin"
ln -s "$build_dir/cdc-preflight" "$work/bin/cdc-preflight"
system_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
case "$(uname -m)" in
  x86_64) runner_arch=X64 ;;
  aarch64) runner_arch=ARM64 ;;
  *) runner_arch="$(uname -m)" ;;
esac

# run_step STEP DIR [inputs.NAME=VALUE | github.NAME=VALUE]... [-- NAME=VALUE...]
# Runs step STEP of action.yml in a fresh runner directory DIR, with the job's
# environment after `--` (PATH included); DIR/stdout, DIR/stderr, DIR/code,
# DIR/output (GITHUB_OUTPUT), DIR/summary (GITHUB_STEP_SUMMARY), DIR/temp (RUNNER_TEMP).
run_step() {
  local step="$1" dir="$2"
  shift 2
  local context=() job_env=()
  while [[ $# -gt 0 && "$1" != -- ]]; do
    context+=("$1")
    shift
  done
  [[ $# -gt 0 ]] && shift
  job_env=("$@")
  mkdir -p "$dir/temp" "$dir/home" "$dir/workspace"
  : >"$dir/output"
  : >"$dir/summary"
  : >"$dir/github_env"
  : >"$dir/github_path"
  python3 "$source_dir/tests/action/action_step.py" "$source_dir/action.yml" "$step" "$dir" \
    "${context[@]}"
  local step_env=()
  mapfile -d '' -t step_env <"$dir/env"
  local code=0
  (cd "$dir/workspace" && env -i PATH="$system_path" HOME="$dir/home" LANG=C.UTF-8 CI=true \
    GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=example/app \
    GITHUB_WORKSPACE="$dir/workspace" GITHUB_ACTION=__cdc-preflight_cdc-preflight \
    GITHUB_ACTION_PATH="$source_dir" GITHUB_ACTION_REPOSITORY= GITHUB_ACTION_REF= \
    GITHUB_OUTPUT="$dir/output" GITHUB_STEP_SUMMARY="$dir/summary" GITHUB_ENV="$dir/github_env" \
    GITHUB_PATH="$dir/github_path" RUNNER_OS=Linux RUNNER_ARCH="$runner_arch" \
    RUNNER_TEMP="$dir/temp" "${job_env[@]}" "${step_env[@]}" \
    bash --noprofile --norc -eo pipefail "$dir/run" >"$dir/stdout" 2>"$dir/stderr") || code=$?
  printf '%s\n' "$code" >"$dir/code"
}

# The value of output KEY the step wrote to GITHUB_OUTPUT (its last).
output_of() { sed -n "s/^$2=//p" "$1/output" | tail -n 1; }

show_step() {
  printf -- '--- %s: exit %s\n--- stdout\n%s\n--- stderr\n%s\n--- GITHUB_OUTPUT\n%s\n' \
    "$1" "$(cat "$1/code")" "$(cat "$1/stdout")" "$(cat "$1/stderr")" "$(cat "$1/output")"
}

# JSON_FILE PYTHON_EXPRESSION (of `report`): its value, printed by Python.
json_value() {
  python3 -c 'import json, sys; report = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
    "$1" "$2"
}

# Every output action.yml declares comes from the step's GITHUB_OUTPUT.
expect_action_outputs() {
  local name key
  while read -r name key; do
    expect "$2: output $name is set" grep -q "^$key=" "$1/output"
  done < <(python3 "$source_dir/tests/action/action_step.py" "$source_dir/action.yml" outputs run)
}

# --- the server -------------------------------------------------------------------------
password="pw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_server_owner "$pg_bin/initdb" -D "$data_dir" -U postgres --no-locale -E UTF8 \
  --auth-local=trust --auth-host=scram-sha-256 -N >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log"; exit 1; }
cat >>"$data_dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pg_dir'
fsync = off
password_encryption = 'scram-sha-256'
wal_sender_timeout = 0
log_connections = on
CONF
cat >"$data_dir/pg_hba.conf" <<HBA
local all postgres                  trust
host  all all      127.0.0.1/32     scram-sha-256
HBA
start_server() {
  if ! as_server_owner "$pg_bin/pg_ctl" -D "$data_dir" -l "$pg_dir/server.log" -w -t 60 "$@" \
    >/dev/null; then
    cat "$pg_dir/server.log"
    exit 1
  fi
}
psql_admin() {
  as_server_owner psql -h "$pg_dir" -p "$port" -U postgres -X -w -q -v ON_ERROR_STOP=1 "$@"
}
start_server start
# The ClickPipes setup of self-managed PostgreSQL but its server settings: a login
# role with REPLICATION, SELECT on the tables (and on those created later), a
# publication of every table, a primary key on each.
psql_admin -d postgres <<SQL
CREATE ROLE clickpipes_user LOGIN REPLICATION PASSWORD '$password';
CREATE DATABASE app;
SQL
psql_admin -d app <<'SQL'
CREATE SCHEMA app;
CREATE TABLE app.items (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO app.items VALUES (1, 'one'), (2, 'two');
GRANT USAGE ON SCHEMA app TO clickpipes_user;
GRANT SELECT ON ALL TABLES IN SCHEMA app TO clickpipes_user;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app GRANT SELECT ON TABLES TO clickpipes_user;
SET client_min_messages = error;
CREATE PUBLICATION clickpipes_publication FOR ALL TABLES;
SQL

# The job's connection, as a workflow's env: and secrets give it.
pg_env=(PGHOST=127.0.0.1 "PGPORT=$port" PGDATABASE=app PGUSER=clickpipes_user
  "PGPASSWORD=$password")
run_path="PATH=$work/bin:$system_path"

# Not one output, report or log line holds the password.
expect_no_password() {
  local file leaked=""
  for file in "$1"/stdout "$1"/stderr "$1"/output "$1"/summary "$1"/temp/*; do
    [[ -f "$file" ]] && grep -qF -- "$password" "$file" && leaked+=" $file"
  done
  expect_eq "${leaked:-none}" none "$2: the password is in no output"
}

# --- run: not ready ---------------------------------------------------------------------
step="$work/not-ready"
run_step run "$step" -- "$run_path" "${pg_env[@]}"
report="$step/temp/cdc-preflight-report.json"
expect_eq "$(cat "$step/code")" 1 "not ready: the step fails with exit 1"
expect_eq "$(output_of "$step" ready)" false "not ready: ready=false"
expect_eq "$(output_of "$step" exit-code)" 1 "not ready: exit-code=1"
expect_eq "$(output_of "$step" report)" "$report" "not ready: report is the JSON report's path"
expect_action_outputs "$step" "not ready"
expect "not ready: the JSON report parses" python3 -m json.tool "$report" /dev/null
expect_eq "$(json_value "$report" "[c['id'] for c in report['checks'] if c['status'] == 'fail']")" \
  "['settings.logical_replication']" "not ready: the JSON report fails settings.logical_replication"
expect_eq "$(head -n 1 "$step/summary")" "## cdc-preflight: not ready" \
  "not ready: the step summary holds the Markdown report"
expect "not ready: the summary shows the failing check" \
  grep -qF "\`settings.logical_replication\`" "$step/summary"
expect "not ready: an annotation for the failing check" \
  grep -q '^::error title=cdc-preflight settings.logical_replication::' "$step/stdout"
expect "not ready: the text report in the log" grep -q 'settings.logical_replication' "$step/stdout"
expect "not ready: the text report says not ready" grep -q '^Not ready: 1 failed' "$step/stdout"
expect_no_password "$step" "not ready"
[[ "$failures" -eq 0 ]] || show_step "$step"

step="$work/not-ready-tolerated"
run_step run "$step" inputs.fail-on-not-ready=false -- "$run_path" "${pg_env[@]}"
expect_eq "$(cat "$step/code")" 0 "fail-on-not-ready=false: the step passes"
expect_eq "$(output_of "$step" ready)" false "fail-on-not-ready=false: ready=false"
expect_eq "$(output_of "$step" exit-code)" 1 "fail-on-not-ready=false: exit-code=1"

step="$work/no-summary"
run_step run "$step" inputs.summary=false inputs.format=json -- "$run_path" "${pg_env[@]}"
expect_eq "$(wc -c <"$step/summary")" 0 "summary=false: nothing in the step summary"
expect "format=json: the log's report is JSON" python3 -m json.tool "$step/stdout" /dev/null
expect_eq "$(grep -c '^::' "$step/stdout" || true)" 0 "summary=false: no annotation"

# --- run: ready ---------------------------------------------------------------------------
printf 'wal_level = logical\n' >>"$data_dir/postgresql.conf"
start_server restart
# The connections the tool opens as clickpipes_user, counted in the server's log.
connections() { grep -c 'connection authorized: user=clickpipes_user' "$pg_dir/server.log" || true; }
before="$(connections)"
env -i PATH="$system_path" "${pg_env[@]}" "$build_dir/cdc-preflight" check -o /dev/null || true
live_connections=$(($(connections) - before))
step="$work/ready"
# Only the conninfo input: no PG* variable but the password.
conninfo="host=127.0.0.1 port=$port dbname=app user=clickpipes_user password=$password"
before="$(connections)"
run_step run "$step" "inputs.conninfo=$conninfo" -- "$run_path"
expect_eq "$(($(connections) - before))" "$live_connections" \
  "ready: the step reads the database once, as one live check does ($live_connections connections)"
report="$step/temp/cdc-preflight-report.json"
expect_eq "$(cat "$step/code")" 0 "ready: the step passes"
expect_eq "$(output_of "$step" ready)" true "ready: ready=true"
expect_eq "$(output_of "$step" exit-code)" 0 "ready: exit-code=0"
expect_eq "$(json_value "$report" "report['summary']['ready']")" True "ready: the JSON report is ready"
expect_eq "$(head -n 1 "$step/summary")" "## cdc-preflight: ready" "ready: the step summary says ready"
expect_no_password "$step" "ready (password in the conninfo input)"
[[ "$(cat "$step/code")" == 0 ]] || show_step "$step"
warnings="$(json_value "$report" "sorted(c['id'] for c in report['checks'] if c['status'] == 'warn')")"

# --strict: the warnings of that same database fail it.
step="$work/strict"
run_step run "$step" inputs.strict=true -- "$run_path" "${pg_env[@]}"
if [[ "$warnings" == "[]" ]]; then
  expect_eq "$(cat "$step/code")" 0 "strict, no warning: the step passes"
else
  expect_eq "$(cat "$step/code")" 1 "strict, warnings $warnings: the step fails"
  expect_eq "$(output_of "$step" ready)" false "strict, warnings: ready=false"
fi

# skip and args: evaluation flags reach check --from, connection flags collect.
step="$work/skip-args"
run_step run "$step" "inputs.skip=connection.tls, endpoint.writer" \
  "inputs.args=--schema app --connect-timeout=5 -p$port -q --table 'app.items'" \
  -- "$run_path" "${pg_env[@]}"
report="$step/temp/cdc-preflight-report.json"
expect_eq "$(cat "$step/code")" 0 "skip and args: the step passes"
expect_eq "$(json_value "$report" "[c['status'] for c in report['checks'] if c['id'] in ('connection.tls', 'endpoint.writer')]")" \
  "['skip', 'skip']" "skip: both ids (comma and space separated) are skipped"
expect_eq "$(json_value "$report" "(report['scope']['schemas'], report['scope']['tables'])")" \
  "(1, 1)" "args: --schema and --table narrow the scope"
[[ "$(cat "$step/code")" == 0 ]] || show_step "$step"

# Shell code in inputs is data: a publication named by it, ids refused as ids.
pwned="$work/pwned"
step="$work/hostile-args"
run_step run "$step" \
  "inputs.args=--publication '\$(touch $pwned-1); touch $pwned-2 \`touch $pwned-3\`' --schema \"a\\\"b\"" \
  -- "$run_path" "${pg_env[@]}"
report="$step/temp/cdc-preflight-report.json"
expect_eq "$(json_value "$report" "report['scope']['publication']")" \
  "\$(touch $pwned-1); touch $pwned-2 \`touch $pwned-3\`" "hostile args: the publication name is the text given"
expect_eq "$(output_of "$step" exit-code)" 1 "hostile args: not ready (no such publication, no such schema)"
step="$work/hostile-words"
run_step run "$step" "inputs.args=; touch $pwned-4 | touch $pwned-5 && touch $pwned-6" \
  -- "$run_path" "${pg_env[@]}"
expect_eq "$(cat "$step/code")" 2 "hostile args: ; | && are words the tool refuses (exit 2)"
expect "hostile args: the tool names the words it refused" \
  grep -qF "not expected: ; touch $pwned-4 | touch $pwned-5 && touch $pwned-6" "$step/stderr"
step="$work/hostile-skip"
run_step run "$step" "inputs.skip=connection.tls,\$(touch $pwned-7);touch $pwned-8" \
  -- "$run_path" "${pg_env[@]}"
expect_eq "$(cat "$step/code")" 2 "hostile skip: the step fails with exit 2"
expect "hostile skip: the tool names the id it refused" grep -qF "no such check: \$(touch" "$step/stderr"
expect_eq "$(output_of "$step" exit-code)" 2 "hostile skip: exit-code=2"
expect_eq "$(output_of "$step" report)" "" "hostile skip: no report (report is empty)"
step="$work/open-quote"
run_step run "$step" "inputs.args=--schema 'app" -- "$run_path" "${pg_env[@]}"
expect_eq "$(cat "$step/code")" 2 "an open quote in args: exit 2"
expect "an open quote in args: said so" grep -q '^::error title=cdc-preflight::args: ' "$step/stdout"
created="$(find "$work" -maxdepth 1 -name 'pwned*' | wc -l)"
expect_eq "$created" 0 "no input was run as shell code"

step="$work/bad-format"
run_step run "$step" inputs.format=xml -- "$run_path" "${pg_env[@]}"
expect_eq "$(cat "$step/code")" 2 "format=xml: the step fails with exit 2"
expect "format=xml: the tool says why" grep -q 'xml' "$step/stderr"
expect "format=xml: an annotation says the step failed on a usage error" \
  grep -q '^::error title=cdc-preflight::exit 2: a usage or input error' "$step/stdout"
step="$work/own-flag"
run_step run "$step" "inputs.args=--format junit" -- "$run_path" "${pg_env[@]}"
expect_eq "$(cat "$step/code")" 2 "args --format: refused (the format input's)"

# Every option of check and collect has its place in action/run.sh's routing.
unrouted=""
for command in check collect; do
  while read -r option; do
    grep -qF -- "[$option]=" "$source_dir/action/run.sh" || unrouted+=" $command:$option"
  done < <("$build_dir/cdc-preflight" "$command" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' |
    grep -oE -- '-[a-zA-Z]\b|--[a-z-]+')
done
expect_eq "${unrouted:-none}" none "run.sh routes every option of check and collect"

# --- run: unreachable ---------------------------------------------------------------------
as_server_owner "$pg_bin/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null
for tolerate in true false; do
  step="$work/unreachable-$tolerate"
  run_step run "$step" "inputs.fail-on-not-ready=$([[ $tolerate == true ]] && echo false || echo true)" \
    -- "$run_path" "${pg_env[@]}" PGCONNECT_TIMEOUT=5
  report="$step/temp/cdc-preflight-report.json"
  expect_eq "$(cat "$step/code")" 3 "unreachable (fail-on-not-ready $([[ $tolerate == true ]] && echo false || echo true)): the step fails with exit 3"
  expect_eq "$(output_of "$step" exit-code)" 3 "unreachable: exit-code=3"
  expect_eq "$(output_of "$step" ready)" false "unreachable: ready=false"
  expect_eq "$(json_value "$report" "[c['status'] for c in report['checks'] if c['id'] == 'connection']")" \
    "['fail']" "unreachable: the JSON report fails check connection"
  expect "unreachable: the summary says why" grep -qF "\`connection\`" "$step/summary"
done

# --- install -------------------------------------------------------------------------------
asset="$(cdcp_release_asset "$version")"
if [[ -z "$asset" ]]; then
  echo "SKIP (install): no release is made for this system ($(sed -n 's/^PRETTY_NAME=//p' /etc/os-release))"
else
  release_root="$work/release"
  cdcp_fake_release "$build_dir" "$release_root/good" "$version"
  # The other systems' assets, listed in the same SHA256SUMS: not this one's.
  decoys=(cdc-preflight_"$version"_ubuntu24.04_amd64.deb cdc-preflight_"$version"_debian13_arm64.deb
    cdc-preflight_"$version"_debian12_arm64.deb cdc-preflight_"$version"_debian13_amd64.deb)
  for decoy in "${decoys[@]}"; do
    [[ "$decoy" == "$asset" ]] && continue
    printf 'not the package for this system: %s\n' "$decoy" >"$release_root/good/v$version/$decoy"
  done
  (cd "$release_root/good/v$version" && sha256sum -- *.deb >SHA256SUMS)
  # A release whose checksum of this asset is wrong.
  mkdir -p "$release_root/bad/v$version"
  cp "$release_root/good/v$version/$asset" "$release_root/bad/v$version/"
  printf '%064d  %s\n' 0 "$asset" >"$release_root/bad/v$version/SHA256SUMS"
  # A release for the other systems only.
  mkdir -p "$release_root/other/v$version"
  for decoy in "${decoys[@]}"; do
    [[ "$decoy" == "$asset" ]] && continue
    cp "$release_root/good/v$version/$decoy" "$release_root/other/v$version/"
  done
  (cd "$release_root/other/v$version" && sha256sum -- *.deb >SHA256SUMS)
  cdcp_serve_release "$release_root"
  url="$CDCP_RELEASE_URL"
  plan_env=(CDCP_ACTION_PLAN_ONLY=1 "PATH=$system_path")
  tag="v${version%%.*}"

  step="$work/install-tag"
  run_step install "$step" github.action_repository=cdc-preflight/cdc-preflight \
    "github.action_ref=$tag" "inputs.release-url=$url/good" -- "${plan_env[@]}"
  expect_eq "$(cat "$step/code")" 0 "install at tag $tag: the step passes"
  expect "install at tag $tag: this system's asset, verified" \
    grep -qxF "plan: install $asset from $url/good/v$version (SHA256 verified)" "$step/stdout"
  downloaded="$(sed -n 's/^plan: apt-get install -y //p' "$step/stdout")"
  expect "install: apt-get installs the downloaded file, the release's $asset" \
    cmp -s "$downloaded" "$release_root/good/v$version/$asset"
  [[ "$(cat "$step/code")" == 0 ]] || show_step "$step"

  step="$work/install-version"
  run_step install "$step" github.action_ref=main "inputs.version=v$version" \
    -- "${plan_env[@]}" "CDCP_RELEASE_URL=$url/good"
  expect "install, version input at a branch: the release of that version (CDCP_RELEASE_URL)" \
    grep -qxF "plan: install $asset from $url/good/v$version (SHA256 verified)" "$step/stdout"

  # Not in plan mode: a wrong checksum stops before apt-get (which here only says it ran).
  mkdir -p "$work/guard"
  for program in apt-get sudo; do
    printf '#!/bin/sh\necho "%s $*" >>%s/guard.log\nexit 97\n' "$program" "$work" >"$work/guard/$program"
    chmod +x "$work/guard/$program"
  done
  step="$work/install-bad-sum"
  run_step install "$step" github.action_repository=cdc-preflight/cdc-preflight \
    "github.action_ref=v$version" "inputs.release-url=$url/bad" -- "PATH=$work/guard:$system_path"
  expect_eq "$(cat "$step/code")" 1 "a wrong checksum: the step fails"
  expect "a wrong checksum: the error says so" \
    grep -q "^::error title=cdc-preflight install::$asset: SHA256 mismatch: .*; nothing installed$" "$step/stdout"
  expect "a wrong checksum: apt-get never ran" test ! -e "$work/guard.log"
  expect_eq "$(find "$step/temp" -name '*.deb' | wc -l)" 0 "a wrong checksum: the download is removed"

  step="$work/install-other"
  run_step install "$step" "github.action_ref=$tag" \
    "inputs.release-url=$url/other" -- "${plan_env[@]}"
  expect "no asset for this system: built from source, said why" \
    grep -qF "release v$version has no $asset" "$step/stderr"
  expect "no asset for this system: the plan is the source build" \
    grep -q "^plan: build from source in $source_dir " "$step/stdout"
  expect_eq "$(cat "$step/code")" 0 "no asset for this system: the step passes"

  step="$work/install-no-release"
  run_step install "$step" inputs.version=9.9.9 "inputs.release-url=$url/good" \
    -- "${plan_env[@]}"
  expect "no such release: built from source, said why" grep -qF "no release v9.9.9" "$step/stderr"
  expect "no such release: the plan is the source build" grep -q "^plan: build from source" "$step/stdout"

  step="$work/install-branch"
  run_step install "$step" github.action_repository=cdc-preflight/cdc-preflight \
    github.action_ref=main -- "${plan_env[@]}"
  expect "a branch ref: built from source, said why" \
    grep -qF "the Action's ref (main) is not a release tag" "$step/stderr"
  expect "a branch ref: the plan is the source build" grep -q "^plan: build from source" "$step/stdout"

  step="$work/install-unreachable"
  run_step install "$step" "github.action_ref=v$version" \
    "inputs.release-url=http://127.0.0.1:$port" -- "${plan_env[@]}"
  expect_eq "$(cat "$step/code")" 1 "a release URL that does not answer: the step fails (no silent build)"

  step="$work/install-installed"
  run_step install "$step" "github.action_ref=$tag" "inputs.release-url=$url/good" \
    -- CDCP_ACTION_PLAN_ONLY=1 "$run_path"
  expect "the version on PATH already: nothing to install" \
    grep -q "^plan: nothing to install: cdc-preflight $version " "$step/stdout"
fi

if [[ "$failures" -ne 0 ]]; then
  echo "$failures failed"
  exit 1
fi
echo "all passed"
