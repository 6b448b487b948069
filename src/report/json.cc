#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cdcpreflight/report.h"
#include "util/printable.h"
#include "util/utf8.h"
#include "version.h"

namespace cdcpreflight {

nlohmann::ordered_json report_to_json(const Report& report) {
  using json = nlohmann::ordered_json;
  const ReportTarget& target = report.target;
  json largest = json::array();
  for (const TableSize& size : report.scope.largest) {
    largest.push_back({{"table", size.table}, {"bytes", size.bytes}});
  }
  json checks = json::array();
  for (const CheckResult& check : report.checks) {
    checks.push_back({
        {"id", check.id},
        {"title", check.title},
        {"status", to_string(check.status)},
        {"summary", check.summary},
        {"details", check.details},
        {"remediation",
         {{"sql", check.remediation.sql},
          {"steps", check.remediation.steps},
          {"commands", check.remediation.commands},
          {"docs", check.remediation.docs}}},
    });
  }
  return json{
      {"schema_version", kReportSchemaVersion},
      {"tool", {{"name", kToolName}, {"version", report.tool_version}}},
      {"generated_at", report.generated_at},
      {"target",
       {{"host", target.host},
        {"port", target.port},
        {"dbname", target.dbname},
        {"user", target.user},
        {"connected_as", target.connected_as},
        {"platform", target.platform},
        {"server_version", target.server_version},
        {"server_version_num", target.server_version_num},
        {"aurora_version",
         target.aurora_version.empty() ? json(nullptr) : json(target.aurora_version)},
        {"endpoint_kind", target.endpoint_kind}}},
      {"scope",
       {{"publication", report.scope.publication},
        {"schemas", report.scope.schemas},
        {"tables", report.scope.tables},
        {"partitioned_tables", report.scope.partitioned_tables},
        {"estimated_bytes", report.scope.estimated_bytes},
        {"largest", largest}}},
      {"summary",
       {{"ready", report.summary.ready},
        {"pass", report.summary.pass},
        {"warn", report.summary.warn},
        {"fail", report.summary.fail},
        {"skip", report.summary.skip},
        {"error", report.summary.error}}},
      {"checks", checks},
  };
}

std::string render_json(const Report& report) {
  // Names from the server may hold invalid UTF-8: replace rather than throw.
  const std::string dumped =
      report_to_json(report).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  // The dump escapes C0 controls only. Every other character printable() would
  // escape (DEL, C1 controls, line separators, bidirectional controls,
  // U+FFFE/U+FFFF) is written as its \uXXXX escape too: the same string for a
  // JSON reader, nothing raw for a terminal or an editor showing the file. Such
  // characters occur only inside strings; the raw line feeds left are the
  // indentation's.
  std::string out;
  out.reserve(dumped.size() + 1);
  for (std::size_t at = 0; at < dumped.size();) {
    const std::size_t length = utf8_sequence_length(dumped, at);  // the dump is UTF-8
    const char32_t c = length == 0 ? 0xFFFD : utf8_code_point(dumped, at, length);
    if (c != '\n' && is_hidden(c)) {  // in the Basic Multilingual Plane: one \uXXXX
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out.append(dumped, at, std::max<std::size_t>(length, 1));
    }
    at += std::max<std::size_t>(length, 1);
  }
  return out + "\n";
}

}  // namespace cdcpreflight
