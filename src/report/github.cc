// --format github: GitHub Actions workflow commands, one per check that needs
// attention (https://docs.github.com/actions/reference/workflow-commands).
#include <fmt/format.h>

#include "cdcpreflight/report.h"
#include "report/capped.h"
#include "util/utf8.h"

namespace cdcpreflight {

namespace {

// A command's message: %, CR and LF encoded, invalid UTF-8 replaced.
std::string escape_message(std::string_view raw) {
  std::string out;
  for (const char c : valid_utf8(raw)) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

// A property value (title=…): also : and , encoded.
std::string property(std::string_view text) {
  std::string out;
  for (const char c : escape_message(text)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_github(const Report& report, Strict strict) {
  std::string out;
  for (const CheckResult& check : report.checks) {
    const CheckDefinition* definition = find_check(check.id);
    const bool can_fail = definition == nullptr || definition->can_fail();
    const char* command = nullptr;
    if (check.status == Status::fail || (check.status == Status::error && can_fail)) {
      command = "error";
    } else if (check.status == Status::warn || check.status == Status::error) {
      command = strict == Strict::yes ? "error" : "warning";
    }
    if (command == nullptr) {
      continue;
    }
    std::string message = check.summary;
    for (const std::string& detail : capped(check.details, "more (all of them in --format json)")) {
      message += "\n" + detail;
    }
    for (const std::string& sql :
         capped(check.remediation.sql, "more statements (all of them in --format sql)", "-- ")) {
      message += "\n" + sql;
    }
    for (const std::string& step :
         capped(check.remediation.steps, "more steps (all of them in --format sql)")) {
      message += "\n- " + step;
    }
    out += fmt::format("::{} title={}::{}\n", command, property("cdc-preflight " + check.id),
                       escape_message(message));
  }
  const ReportSummary& summary = report.summary;
  out +=
      fmt::format("::notice title={}::{} failed, {} warnings, {} errors, {} passed, {} skipped\n",
                  property(summary.ready ? "cdc-preflight: ready" : "cdc-preflight: not ready"),
                  summary.fail, summary.warn, summary.error, summary.pass, summary.skip);
  return out;
}

}  // namespace cdcpreflight
