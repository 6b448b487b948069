#!/usr/bin/env bash
# The completion scripts of `cdc-preflight completion bash|zsh|fish`, loaded into the real
# shells and asked what a user's Tab would give: the command after `col`, the --format values,
# a check id for --skip, a file name with a space for --from.
#   bash: the completion function called as bash's `complete -F` calls it (COMP_WORDS);
#   zsh:  an interactive zsh on a pseudo-terminal (zsh/zpty), compinit, and a real Tab;
#   fish: `complete -C`, fish's own answer to "what would Tab complete here".
#
# Usage: tests/completion/shells_test.sh CDC_PREFLIGHT_BINARY
set -euo pipefail

binary="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d /tmp/cdcp-completion.XXXXXX)"
trap 'rm -rf "$work"' EXIT
failures=0
expect() { # NAME GOT WANT
  if [[ "$2" == "$3" ]]; then
    printf 'ok    %s: %s\n' "$1" "$2"
  else
    printf 'FAIL  %s: got [%s], want [%s]\n' "$1" "$2" "$3"
    failures=$((failures + 1))
  fi
}
mkdir "$work/files"
touch "$work/files/last week.json"

# --- bash -------------------------------------------------------------------------------------
"$binary" completion bash >"$work/cdc-preflight.bash"
bash_complete() { # WORD... (the last one is the word being completed)
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cdc_preflight
    printf "%s\n" "${COMPREPLY[*]}"' _ "$work/cdc-preflight.bash" cdc-preflight "$@"
}
expect "bash: cdc-preflight col<Tab>" "$(bash_complete col)" "collect"
expect "bash: check --format <Tab>" "$(bash_complete check --format "")" \
  "text json junit markdown sql github"
expect "bash: check --skip aws.p<Tab>" "$(bash_complete check --skip aws.p)" "aws.parameter_group"
expect "bash: check --from .../last<Tab>" "$(bash_complete check --from "$work/files/last")" \
  "$work/files/last week.json"

# --- zsh --------------------------------------------------------------------------------------
if command -v zsh >/dev/null; then
  "$binary" completion zsh >"$work/_cdc-preflight"
  # Types LINE and Tab at an interactive zsh, then Ctrl-A and "print -r -- DONE:" before it:
  # the line as completion left it comes back on a line of its own. The script is found in
  # $fpath by compinit (as the package installs it), or with HOW=source, sourced after
  # compinit (as from ~/.zshrc).
  zsh_complete() { # LINE [HOW]
    ZDOTDIR="$work" HOME="$work" timeout 60 zsh -f -c '
      zmodload zsh/zpty
      zpty shell "zsh -f -i"
      if [[ $4 == source ]]; then
        zpty -w shell "PS1=\"%% \"; bindkey -e; autoload -U compinit; compinit -u -d $1/zcompdump; source $1/_cdc-preflight; PATH=$(dirname "$3"):\$PATH; unsetopt beep"
      else
        zpty -w shell "PS1=\"%% \"; bindkey -e; fpath=($1 \$fpath); autoload -U compinit; compinit -u -d $1/zcompdump; PATH=$(dirname "$3"):\$PATH; unsetopt beep"
      fi
      zpty -w -n shell "$2"$'"'"'\t'"'"'
      zpty -w -n shell $'"'"'\x01'"'"'"print -r -- DO\"\"NE: "$'"'"'\n'"'"'
      # Reads until the printed line (its echo reads DO""NE) has come back whole.
      zpty -r shell output "*DONE: *"$'"'"'\n'"'"'"*"
      zpty -d shell
      print -r -- "$output"' _ "$work" "$1" "$binary" "${2:-fpath}" | tr -d '\r' |
      sed -n 's/^DONE: \(.*[^ ]\) *$/\1/p' | tail -n 1
  }
  expect "zsh: cdc-preflight col<Tab>" "$(zsh_complete 'cdc-preflight col')" "cdc-preflight collect"
  expect "zsh: check --format ju<Tab>" "$(zsh_complete 'cdc-preflight check --format ju')" \
    "cdc-preflight check --format junit"
  expect "zsh: check --skip aws.p<Tab>" "$(zsh_complete 'cdc-preflight check --skip aws.p')" \
    "cdc-preflight check --skip aws.parameter_group"
  expect "zsh (sourced): check --format ju<Tab>" \
    "$(zsh_complete 'cdc-preflight check --format ju' source)" "cdc-preflight check --format junit"
else
  [[ -n "${CI:-}" ]] && { echo "FAIL  zsh is not installed (apt-get install zsh)"; exit 1; }
  echo "skip  zsh: not installed (apt-get install zsh)"
fi

# --- fish -------------------------------------------------------------------------------------
if command -v fish >/dev/null; then
  "$binary" completion fish >"$work/cdc-preflight.fish"
  fish_complete() { # LINE
    HOME="$work" XDG_CONFIG_HOME="$work" XDG_DATA_HOME="$work" fish --no-config -c \
      'source $argv[1]; complete -C $argv[2]' "$work/cdc-preflight.fish" "$1" |
      cut -f1 | paste -sd' ' -
  }
  expect "fish: cdc-preflight col<Tab>" "$(fish_complete 'cdc-preflight col')" "collect"
  expect "fish: check --format <Tab>" "$(fish_complete 'cdc-preflight check --format ')" \
    "github json junit markdown sql text"
  expect "fish: check --skip aws.p<Tab>" "$(fish_complete 'cdc-preflight check --skip aws.p')" \
    "aws.parameter_group"
else
  [[ -n "${CI:-}" ]] && { echo "FAIL  fish is not installed (apt-get install fish)"; exit 1; }
  echo "skip  fish: not installed (apt-get install fish)"
fi

[[ "$failures" -eq 0 ]] || { echo "$failures completion(s) wrong"; exit 1; }
