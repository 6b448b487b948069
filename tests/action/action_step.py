#!/usr/bin/env python3
"""What GitHub runs for one step of a composite action.yml, for a test to run it.

  action_step.py ACTION_YML STEP_ID OUT_DIR [inputs.NAME=VALUE | github.NAME=VALUE]...
      writes OUT_DIR/env (the step's env:, NAME=VALUE entries separated by NUL, with
      each ${{ inputs.* }} and ${{ github.* }} evaluated: a given value, else the
      input's default) and OUT_DIR/run (the step's run: script, which GitHub runs
      with `bash --noprofile --norc -eo pipefail OUT_DIR/run`).
  action_step.py ACTION_YML outputs STEP_ID
      prints the outputs that action.yml takes from that step, one
      "OUTPUT_NAME STEP_OUTPUT_KEY" per line.

Fails (exit 1, saying why) on what GitHub would run differently from the test: an
undeclared input, an expression other than one inputs/github property, an
expression inside run: (inputs reach shell code through env: only), a shell other
than bash.
"""
import os
import re
import sys

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PROPERTY = re.compile(r"^(inputs|github)\.([A-Za-z0-9_-]+)$")


def fail(message):
    print(f"action_step.py: {message}", file=sys.stderr)
    sys.exit(1)


def load(path):
    with open(path, encoding="utf-8") as file:
        action = yaml.safe_load(file)
    if action.get("runs", {}).get("using") != "composite":
        fail(f"{path} is not a composite action")
    return action


def step_of(action, step_id):
    for step in action["runs"]["steps"]:
        if step.get("id") == step_id or step.get("name") == step_id:
            return step
    fail(f"no step {step_id!r}")


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def evaluate(text, inputs, github, declared):
    def replace(match):
        found = PROPERTY.match(match.group(1))
        if not found:
            fail(f"an expression the test cannot evaluate: {match.group(0)}")
        context, name = found.groups()
        if context == "inputs":
            if name not in declared:
                fail(f"undeclared input: {name}")
            return inputs.get(name, as_text(declared[name].get("default")))
        return github.get(name, "")

    return EXPRESSION.sub(replace, text)


def main(argv):
    if len(argv) == 4 and argv[2] == "outputs":
        action = load(argv[1])
        for name, output in (action.get("outputs") or {}).items():
            found = re.fullmatch(r"\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}",
                                 as_text(output.get("value")))
            if not found:
                fail(f"output {name}: not a step's output: {output.get('value')}")
            if found.group(1) == argv[3]:
                print(name, found.group(2))
        return
    if len(argv) < 4:
        fail(__doc__)
    action = load(argv[1])
    step = step_of(action, argv[2])
    out_dir = argv[3]
    inputs, github = {}, {}
    for assignment in argv[4:]:
        key, _, value = assignment.partition("=")
        context, _, name = key.partition(".")
        {"inputs": inputs, "github": github}[context][name] = value
    declared = action.get("inputs") or {}
    for name in inputs:
        if name not in declared:
            fail(f"the test gives an undeclared input: {name}")
    script = as_text(step.get("run"))
    if EXPRESSION.search(script):
        fail(f"step {argv[2]}: an expression in run: (inputs must go through env:)")
    if step.get("shell") != "bash":
        fail(f"step {argv[2]}: shell {step.get('shell')!r}, not bash")
    with open(os.path.join(out_dir, "env"), "w", encoding="utf-8") as env:
        for name, value in (step.get("env") or {}).items():
            env.write(f"{name}={evaluate(as_text(value), inputs, github, declared)}\0")
    with open(os.path.join(out_dir, "run"), "w", encoding="utf-8") as run:
        run.write(script + "\n")


if __name__ == "__main__":
    main(sys.argv)
