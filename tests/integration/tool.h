// Running the real cdc-preflight binary and reading its JSON report.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "process.h"

namespace cdcpreflight::integration {

// The check ids the binary implements (contract.md); statuses() compares over these.
[[nodiscard]] const std::vector<std::string>& implemented_checks();

// Runs CDCP_BINARY with args: the inherited environment without PG* variables,
// then env, NO_COLOR=1 and a PGPASSFILE that does not exist (so ~/.pgpass
// cannot answer for a test). Fails the current test if the tool has to be
// killed at the timeout, and if the JSON report (check --format json) or the
// snapshot (collect) it wrote, on stdout or in its -o file, does not match
// docs/schema (report.schema.json, snapshot.schema.json).
[[nodiscard]] ProcessResult run_tool(const std::vector<std::string>& args,
                                     const EnvChanges& env = {},
                                     std::chrono::seconds timeout = std::chrono::seconds(60));

// The environment and bound run_tool gives the tool (for a runner of its own, e.g.
// run_on_terminal): no inherited PG*, then env, NO_COLOR=1, a PGPASSFILE that does not exist.
[[nodiscard]] ProcessOptions tool_options(const EnvChanges& env,
                                          std::chrono::seconds timeout = std::chrono::seconds(60));

// run_tool, sending `signal` (SIGINT, SIGTERM) to the tool after `after`.
[[nodiscard]] ProcessResult run_tool_interrupted(const std::vector<std::string>& args,
                                                 const EnvChanges& env, int signal,
                                                 std::chrono::milliseconds after);

// stdout parsed as JSON; on invalid JSON, fails the current test and returns null.
[[nodiscard]] nlohmann::json parse_report(const ProcessResult& run);

// The value at a JSON pointer ("/summary/ready"), or null when there is none.
[[nodiscard]] nlohmann::json field(const nlohmann::json& report, const std::string& pointer);

// The check with that id, or null when the report has none.
[[nodiscard]] const nlohmann::json& check(const nlohmann::json& report, std::string_view id);

// Its status, "absent" when the report has no such check.
[[nodiscard]] std::string status_of(const nlohmann::json& report, std::string_view id);

// Status of every implemented check, for EXPECT_EQ against all_pass_except().
[[nodiscard]] std::map<std::string, std::string> statuses(const nlohmann::json& report);

// "pass" for every implemented check, but for the given ones, and
// slots.clickpipes, which skips where ClickPipes has no slot, and
// replication.slot_probe, which skips without --deep (pass {"replication.slot_probe",
// "pass"} with it). What no major decides: tests of a server use the overload below.
[[nodiscard]] std::map<std::string, std::string> all_pass_except(
    const std::map<std::string, std::string>& expected);

// The check's remediation.sql statements as one script, each ending with ';'.
[[nodiscard]] std::string remediation_sql(const nlohmann::json& check);

// The major version of the server the report is about (target.server_version_num
// / 10000), 0 when the report has none. Tests branch on it, so that one test
// asserts what each major shows.
[[nodiscard]] int server_major(const nlohmann::json& report);

// The oldest major cdc-preflight supports: server.version fails before it.
inline constexpr int kOldestSupportedMajor = 12;

// max_slot_wal_keep_size exists from this major: settings.wal_retention skips before.
inline constexpr int kSlotWalKeepSizeMajor = 13;

// all_pass_except(expected), and what the major decides (unless expected says
// otherwise): server.version fails before kOldestSupportedMajor,
// settings.wal_retention skips before kSlotWalKeepSizeMajor. What a report of
// that major shows when nothing else is wrong.
[[nodiscard]] std::map<std::string, std::string> all_pass_on_major_except(
    int major, const std::map<std::string, std::string>& expected);

// all_pass_on_major_except for the major the report is about (server_major):
// EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {…})).
// (VersionBranches asserts that the report's major is the server's.)
[[nodiscard]] std::map<std::string, std::string> all_pass_except(
    const nlohmann::json& report, const std::map<std::string, std::string>& expected);

// Summary, details, remediation steps and commands: one per line.
[[nodiscard]] std::string check_text(const nlohmann::json& check);

[[nodiscard]] bool contains_ignoring_case(std::string_view text, std::string_view word);

}  // namespace cdcpreflight::integration
