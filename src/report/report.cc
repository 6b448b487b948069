#include <algorithm>
#include <map>

#include "cdcpreflight/endpoint.h"
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
  const bool server_known = facts.server.version_num > 0;
  target.platform = server_known ? to_string(platform_of(facts.server)) : "unknown";
  target.server_version = facts.server.version;
  target.server_version_num = facts.server.version_num;
  target.aurora_version = facts.server.aurora_version.value_or("");
  target.endpoint_kind = to_string(classify_host(connection.host).kind);
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

Report build_report(const Facts& facts, const Scope& scope, std::vector<CheckResult> results,
                    Strict strict) {
  Report report;
  report.tool_version = kToolVersion;
  report.generated_at = facts.gathered_at;
  report.target = make_target(facts);
  report.scope = make_scope(facts, scope);
  bool blocking = false;
  for (const CheckResult& result : results) {
    const CheckDefinition* definition = find_check(result.id);
    const bool can_fail = definition == nullptr || definition->can_fail();
    switch (result.status) {
      case Status::pass:
        ++report.summary.pass;
        break;
      case Status::skip:
        ++report.summary.skip;
        break;
      case Status::fail:
        ++report.summary.fail;
        blocking = true;
        break;
      case Status::warn:
        ++report.summary.warn;
        blocking = blocking || strict == Strict::yes;
        break;
      case Status::error:
        // An error counts as a failure where the check can fail, as a warning
        // where it can only warn.
        ++report.summary.error;
        blocking = blocking || can_fail || strict == Strict::yes;
        break;
    }
  }
  report.summary.ready = !blocking;
  report.checks = std::move(results);
  return report;
}

}  // namespace cdcpreflight
