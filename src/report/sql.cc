// --format sql: one reviewed, runnable fix-up script. Statements come in
// catalogue order (settings, roles, grants, publication, tables), which is also
// a safe order to apply them; non-SQL steps stay as comments where they belong.
#include <set>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cdcpreflight/report.h"
#include "util/printable.h"

namespace cdcpreflight {

namespace {

// Every line of `text` as an SQL comment, through printable(): no control
// character reaches the reader's terminal, and a line break read from the server
// (in a name, say) cannot end the comment (psql ends one at \n and at \r, and
// printable() escapes the \r): each \n continues it on a line of its own.
std::string commented(std::string_view text, std::string_view prefix) {
  std::string out = "-- " + std::string(prefix);
  for (const char c : printable(text, Newlines::keep)) {
    if (c == '\n') {
      out += "\n--   ";
    } else {
      out += c;
    }
  }
  return out + "\n";
}

// A statement is written as it is only when printable() would keep it whole:
// the quoting (sql_quote.h) writes every other character of a name as an
// escape, but bytes that are not UTF-8 have none.
std::string statement(const std::string& sql) {
  if (is_printable(sql, Newlines::keep)) {
    return sql + "\n";
  }
  return commented(sql, "withheld, it holds bytes that are not UTF-8 (shown as \\xNN): ");
}

}  // namespace

std::string render_sql(const Report& report) {
  const ReportTarget& target = report.target;
  std::string out;
  out += commented(fmt::format("fix-up script for database {} on {}{}", target.dbname, target.host,
                               target.port > 0 ? fmt::format(":{}", target.port) : ""),
                   fmt::format("cdc-preflight {} ", report.tool_version));
  out += "-- Review it, then run it as an administrator:\n";
  out += "--   psql -v ON_ERROR_STOP=1 -f this-file.sql\n";
  out += "-- and run cdc-preflight again.\n";
  out += "\\set ON_ERROR_STOP on\n";
  bool any = false;
  std::set<std::string> emitted;  // two checks may share a fix (REPLICA IDENTITY FULL)
  for (const CheckResult& check : report.checks) {
    if (check.status != Status::fail && check.status != Status::warn) {
      continue;
    }
    const Remediation& fix = check.remediation;
    if (fix.sql.empty() && fix.steps.empty() && fix.commands.empty()) {
      continue;
    }
    any = true;
    out += "\n" +
           commented(check.summary, fmt::format("{} ({}): ", check.id, to_string(check.status)));
    for (const std::string& step : fix.steps) {
      out += commented(step, "step: ");
    }
    for (const std::string& command : fix.commands) {
      out += commented(command, "$ ");
    }
    for (const std::string& sql : fix.sql) {
      out += emitted.insert(sql).second ? statement(sql) : commented(sql, "already above: ");
    }
  }
  if (report.parameter_group) {
    const std::string ids = fmt::format("{}", fmt::join(report.parameter_group->checks, ", "));
    const Remediation& fix = report.parameter_group->remediation;
    out += "\n" + commented(ids, "one parameter-group fix for ");
    for (const std::string& step : fix.steps) {
      out += commented(step, "step: ");
    }
    for (const std::string& command : fix.commands) {
      out += commented(command, "$ ");
    }
  }
  if (!any) {
    out += "\n-- Nothing to fix.\n";
  }
  return out;
}

}  // namespace cdcpreflight
