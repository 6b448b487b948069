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
  const auto remediation = [](const Remediation& fix) {
    return json{
        {"sql", fix.sql}, {"steps", fix.steps}, {"commands", fix.commands}, {"docs", fix.docs}};
  };
  json checks = json::array();
  for (const CheckResult& check : report.checks) {
    checks.push_back({
        {"id", check.id},
        {"title", check.title},
        {"status", to_string(check.status)},
        {"summary", check.summary},
        {"details", check.details},
        {"remediation", remediation(check.remediation)},
    });
  }
  json parameter_group = nullptr;
  if (report.parameter_group) {
    json parameters = json::array();
    for (const ParameterChange& change : report.parameter_group->remediation.parameters) {
      parameters.push_back({{"name", change.name}, {"value", change.value}});
    }
    parameter_group = {{"checks", report.parameter_group->checks},
                       {"parameters", parameters},
                       {"remediation", remediation(report.parameter_group->remediation)}};
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
        {"platform", platform_name(target)},
        {"server_version", target.server_version},
        {"server_version_num", target.server_version_num},
        {"aurora_version",
         target.aurora_version.empty() ? json(nullptr) : json(target.aurora_version)},
        {"endpoint_kind", to_string(target.endpoint_kind)}}},
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
      {"parameter_group", parameter_group},
  };
}

std::string render_json(const Report& report) {
  // Names from the server may hold invalid UTF-8: replace rather than throw.
  // The tree is gone once dumped, and the text is escaped in place when it
  // holds nothing to escape: the report is held once, not three times.
  std::string out = escape_hidden_in_json(
      report_to_json(report).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  out += '\n';
  return out;
}

}  // namespace cdcpreflight
