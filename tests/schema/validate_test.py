#!/usr/bin/python3
"""validate.py rejects what the schemas forbid, with its exit status and one
line per error naming the JSON path: each case changes one thing in a document
the schema accepts (the JSON report golden, a committed snapshot)."""

import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VALIDATE = os.path.join(HERE, "validate.py")
REPORT_SCHEMA = os.path.join(ROOT, "docs", "schema", "report.schema.json")
SNAPSHOT_SCHEMA = os.path.join(ROOT, "docs", "schema", "snapshot.schema.json")
GOLDEN = os.path.join(ROOT, "tests", "fixtures", "report_json.golden")
# A real collect snapshot (of an earlier release: some keys are missing).
SNAPSHOT = os.path.join(ROOT, "fuzz", "corpus", "snapshot", "aurora_deep_blocked.json")


def load(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def validate(schema, document, *options):
    """validate.py's exit status and stdout for the document on stdin."""
    run = subprocess.run([VALIDATE, *options, schema], input=json.dumps(document),
                         capture_output=True, text=True, check=False)
    return run.returncode, run.stdout + run.stderr


def check_of(report, check_id):
    return next(check for check in report["checks"] if check["id"] == check_id)


class Report(unittest.TestCase):
    def setUp(self):
        self.report = load(GOLDEN)

    def rejected(self, report):
        status, output = validate(REPORT_SCHEMA, report)
        self.assertEqual(status, 1, output)
        return output

    def test_the_golden_is_valid(self):
        self.assertEqual(validate(REPORT_SCHEMA, self.report), (0, ""))

    def test_an_unknown_status(self):
        self.report["checks"][2]["status"] = "maybe"
        output = self.rejected(self.report)
        self.assertIn("<stdin>: $.checks[2].status: 'maybe' is not one of ['pass', 'warn', "
                      "'fail', 'skip', 'error']", output)

    def test_a_status_the_check_never_gives(self):
        check_of(self.report, "server.platform")["status"] = "warn"
        output = self.rejected(self.report)
        self.assertIn("$.checks[3].status: 'warn' is not one of ['pass', 'skip', 'error']",
                      output)

    def test_an_unknown_platform_and_endpoint_kind(self):
        self.report["target"]["platform"] = "cloud_sql"
        self.report["target"]["endpoint_kind"] = "cluster_writer"
        output = self.rejected(self.report)
        self.assertIn("$.target.platform: 'cloud_sql' is not one of", output)
        self.assertIn("$.target.endpoint_kind: 'cluster_writer' is not one of", output)

    def test_an_extra_key(self):
        self.report["summary"]["warnings"] = 3
        output = self.rejected(self.report)
        self.assertIn("$.summary: Additional properties are not allowed ('warnings' was "
                      "unexpected)", output)

    def test_a_missing_key(self):
        del self.report["parameter_group"]
        self.assertIn("$: 'parameter_group' is a required property", self.rejected(self.report))

    def test_a_wrong_type(self):
        self.report["target"]["port"] = "5432"
        self.report["summary"]["ready"] = "false"
        output = self.rejected(self.report)
        self.assertIn("$.target.port: '5432' is not of type 'integer'", output)
        self.assertIn("$.summary.ready: 'false' is not of type 'boolean'", output)

    def test_every_check_once_in_catalogue_order(self):
        missing = copy.deepcopy(self.report)
        del missing["checks"][-1]
        self.assertIn("$.checks: ", self.rejected(missing))
        swapped = copy.deepcopy(self.report)
        swapped["checks"][0], swapped["checks"][1] = swapped["checks"][1], swapped["checks"][0]
        self.assertIn("$.checks[0].id: 'connection' was expected", self.rejected(swapped))
        unknown = copy.deepcopy(self.report)
        unknown["checks"].append(dict(unknown["checks"][0], id="connection.speed"))
        self.assertIn("$.checks: ", self.rejected(unknown))

    def test_a_nullable_part_names_its_own_errors(self):
        self.report["parameter_group"] = {"checks": ["connection"], "parameters": [],
                                          "remediation": check_of(self.report, "connection")}
        output = self.rejected(self.report)
        self.assertIn("$.parameter_group.checks: ['connection'] is too short", output)
        self.assertIn("$.parameter_group.remediation: Additional properties are not allowed",
                      output)
        self.report["parameter_group"] = []
        self.assertIn("$.parameter_group: [] is not valid under any of the given schemas",
                      self.rejected(self.report))

    def connection_failed(self, details):
        report = copy.deepcopy(self.report)
        connection = check_of(report, "connection")
        connection["status"] = "fail"
        connection["details"] = details
        return report

    def test_a_failed_connection_names_its_cause_and_reason(self):
        for details in (["cause: refused", "connection refused"],
                        ["cause: authentication", "FATAL:  password authentication failed"],
                        ["cause: authentication", "reason: pg_hba", "FATAL:  pg_hba.conf rejects"],
                        ["cause: none", ""]):
            status, output = validate(REPORT_SCHEMA, self.connection_failed(details))
            self.assertEqual((status, output), (0, ""), details)

    def test_an_unknown_cause_or_reason(self):
        output = self.rejected(self.connection_failed(["cause: weather", "it rained"]))
        self.assertIn("$.checks[0].details[0]: 'cause: weather' is not one of ['cause: none', "
                      "'cause: dns',", output)
        output = self.rejected(
            self.connection_failed(["cause: authentication", "reason: bad luck", "no"]))
        self.assertIn("$.checks[0].details[1]: 'reason: bad luck' is not one of "
                      "['reason: password',", output)
        output = self.rejected(self.connection_failed(["cause: refused", "reason: pg_hba", "no"]))
        self.assertIn("$.checks[0].details[0]: 'cause: authentication' was expected", output)
        self.assertIn("$.checks[0].details: ", self.rejected(self.connection_failed(["cause: dns"])))


class Snapshot(unittest.TestCase):
    def setUp(self):
        self.snapshot = load(SNAPSHOT)

    def rejected(self, snapshot, *options):
        status, output = validate(SNAPSHOT_SCHEMA, snapshot, *options)
        self.assertEqual(status, 1, output)
        return output

    def test_a_snapshot_of_an_earlier_release_lacks_keys_added_since(self):
        output = self.rejected(self.snapshot)
        self.assertIn("$.tables[0]: 'generated_columns' is a required property", output)
        self.assertEqual(validate(SNAPSHOT_SCHEMA, self.snapshot, "--allow-missing-keys"), (0, ""))

    def test_an_extra_key(self):
        self.snapshot["colour"] = "blue"
        self.snapshot["tables"][1]["colour"] = "blue"
        for options in ([], ["--allow-missing-keys"]):
            output = self.rejected(self.snapshot, *options)
            self.assertIn("<stdin>: $: Additional properties are not allowed ('colour' was "
                          "unexpected)", output)
            self.assertIn("$.tables[1]: Additional properties are not allowed ('colour' was "
                          "unexpected)", output)

    def test_a_wrong_type(self):
        self.snapshot["connection"]["port"] = "5432"
        self.snapshot["tables"][0]["select"] = 1
        output = self.rejected(self.snapshot, "--allow-missing-keys")
        self.assertIn("$.connection.port: '5432' is not of type 'integer'", output)
        self.assertIn("$.tables[0].select: 1 is not of type 'boolean'", output)

    def test_an_unknown_enum_value(self):
        self.snapshot["connection"]["failure"] = "weather"
        self.snapshot["tables"][0]["replica_identity"] = "primary_key"
        self.snapshot["server"]["settings"]["work_mem"] = {"value": "4096", "unit": "kB",
                                                           "pending_restart": False}
        output = self.rejected(self.snapshot, "--allow-missing-keys")
        self.assertIn("$.connection.failure: 'weather' is not one of ['none', 'dns',", output)
        self.assertIn("$.tables[0].replica_identity: 'primary_key' is not one of", output)
        self.assertIn("$.server.settings: 'work_mem' is not one of ['wal_level',", output)

    def test_an_integer_out_of_range(self):
        self.snapshot["connection"]["port"] = 65536
        output = self.rejected(self.snapshot, "--allow-missing-keys")
        self.assertIn("$.connection.port: 65536 is greater than the maximum of 65535", output)

    def test_another_facts_version(self):
        self.snapshot["facts_version"] = 2
        output = self.rejected(self.snapshot, "--allow-missing-keys")
        self.assertIn("$.facts_version: 1 was expected", output)


class Validator(unittest.TestCase):
    def run_validate(self, *arguments, stdin=""):
        run = subprocess.run([VALIDATE, *arguments], input=stdin, capture_output=True,
                             text=True, check=False)
        return run.returncode, run.stdout, run.stderr

    def test_files_are_named_and_every_error_is_one_line(self):
        with tempfile.TemporaryDirectory() as directory:
            good = os.path.join(directory, "good.json")
            bad = os.path.join(directory, "bad.json")
            report = load(GOLDEN)
            with open(good, "w", encoding="utf-8") as file:
                json.dump(report, file)
            report["checks"][5]["summary"] = ["two\nlines"]
            report["tool"]["name"] = "other"
            with open(bad, "w", encoding="utf-8") as file:
                json.dump(report, file)
            status, out, _ = self.run_validate(REPORT_SCHEMA, good, bad)
        self.assertEqual(status, 1)
        self.assertEqual(out.splitlines(), [
            f"{bad}: $.checks[5].summary: ['two\\nlines'] is not of type 'string'",
            f"{bad}: $.tool.name: 'cdc-preflight' was expected",
        ])

    def test_not_json(self):
        status, out, _ = self.run_validate(REPORT_SCHEMA, stdin='{"schema_version": 1,')
        self.assertEqual(status, 1)
        self.assertRegex(out, r"^<stdin>: \$: not JSON: ")

    def test_an_invalid_schema(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json") as schema:
            json.dump({"type": "objekt"}, schema)
            schema.flush()
            status, out, err = self.run_validate(schema.name, stdin="{}")
        self.assertEqual((status, out), (2, ""))
        self.assertIn(f"{schema.name}: invalid schema at $.type: 'objekt' is not valid", err)

    def test_serve_answers_each_request_in_turn(self):
        report = load(GOLDEN)
        valid = json.dumps(report).encode()
        report["checks"][4]["status"] = "maybe"
        invalid = json.dumps(report).encode()
        requests = b"".join(b"%s %d\n%s" % (name, len(document), document) for name, document in
                            ((b"report", valid), (b"report", invalid), (b"absent", b"{}")))
        run = subprocess.run([VALIDATE, "--serve", os.path.dirname(REPORT_SCHEMA)],
                             input=requests, capture_output=True, check=False)
        self.assertEqual(run.returncode, 0, run.stderr)
        answers = []
        rest = run.stdout
        while rest:
            length, rest = rest.split(b"\n", 1)
            answers.append(rest[:int(length)].decode())
            rest = rest[int(length):]
        self.assertEqual(answers[0], "")
        self.assertEqual(answers[1], "$.checks[4].status: 'maybe' is not one of ['pass', 'warn', "
                         "'fail', 'skip', 'error']\n")
        self.assertRegex(answers[2], r"absent\.schema\.json: \[Errno 2\] No such file")
        self.assertEqual(len(answers), 3)

    def test_a_missing_file(self):
        status, out, _ = self.run_validate(REPORT_SCHEMA, "/nonexistent/report.json")
        self.assertEqual(status, 1)
        self.assertIn("/nonexistent/report.json: [Errno 2] No such file or directory", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
