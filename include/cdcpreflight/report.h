// Reports: check results turned into text, JSON, … Renderers know nothing of
// PostgreSQL; everything they print is in Report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cdcpreflight/check.h"
#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/facts.h"

namespace cdcpreflight {

inline constexpr int kReportSchemaVersion = 1;

struct ReportTarget {
  std::string host;
  int port = 0;
  std::string dbname;
  std::string user;                  // the role evaluated (--user, default the login role)
  std::string connected_as;          // the login role
  std::optional<Platform> platform;  // nullopt: unknown (the server did not answer)
  std::string server_version;
  int server_version_num = 0;
  std::string aurora_version;  // empty unless Aurora
  EndpointKind endpoint_kind = EndpointKind::other;
};

// The platform's name in reports: aurora, rds, postgresql, or unknown.
[[nodiscard]] const char* platform_name(const ReportTarget& target);

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

enum class Strict { no, yes };

// What a result does to readiness, decided once (judge) from the catalogue
// (whether the check can fail), the status and --strict; renderers only show it.
enum class Effect {
  none,      // pass, skip
  warning,   // shown, not blocking: a warning, or an error in a check that can only warn
  blocking,  // against readiness: a failure, an error in a check that can fail, and with
             // --strict every warning and error
};

struct ReportedCheck : CheckResult {
  std::string group;  // the id up to its dot: connection, settings, tables, …
  Effect effect = Effect::none;
};

struct Report {
  std::string tool_version;
  std::string generated_at;
  ReportTarget target;
  ReportScope scope;
  ReportSummary summary;
  std::vector<ReportedCheck> checks;
  // Aurora and RDS: the one fix for every parameter the checks' fixes set,
  // when two or more do (combine_parameter_fixes).
  std::optional<ParameterGroupFix> parameter_group;
};

// The results with their group and effect.
[[nodiscard]] std::vector<ReportedCheck> judge(std::vector<CheckResult> results, Strict strict);
// What they add up to: the counts, and ready when nothing blocks.
[[nodiscard]] ReportSummary summarize(const std::vector<ReportedCheck>& checks);

[[nodiscard]] Report build_report(const Facts& facts, const Scope& scope,
                                  std::vector<CheckResult> results, Strict strict);

// "2 failed, 1 warning, 0 errors, 20 passed, 3 skipped": a noun is singular for
// a count of one, in every report. Errors are named, each with the first
// statement of its fix (the grant that would let it run): "1 error
// (activity.long_transactions: GRANT pg_read_all_stats TO …;)".
[[nodiscard]] std::string summary_counts(const Report& report);

enum class Color { no, yes };

[[nodiscard]] std::string render_text(const Report& report, Color color);
[[nodiscard]] std::string render_json(const Report& report);
// A report for a ticket or pull-request comment.
[[nodiscard]] std::string render_markdown(const Report& report);
// JUnit XML: what blocks is a failure or an error, a warning passes (in <system-out>).
[[nodiscard]] std::string render_junit(const Report& report);
// GitHub Actions workflow commands (::error / ::warning / ::notice).
[[nodiscard]] std::string render_github(const Report& report);

// The check catalogue (`cdc-preflight checks`); docs/checks.md is the Markdown.
[[nodiscard]] std::string render_catalogue_text();
[[nodiscard]] std::string render_catalogue_json();
[[nodiscard]] std::string render_catalogue_markdown();

// A psql script with every SQL remediation of every failing or warning check.
[[nodiscard]] std::string render_sql(const Report& report);
// Keys in the order of ../shared/SPEC.md.
[[nodiscard]] nlohmann::ordered_json report_to_json(const Report& report);

}  // namespace cdcpreflight
