#!/usr/bin/env bash
# The run step of the cdc-preflight GitHub Action (action.yml): checks the database
# once and writes every report from what that one run read.
#
#   1. `cdc-preflight collect` connects (the `conninfo` input, else libpq's PG*
#      environment) and writes a snapshot of the facts: one connection, one read;
#   2. `cdc-preflight check --from SNAPSHOT` evaluates it, offline, for each report:
#      the JSON report ($RUNNER_TEMP/cdc-preflight-report.json), the `format` report
#      for the log, and with `summary` the `github` one (annotations, and the
#      Markdown report appended to $GITHUB_STEP_SUMMARY). All of them carry the
#      same verdicts, and a live check would give them too.
#
# Outputs ($GITHUB_OUTPUT): ready (true/false), exit-code (cdc-preflight's), report
# (the JSON report's path; empty when none was written). The step fails with
# cdc-preflight's exit code: on 1 (not ready) unless fail-on-not-ready is false,
# on 2 (usage or input error), 3 (could not connect) and above always.
#
# Inputs, from the environment (action.yml maps each with `env:`, never into code):
#   INPUT_CONNINFO            a conninfo string or postgres:// URI (-d); empty: PG* variables
#   INPUT_FORMAT              the log's report format (default text)
#   INPUT_STRICT              true: warnings fail too (--strict)
#   INPUT_SKIP                check ids to skip, separated by commas or white space
#   INPUT_ARGS                more arguments, split into words like a shell's (quotes,
#                             backslashes) but never expanded nor run
#   INPUT_SUMMARY             true (default): annotations and the job summary
#   INPUT_FAIL_ON_NOT_READY   true (default): exit 1 (not ready) fails the step
set -euo pipefail

# A workflow command's message: %, CR and LF encoded, as GitHub reads them.
escape_command() {
  local text="$1"
  text="${text//'%'/%25}"
  text="${text//$'\r'/%0D}"
  text="${text//$'\n'/%0A}"
  printf '%s' "$text"
}

# An input error of the Action itself: cdc-preflight's usage exit code, 2.
usage_error() {
  printf '::error title=cdc-preflight::%s\n' "$(escape_command "$*")"
  write_outputs false 2 ""
  exit 2
}

write_outputs() {
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    printf 'ready=%s\nexit-code=%s\nreport=%s\n' "$1" "$2" "$3" >>"$GITHUB_OUTPUT"
  fi
}

# Boolean inputs are true or false, in any case; anything else is an input error.
check_boolean() {
  [[ "$2" == true || "$2" == false ]] || usage_error "input $1: expected true or false, not '$2'"
}

strict="${INPUT_STRICT:-false}"
summary="${INPUT_SUMMARY:-true}"
fail_on_not_ready="${INPUT_FAIL_ON_NOT_READY:-true}"
strict="${strict,,}" summary="${summary,,}" fail_on_not_ready="${fail_on_not_ready,,}"
check_boolean strict "$strict"
check_boolean summary "$summary"
check_boolean fail-on-not-ready "$fail_on_not_ready"
format="${INPUT_FORMAT:-text}"

# --- where each argument goes -----------------------------------------------------------
# The facts are gathered once by `collect`, then evaluated by `check --from`, so
# each flag goes to the command that uses it. To collect: where and how to connect,
# what to read (the role, the publication, --deep, --aws: what `check --from`
# refuses or takes from the snapshot) and --redact. To check: the scope and the
# verdict (what `check --from` may change offline). To both: the ClickPipes IP list
# and verbosity. The reports' formats and files are the Action's own.
declare -A route=(
  [-h]=collect:value [--host]=collect:value [-p]=collect:value [--port]=collect:value
  [-U]=collect:value [--username]=collect:value [-d]=collect:value [--dbname]=collect:value
  [-w]=collect [--no-password]=collect [-W]=collect [--password]=collect
  [--connect-timeout]=collect:value [--statement-timeout]=collect:value
  [--user]=collect:value [--publication]=collect:value [--deep]=collect
  [--aws]=collect [--aws-profile]=collect:value [--aws-region]=collect:value
  [--aws-cluster]=collect:value [--aws-endpoint-url]=collect:value
  [--aws-timeout]=collect:value [--redact]=collect
  [--schema]=check:value [--table]=check:value [--long-tx-minutes]=check:value
  [--skip]=check:value [--clickpipes-region]=check:value [--strict]=check
  [--color]=check:value
  [--clickpipes-ips]=both:value [-q]=both [--quiet]=both [-v]=both [--verbose]=both
  [--format]=own:format [-o]=own:report [--output]=own:report [--from]=own:report
  [--help]=own:help [--version]=own:help
)
collect_args=()
check_args=()

add_argument() {
  case "$1" in
    collect) collect_args+=("${@:2}") ;;
    check) check_args+=("${@:2}") ;;
    both)
      collect_args+=("${@:2}")
      check_args+=("${@:2}")
      ;;
  esac
}

# Routes the words of `args`. A word the tool does not know goes to collect,
# which refuses it with its own usage message.
route_words() {
  local list=("$@") i=0 word name target attached j
  while ((i < ${#list[@]})); do
    word="${list[i]}"
    i=$((i + 1))
    name="$word"
    attached=false
    if [[ "$word" == --*=* ]]; then
      name="${word%%=*}"
      attached=true
    elif [[ "$word" =~ ^-[a-zA-Z]. ]]; then
      # One word for a short option and its value (-p5432), or for short flags (-vv).
      if [[ "${route[${word:0:2}]:-}" == *:value ]]; then
        name="${word:0:2}"
        attached=true
      elif [[ "$word" =~ ^-[wWqv]+$ ]]; then
        for ((j = 1; j < ${#word}; j++)); do
          add_argument "${route[-${word:j:1}]}" "-${word:j:1}"
        done
        continue
      fi
    fi
    target="${route[$name]:-collect}"
    case "$target" in
      own:format) usage_error "args: $name is the Action's: use its \`format\` input" ;;
      own:report) usage_error "args: $name is the Action's: the reports are its outputs" ;;
      own:help) usage_error "args: $name prints no report" ;;
    esac
    if [[ "$target" == *:value && "$attached" == false && $i -lt ${#list[@]} ]]; then
      add_argument "${target%:value}" "$word" "${list[i]}"
      i=$((i + 1))
    else
      add_argument "${target%:value}" "$word"
    fi
  done
}

# The words of $1 as a POSIX shell splits them, nothing expanded: blanks and
# newlines separate them; '…' holds anything but '; "…" takes \" \\ \$ \` as
# those characters; a backslash outside quotes takes the next character. Sets
# `words`; returns 1 on a quote left open.
split_words() {
  local text="$1" word="" in_word=false quote="" c next i
  words=()
  for ((i = 0; i < ${#text}; i++)); do
    c="${text:i:1}"
    next="${text:i+1:1}"
    if [[ "$quote" == "'" ]]; then
      if [[ "$c" == "'" ]]; then quote=""; else word+="$c"; fi
    elif [[ "$quote" == '"' ]]; then
      if [[ "$c" == '"' ]]; then
        quote=""
      elif [[ "$c" == "\\" && ( "$next" == '"' || "$next" == "\\" || "$next" == '$' || "$next" == '`' ) ]]; then
        word+="$next"
        i=$((i + 1))
      elif [[ "$c" == "\\" && "$next" == $'\n' ]]; then
        i=$((i + 1))
      else
        word+="$c"
      fi
    elif [[ "$c" == "'" || "$c" == '"' ]]; then
      quote="$c"
      in_word=true
    elif [[ "$c" == "\\" ]]; then
      i=$((i + 1))
      if [[ "$next" != $'\n' ]]; then
        word+="$next"
        in_word=true
      fi
    elif [[ "$c" == [[:space:]] ]]; then
      if [[ "$in_word" == true ]]; then
        words+=("$word")
        word=""
        in_word=false
      fi
    else
      word+="$c"
      in_word=true
    fi
  done
  [[ -z "$quote" ]] || return 1
  if [[ "$in_word" == true ]]; then words+=("$word"); fi
}

words=()
split_words "${INPUT_ARGS:-}" || usage_error "args: a quote is left open"
route_words "${words[@]}"

if [[ -n "${INPUT_SKIP:-}" ]]; then
  IFS=$', \t\n' read -r -d '' -a skip_ids <<<"$INPUT_SKIP" || true
  for id in "${skip_ids[@]}"; do
    [[ -n "$id" ]] && check_args+=(--skip "$id")
  done
fi
[[ "$strict" == true ]] && check_args+=(--strict)
if [[ -n "${INPUT_CONNINFO:-}" ]]; then
  collect_args=(--dbname "$INPUT_CONNINFO" "${collect_args[@]}")
fi

command -v cdc-preflight >/dev/null || usage_error "cdc-preflight is not on PATH (the install step installs it)"

# --- one read, every report ---------------------------------------------------------------
temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
snapshot="$temp/cdc-preflight-snapshot.json"
report="$temp/cdc-preflight-report.json"
rm -f -- "$snapshot" "$report"

# A verdict: 0 ready, 1 not ready, 3 could not connect (the report says why).
is_verdict() { [[ $1 -eq 0 || $1 -eq 1 || $1 -eq 3 ]]; }

# Not a verdict: a usage or input error (2; the tool said why on stderr), an interruption.
annotate_failure() {
  local meaning="see the log"
  [[ $1 -eq 2 ]] && meaning="a usage or input error (the log says which)"
  [[ $1 -eq 130 || $1 -eq 143 ]] && meaning="interrupted"
  printf '::error title=cdc-preflight::exit %s: %s\n' "$1" "$meaning"
}
stop_without_report() {
  annotate_failure "$1"
  write_outputs false "$1" ""
  exit "$1"
}

status=0
cdc-preflight collect "${collect_args[@]}" -o "$snapshot" || status=$?
[[ $status -eq 0 || $status -eq 3 ]] || stop_without_report "$status"

status=0
cdc-preflight check --from "$snapshot" "${check_args[@]}" --format json -o "$report" || status=$?
is_verdict "$status" || stop_without_report "$status"
# The other reports give the same verdict; an error of their own (2: an unknown
# format) fails the step.
render() {
  local code=0
  "$@" || code=$?
  if ! is_verdict "$code"; then
    annotate_failure "$code"
    status=$code
  fi
}
if [[ "$format" == github ]]; then
  if [[ "$summary" == true ]]; then
    render cdc-preflight check --from "$snapshot" "${check_args[@]}" --format github
  else
    render env -u GITHUB_STEP_SUMMARY \
      cdc-preflight check --from "$snapshot" "${check_args[@]}" --format github
  fi
else
  render cdc-preflight check --from "$snapshot" "${check_args[@]}" --format "$format"
  if [[ "$summary" == true ]]; then
    render cdc-preflight check --from "$snapshot" "${check_args[@]}" --format github
  fi
fi

ready=false
[[ $status -eq 0 ]] && ready=true
written=""
[[ -s "$report" ]] && written="$report"
write_outputs "$ready" "$status" "$written"

case "$status" in
  0) exit 0 ;;
  1)
    if [[ "$fail_on_not_ready" == false ]]; then
      printf 'cdc-preflight: not ready (exit 1); fail-on-not-ready is false, so the step passes\n' >&2
      exit 0
    fi
    exit 1
    ;;
  *) exit "$status" ;;
esac
