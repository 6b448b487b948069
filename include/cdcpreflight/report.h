// Reports: check results turned into text, JSON, … Renderers know nothing of
// PostgreSQL; everything they print is in Report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cdcpreflight/check.h"
#include "cdcpreflight/facts.h"

namespace cdcpreflight {

inline constexpr int kReportSchemaVersion = 1;

struct ReportTarget {
  std::string host;
  int port = 0;
  std::string dbname;
  std::string user;          // the role evaluated (--user, default the login role)
  std::string connected_as;  // the login role
  std::string platform;      // aurora | rds | postgresql | unknown
  std::string server_version;
  int server_version_num = 0;
  std::string aurora_version;  // empty unless Aurora
  std::string endpoint_kind;   // see endpoint.h
};

struct TableSize {
  std::string table;  // schema.table
  std::int64_t bytes = 0;
};

struct ReportScope {
  std::string publication;
  int schemas = 0;
  int tables = 0;
  int partitioned_tables = 0;
  std::int64_t estimated_bytes = 0;
  std::vector<TableSize> largest;  // at most five, largest first
};

struct ReportSummary {
  bool ready = false;
  int pass = 0, warn = 0, fail = 0, skip = 0, error = 0;
};

struct Report {
  std::string tool_version;
  std::string generated_at;
  ReportTarget target;
  ReportScope scope;
  ReportSummary summary;
  std::vector<CheckResult> checks;
};

enum class Strict { no, yes };

[[nodiscard]] Report build_report(const Facts& facts, const Scope& scope,
                                  std::vector<CheckResult> results, Strict strict);

enum class Color { no, yes };

[[nodiscard]] std::string render_text(const Report& report, Color color);
[[nodiscard]] std::string render_json(const Report& report);
// A report for a ticket or pull-request comment.
[[nodiscard]] std::string render_markdown(const Report& report);
// JUnit XML: warnings pass (in <system-out>) unless Strict::yes.
[[nodiscard]] std::string render_junit(const Report& report, Strict strict);
// GitHub Actions workflow commands (::error / ::warning / ::notice).
[[nodiscard]] std::string render_github(const Report& report, Strict strict);

// The check catalogue (`cdc-preflight checks`); docs/checks.md is the Markdown.
[[nodiscard]] std::string render_catalogue_text();
[[nodiscard]] std::string render_catalogue_json();
[[nodiscard]] std::string render_catalogue_markdown();

// A psql script with every SQL remediation of every failing or warning check.
[[nodiscard]] std::string render_sql(const Report& report);
// Keys in the order of ../shared/SPEC.md.
[[nodiscard]] nlohmann::ordered_json report_to_json(const Report& report);

}  // namespace cdcpreflight
