// --format markdown: the report for a ticket or a pull-request comment.
#include <fmt/format.h>

#include "cdcpreflight/report.h"
#include "report/capped.h"
#include "util/utf8.h"

namespace cdcpreflight {

namespace {

// Inside a table cell: no line breaks, no column separators.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// A fenced block whose fence is longer than any run of backticks inside.
std::string fenced(const std::vector<std::string>& lines, std::string_view language) {
  std::size_t longest = 0;
  for (const std::string& line : lines) {
    std::size_t run = 0;
    for (const char c : line) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  std::string out = fence + std::string(language) + "\n";
  for (const std::string& line : lines) {
    out += line + "\n";
  }
  return out + fence + "\n";
}

const char* mark(Status status) {
  switch (status) {
    case Status::pass:
      return "✅";
    case Status::warn:
      return "⚠️";
    case Status::fail:
      return "❌";
    case Status::skip:
      return "➖";
    case Status::error:
      return "❗";
  }
  return "";
}

std::string render_markdown_unchecked(const Report& report) {
  const ReportTarget& target = report.target;
  const ReportSummary& summary = report.summary;
  std::string out = fmt::format("## cdc-preflight: {}\n\n", summary.ready ? "ready" : "not ready");
  out += fmt::format("`{}:{}/{}` as `{}` · {} {} · endpoint {} · cdc-preflight {}\n\n",
                     cell(target.host), target.port, cell(target.dbname), cell(target.user),
                     target.platform, cell(target.server_version), target.endpoint_kind,
                     report.tool_version);
  out += fmt::format("Scope: publication `{}`, {} schemas, {} tables ({} partitioned).\n\n",
                     cell(report.scope.publication), report.scope.schemas, report.scope.tables,
                     report.scope.partitioned_tables);
  out += fmt::format("**{} failed, {} warnings, {} errors, {} passed, {} skipped**\n\n",
                     summary.fail, summary.warn, summary.error, summary.pass, summary.skip);
  out += "| | check | result |\n|---|---|---|\n";
  for (const CheckResult& check : report.checks) {
    out += fmt::format("| {} | `{}` | {} |\n", mark(check.status), check.id, cell(check.summary));
  }
  for (const CheckResult& check : report.checks) {
    if (check.status == Status::pass || check.status == Status::skip) {
      continue;
    }
    out += fmt::format("\n### {} `{}`: {}\n\n{}\n", mark(check.status), check.id,
                       to_string(check.status), cell(check.summary));
    if (!check.details.empty()) {
      out += "\n" + fenced(capped(check.details, "more (all of them in --format json)"), "");
    }
    const Remediation& fix = check.remediation;
    for (const std::string& step : capped(fix.steps, "more steps (all of them in --format sql)")) {
      out += fmt::format("\n- {}", cell(step));
    }
    if (!fix.steps.empty()) {
      out += "\n";
    }
    if (!fix.sql.empty()) {
      out += "\n" +
             fenced(capped(fix.sql, "more statements (all of them in --format sql)", "-- "), "sql");
    }
    if (!fix.commands.empty()) {
      out +=
          "\n" +
          fenced(capped(fix.commands, "more commands (all of them in --format json)", "# "), "sh");
    }
    if (!fix.docs.empty()) {
      out += fmt::format("\nDocs: {}\n", fix.docs);
    }
  }
  return out;
}

}  // namespace

std::string render_markdown(const Report& report) {
  return valid_utf8(render_markdown_unchecked(report));
}

}  // namespace cdcpreflight
