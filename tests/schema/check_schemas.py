#!/usr/bin/python3
"""Checks the JSON Schemas of docs/schema against their own rules and the catalogue.

    check_schemas.py CDC_PREFLIGHT SCHEMA_DIR

- each is a valid draft 2020-12 schema with `$id`, `title` and `description`;
- every property has a `description`, and every object with properties is
  closed (`additionalProperties: false`), but in a refinement (a subschema
  beside a `$ref`, which narrows a shape described where it is defined) and in
  a condition (`if`, `then`, …);
- report.schema.json lists the catalogue (`CDC_PREFLIGHT checks --format json`):
  `$defs/check_id` has every id in catalogue order, `checks` one entry per
  check in that order, each allowing `warn` only when the check can warn and
  `fail` only when it can fail.

Prints each problem on one line; exits 1 when there is one.
"""

import json
import subprocess
import sys

import jsonschema

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SUBSCHEMAS = ("items", "additionalProperties", "propertyNames")


def shapes(schema, path):
    """(path, subschema) for the schema and every schema inside it that defines
    a shape: not a refinement (beside a `$ref`) nor a condition (`if`, `then`,
    `else`, `not`, `contains`), nor anything inside one."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    yield path, schema
    for key in SUBSCHEMA_MAPS:
        for name, sub in schema.get(key, {}).items():
            yield from shapes(sub, f"{path}/{key}/{name}")
    for key in SUBSCHEMA_LISTS:
        for index, sub in enumerate(schema.get(key, [])):
            yield from shapes(sub, f"{path}/{key}/{index}")
    for key in SUBSCHEMAS:
        if key in schema:
            yield from shapes(schema[key], f"{path}/{key}")


def style_problems(name, schema):
    problems = []
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        problems.append(f"{name}: not a valid schema: {error.message}")
    if schema.get("$schema") != DRAFT:
        problems.append(f"{name}: $schema is not {DRAFT}")
    for key in ("$id", "title", "description"):
        if not schema.get(key):
            problems.append(f"{name}: no {key}")
    for path, sub in shapes(schema, "#"):
        for prop, value in sub.get("properties", {}).items():
            if not isinstance(value, dict) or not value.get("description"):
                problems.append(f"{name}: {path}/properties/{prop} has no description")
        if "properties" in sub and sub.get("additionalProperties") is not False:
            problems.append(f"{name}: {path} is not closed (additionalProperties: false)")
    return problems


def catalogue_problems(binary, report):
    catalogue = json.loads(
        subprocess.run([binary, "checks", "--format", "json"], check=True,
                       capture_output=True, text=True).stdout)["checks"]
    ids = [check["id"] for check in catalogue]
    problems = []
    listed = report["$defs"]["check_id"]["enum"]
    entries = report["properties"]["checks"].get("prefixItems", [])
    for where, have in (("$defs/check_id", listed),
                        ("properties/checks/prefixItems",
                         [entry["properties"]["id"]["const"] for entry in entries])):
        if have != ids:
            missing = [id for id in ids if id not in have]
            unknown = [id for id in have if id not in ids]
            problems.append(f"report.schema.json: {where} is not the catalogue in its order "
                            f"(missing {missing}, not in the catalogue {unknown})")
    for entry, check in zip(entries, catalogue):
        expected = (["pass"] + (["warn"] if check["warns"] else []) +
                    (["fail"] if check["fails"] else []) + ["skip", "error"])
        allowed = entry["properties"]["status"]["enum"]
        if allowed != expected:
            problems.append(f"report.schema.json: {check['id']} allows {allowed}, the catalogue "
                            f"says {expected}")
    if report["properties"]["checks"].get("items") is not False:
        problems.append("report.schema.json: properties/checks admits checks beyond the catalogue")
    if report["properties"]["checks"].get("minItems") != len(ids):
        problems.append(f"report.schema.json: properties/checks/minItems is not {len(ids)}")
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    binary, directory = sys.argv[1], sys.argv[2]
    problems = []
    schemas = {}
    for name in ("report.schema.json", "snapshot.schema.json"):
        with open(f"{directory}/{name}", encoding="utf-8") as file:
            schemas[name] = json.load(file)
        problems += style_problems(name, schemas[name])
    problems += catalogue_problems(binary, schemas["report.schema.json"])
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{', '.join(schemas)}: valid, every property described, shapes closed, "
              "the catalogue listed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
