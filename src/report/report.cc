#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/platform.h"
#include "cdcpreflight/report.h"
#include "cdcpreflight/sql_quote.h"
#include "version.h"

namespace cdcpreflight {

namespace {

constexpr std::size_t kLargestTables = 5;

ReportTarget make_target(const Facts& facts) {
  ReportTarget target;
  const ConnectionFacts& connection = facts.connection;
  target.host = connection.host;
  target.port = connection.port;
  target.dbname = connection.dbname;
  target.user = facts.user;
  target.connected_as = connection.connected_as;
  if (facts.server.version_num > 0) {
    target.platform = platform_of(facts);
  }
  target.server_version = facts.server.version;
  target.server_version_num = facts.server.version_num;
  target.aurora_version = facts.server.aurora_version.value_or("");
  target.endpoint_kind = classify_host(connection.host).kind;
  return target;
}

ReportScope make_scope(const Facts& facts, const Scope& scope) {
  ReportScope summary;
  summary.publication = facts.publication;
  summary.schemas = static_cast<int>(scope.schemas.size());
  summary.tables = static_cast<int>(scope.tables.size());
  // A snapshot bounds each table's size, not their sum: many tables of the
  // largest size would pass INT64_MAX, where the sum stops.
  const auto add_bytes = [](std::int64_t sum, std::int64_t bytes) -> std::int64_t {
    if (bytes > 0 && sum > INT64_MAX - bytes) {
      return INT64_MAX;
    }
    if (bytes < 0 && sum < INT64_MIN - bytes) {
      return INT64_MIN;
    }
    return sum + bytes;
  };
  // A partitioned table holds no data: its size is the sum of its partitions.
  std::map<std::size_t, std::int64_t> bytes_by_table;
  std::map<std::pair<std::string, std::string>, std::size_t> scoped;
  for (const std::size_t index : scope.tables) {
    const TableFacts& table = facts.tables[index];
    if (table.kind == TableKind::partitioned) {
      ++summary.partitioned_tables;
    }
    scoped.emplace(std::pair(table.schema, table.name), index);
    bytes_by_table[index] = table.unlogged ? 0 : table.bytes;
  }
  for (const TableFacts& table : facts.tables) {
    if (table.is_partition && !table.unlogged) {
      if (const auto root = scoped.find(std::pair(table.root_schema, table.root_name));
          root != scoped.end()) {
        std::int64_t& root_bytes = bytes_by_table[root->second];
        root_bytes = add_bytes(root_bytes, table.bytes);
      }
    }
  }
  std::vector<TableSize> sizes;
  for (const auto& [index, bytes] : bytes_by_table) {
    summary.estimated_bytes = add_bytes(summary.estimated_bytes, bytes);
    sizes.push_back({display_name(facts.tables[index].schema, facts.tables[index].name), bytes});
  }
  const std::size_t shown = std::min(kLargestTables, sizes.size());
  std::partial_sort(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(shown), sizes.end(),
                    [](const TableSize& a, const TableSize& b) {
                      return a.bytes != b.bytes ? a.bytes > b.bytes : a.table < b.table;
                    });
  sizes.resize(shown);
  summary.largest = std::move(sizes);
  return summary;
}

}  // namespace

std::vector<ReportedCheck> judge(std::vector<CheckResult> results, Strict strict) {
  std::vector<ReportedCheck> judged;
  judged.reserve(results.size());
  for (CheckResult& result : results) {
    ReportedCheck& check = judged.emplace_back();
    static_cast<CheckResult&>(check) = std::move(result);
    check.group = group_of(check.id);
    const CheckDefinition* definition = find_check(check.id);
    const bool can_fail = definition == nullptr || definition->can_fail();
    switch (check.status) {
      case Status::pass:
      case Status::skip:
        check.effect = Effect::none;
        break;
      case Status::fail:
        check.effect = Effect::blocking;
        break;
      case Status::warn:
        check.effect = strict == Strict::yes ? Effect::blocking : Effect::warning;
        break;
      case Status::error:
        // An error counts as a failure where the check can fail, as a warning
        // where it can only warn.
        check.effect = can_fail || strict == Strict::yes ? Effect::blocking : Effect::warning;
        break;
    }
  }
  return judged;
}

ReportSummary summarize(const std::vector<ReportedCheck>& checks) {
  ReportSummary summary;
  bool blocking = false;
  for (const ReportedCheck& check : checks) {
    blocking = blocking || check.effect == Effect::blocking;
    switch (check.status) {
      case Status::pass:
        ++summary.pass;
        break;
      case Status::skip:
        ++summary.skip;
        break;
      case Status::fail:
        ++summary.fail;
        break;
      case Status::warn:
        ++summary.warn;
        break;
      case Status::error:
        ++summary.error;
        break;
    }
  }
  summary.ready = !blocking;
  return summary;
}

Report build_report(const Facts& facts, const Scope& scope, std::vector<CheckResult> results,
                    Strict strict) {
  Report report;
  report.tool_version = kToolVersion;
  report.generated_at = facts.gathered_at;
  report.target = make_target(facts);
  report.scope = make_scope(facts, scope);
  report.parameter_group = combine_parameter_fixes(facts, results);
  report.checks = judge(std::move(results), strict);
  report.summary = summarize(report.checks);
  return report;
}

std::string summary_counts(const Report& report) {
  const ReportSummary& summary = report.summary;
  const auto noun = [&](int count, const char* word) {
    return fmt::format("{} {}{}", count, word, count != 1 ? "s" : "");
  };
  std::string errors;
  for (const ReportedCheck& check : report.checks) {
    if (check.status != Status::error) {
      continue;
    }
    errors += (errors.empty() ? " (" : "; ") + check.id;
    if (!check.remediation.sql.empty()) {
      errors += ": " + check.remediation.sql.front();
    }
  }
  if (!errors.empty()) {
    errors += ")";
  }
  return fmt::format("{} failed, {}, {}{}, {} passed, {} skipped", summary.fail,
                     noun(summary.warn, "warning"), noun(summary.error, "error"), errors,
                     summary.pass, summary.skip);
}

const char* platform_name(const ReportTarget& target) {
  return target.platform ? to_string(*target.platform) : "unknown";
}

}  // namespace cdcpreflight
