#include "tool.h"

#include "cdcpreflight/check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace cdcpreflight::integration {
namespace {

std::string lowercase(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

void append_strings(std::string& text, const nlohmann::json& value) {
  if (value.is_string()) {
    text += value.get<std::string>();
    text += '\n';
  } else if (value.is_array()) {
    for (const auto& item : value) append_strings(text, item);
  }
}

ProcessResult run_tool_with(const std::vector<std::string>& args, const EnvChanges& env,
                            std::chrono::seconds timeout, int signal,
                            std::chrono::milliseconds signal_after) {
  ProcessOptions options;
  options.inherit_pg_env = InheritPgEnv::no;
  options.env = env;
  options.env["NO_COLOR"] = "1";
  if (!options.env.contains("PGPASSFILE")) {
    options.env["PGPASSFILE"] = "/nonexistent/cdcp-integration-tests/pgpass";
  }
  options.timeout = timeout;
  options.send_signal = signal;
  options.send_signal_after = signal_after;
  std::vector<std::string> argv = {CDCP_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult result = run_process(argv, options);
  if (result.timed_out) {
    ADD_FAILURE() << "cdc-preflight did not finish within " << timeout.count()
                  << " s and was killed: " << describe_command(argv) << "\n"
                  << describe_result(result);
  }
  return result;
}

}  // namespace

const std::vector<std::string>& implemented_checks() {
  // In catalogue order (`cdc-preflight checks`); the unit tests pin the ids to the spec.
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> all;
    for (const cdcpreflight::CheckDefinition& check : cdcpreflight::catalogue()) {
      all.emplace_back(check.id);
    }
    return all;
  }();
  return ids;
}

ProcessResult run_tool(const std::vector<std::string>& args, const EnvChanges& env,
                       std::chrono::seconds timeout) {
  return run_tool_with(args, env, timeout, 0, std::chrono::milliseconds(0));
}

ProcessResult run_tool_interrupted(const std::vector<std::string>& args, const EnvChanges& env,
                                   int signal, std::chrono::milliseconds after) {
  return run_tool_with(args, env, std::chrono::seconds(60), signal, after);
}

nlohmann::json parse_report(const ProcessResult& run) {
  nlohmann::json report = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.is_object()) {
    ADD_FAILURE() << "stdout is not a JSON report: " << describe_result(run);
    return nullptr;
  }
  return report;
}

nlohmann::json field(const nlohmann::json& report, const std::string& pointer) {
  const nlohmann::json::json_pointer where(pointer);
  return report.contains(where) ? report.at(where) : nlohmann::json();
}

const nlohmann::json& check(const nlohmann::json& report, std::string_view id) {
  static const nlohmann::json absent;
  if (!report.is_object() || !report.contains("checks")) return absent;
  for (const auto& item : report.at("checks")) {
    if (item.is_object() && item.value("id", "") == id) return item;
  }
  return absent;
}

std::string status_of(const nlohmann::json& report, std::string_view id) {
  const nlohmann::json& found = check(report, id);
  if (!found.is_object()) return "absent";
  return found.value("status", "no status");
}

std::map<std::string, std::string> statuses(const nlohmann::json& report) {
  std::map<std::string, std::string> result;
  for (const auto& id : implemented_checks()) result[id] = status_of(report, id);
  return result;
}

std::map<std::string, std::string> all_pass_except(
    const std::map<std::string, std::string>& expected) {
  std::map<std::string, std::string> result;
  for (const auto& id : implemented_checks()) result[id] = "pass";
  result["replication.slot_probe"] = "skip";  // runs only with --deep
  result["slots.clickpipes"] = "skip";        // no ClickPipes slot on a test server
  for (const char* id : {"aws.cluster", "aws.parameter_group", "aws.network"}) {
    result[id] = "skip";  // only with --aws
  }
  for (const auto& [id, status] : expected) result[id] = status;
  return result;
}

int server_major(const nlohmann::json& report) {
  const nlohmann::json version = field(report, "/target/server_version_num");
  return version.is_number_integer() ? version.get<int>() / 10000 : 0;
}

std::map<std::string, std::string> all_pass_on_major_except(
    int major, const std::map<std::string, std::string>& expected) {
  std::map<std::string, std::string> with_version = expected;
  if (major < kOldestSupportedMajor) with_version.emplace("server.version", "fail");
  if (major < kSlotWalKeepSizeMajor) with_version.emplace("settings.wal_retention", "skip");
  return all_pass_except(with_version);
}

std::map<std::string, std::string> all_pass_except(
    const nlohmann::json& report, const std::map<std::string, std::string>& expected) {
  return all_pass_on_major_except(server_major(report), expected);
}

std::string remediation_sql(const nlohmann::json& check) {
  std::string script;
  if (!check.is_object() || !check.contains("remediation")) return script;
  const nlohmann::json& remediation = check.at("remediation");
  if (!remediation.is_object() || !remediation.contains("sql")) return script;
  for (const auto& statement : remediation.at("sql")) {
    if (!statement.is_string()) continue;
    std::string text = statement.get<std::string>();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    if (text.empty()) continue;
    if (text.back() != ';') text += ';';
    script += text + "\n";
  }
  return script;
}

std::string check_text(const nlohmann::json& check) {
  std::string text;
  if (!check.is_object()) return text;
  append_strings(text, check.value("summary", nlohmann::json()));
  append_strings(text, check.value("details", nlohmann::json()));
  if (check.contains("remediation") && check.at("remediation").is_object()) {
    const nlohmann::json& remediation = check.at("remediation");
    append_strings(text, remediation.value("steps", nlohmann::json()));
    append_strings(text, remediation.value("commands", nlohmann::json()));
  }
  return text;
}

bool contains_ignoring_case(std::string_view text, std::string_view word) {
  return lowercase(text).find(lowercase(word)) != std::string::npos;
}

}  // namespace cdcpreflight::integration
