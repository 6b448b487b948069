#!/usr/bin/python3
"""Validates JSON documents against a JSON Schema (draft 2020-12).

    validate.py [--allow-missing-keys] SCHEMA [FILE ...]

Reads each FILE (or stdin, when there is none or FILE is -), checks the schema
itself first, and prints each error on one line: where (the file, then the JSON
path of the value) and what. Exit status: 0 when every document is valid, 1
when one is not (or is not JSON), 2 for a usage error or an invalid schema.

--allow-missing-keys validates as `check --from` reads a snapshot of an earlier
release of the same facts_version: a key may be missing (it takes its default),
but every key present must be one the schema knows, of its type and range.

    validate.py --serve SCHEMA_DIR

validates one document after another for a test harness, with one python3
start for all: each request on stdin is a line `NAME LENGTH` and LENGTH bytes
of the document, checked against SCHEMA_DIR/NAME.schema.json; each answer on
stdout is a line `LENGTH` and LENGTH bytes of error lines (none: it matches).
It ends at the end of stdin.

Uses Debian's python3-jsonschema (4.10 on Debian 12).
"""

import argparse
import json
import sys

import jsonschema

MAX_MESSAGE = 300  # a message quotes the value, which may be a whole report


def json_path(path):
    """$.checks[3].status for deque(['checks', 3, 'status'])."""
    text = "$"
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:
            text += "[" + json.dumps(part, ensure_ascii=True) + "]"
    return text


def one_line(message):
    message = " ".join(message.split())
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return message


SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMAS = ("items", "additionalProperties", "propertyNames", "contains", "not", "if", "then",
           "else", "unevaluatedItems", "unevaluatedProperties")


def without_required(schema):
    """The schema with `required` dropped from it and every subschema (not from
    values: an `enum` or a `const` is left as it is)."""
    if not isinstance(schema, dict):
        return schema
    stripped = {}
    for key, value in schema.items():
        if key == "required":
            continue
        if key in SCHEMA_MAPS:
            value = {name: without_required(sub) for name, sub in value.items()}
        elif key in SCHEMA_LISTS:
            value = [without_required(sub) for sub in value]
        elif key in SCHEMAS:
            value = without_required(value)
        stripped[key] = value
    return stripped


def read(name):
    if name == "-":
        return "<stdin>", sys.stdin.read()
    with open(name, encoding="utf-8") as file:
        return name, file.read()


def briefly(value):
    """A value too long to quote, as what it is."""
    if isinstance(value, list):
        return f"an array of {len(value)} items"
    if isinstance(value, dict):
        return f"an object of {len(value)} keys"
    return "a long string" if isinstance(value, str) else "a value"


def message_of(error):
    """Its message, quoting the value only when the value is short."""
    quoted = repr(error.instance)
    if len(quoted) > 60 and error.message.startswith(quoted):
        return briefly(error.instance) + error.message[len(quoted):]
    return error.message


def causes(error):
    """For "not valid under any of the given schemas" (oneOf, anyOf: a nullable
    value), the errors of the one alternative of the value's type, if there is
    one; else the error itself."""
    if not error.context:
        return [error]
    alternatives = {}
    for sub in error.context:
        alternatives.setdefault(sub.relative_schema_path[0], []).append(sub)
    of_its_type = [errors for errors in alternatives.values()
                   if not any(e.validator == "type" and not e.relative_path for e in errors)]
    if len(of_its_type) != 1:
        return [error]
    return [leaf for sub in of_its_type[0] for leaf in causes(sub)]


def errors_of(validator, text):
    """Each error as (JSON path, message), in document order, once."""
    try:
        document = json.loads(text)
    except ValueError as error:
        return [("$", one_line(f"not JSON: {error}"))]
    where = {}  # each (path, message), once, with where it is in the document
    for error in (leaf for top in validator.iter_errors(document) for leaf in causes(top)):
        entry = (json_path(error.absolute_path), one_line(message_of(error)))
        where.setdefault(entry, [(0, part, "") if isinstance(part, int) else (1, 0, part)
                                 for part in error.absolute_path])
    return sorted(where, key=where.get)


class InvalidSchema(Exception):
    pass


def validator_of(path, allow_missing_keys=False):
    """A validator for the schema in `path`, once the schema itself is checked."""
    try:
        with open(path, encoding="utf-8") as file:
            schema = json.load(file)
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ValueError) as error:
        raise InvalidSchema(f"{path}: {one_line(str(error))}") from error
    except jsonschema.SchemaError as error:
        raise InvalidSchema(f"{path}: invalid schema at {json_path(error.absolute_path)}: "
                            f"{one_line(error.message)}") from error
    if allow_missing_keys:
        schema = without_required(schema)
    return jsonschema.Draft202012Validator(schema)


def serve(directory):
    validators = {}
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    while header := requests.readline():
        name, length = header.decode().split()
        document = requests.read(int(length))
        try:
            if name not in validators:
                validators[name] = validator_of(f"{directory}/{name}.schema.json")
            text = document.decode("utf-8")
            lines = [f"{path}: {message}" for path, message in errors_of(validators[name], text)]
        except InvalidSchema as error:
            lines = [str(error)]
        except UnicodeDecodeError as error:
            lines = [f"$: not UTF-8: {error}"]
        answer = "".join(line + "\n" for line in lines).encode()
        answers.write(b"%d\n" % len(answer) + answer)
        answers.flush()
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        return serve(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-missing-keys", action="store_true",
                        help="a key may be missing (a snapshot of an earlier release)")
    parser.add_argument("schema")
    parser.add_argument("files", nargs="*", default=["-"])
    arguments = parser.parse_args()

    try:
        validator = validator_of(arguments.schema, arguments.allow_missing_keys)
    except InvalidSchema as error:
        print(error, file=sys.stderr)
        return 2

    status = 0
    for name in arguments.files:
        try:
            shown, text = read(name)
        except (OSError, UnicodeDecodeError) as error:
            print(f"{name}: {one_line(str(error))}")
            status = 1
            continue
        for path, message in errors_of(validator, text):
            print(f"{shown}: {path}: {message}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
