// --format github: GitHub Actions workflow commands, one per check that needs
// attention (https://docs.github.com/actions/reference/workflow-commands). Each
// piece of a message goes through printable() first, as in the text report: the
// runner's log is read in terminals and the annotation in a browser, so no
// control character (an ESC starting an OSC 52 clipboard write, a BEL, a BS)
// passes raw; line breaks are kept, encoded as %0A.
#include <fmt/format.h>

#include "cdcpreflight/report.h"
#include "report/capped.h"
#include "util/printable.h"

namespace cdcpreflight {

namespace {

// A command's message: %, CR and LF encoded.
std::string escape_message(std::string_view raw) {
  std::string out;
  for (const char c : raw) {
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

std::string render_github(const Report& report) {
  std::string out;
  for (const ReportedCheck& check : report.checks) {
    if (check.effect == Effect::none) {
      continue;
    }
    const char* command = check.effect == Effect::blocking ? "error" : "warning";
    std::string message = printable(check.summary, Newlines::keep);
    for (const std::string& detail : capped(check.details, kMoreDetails)) {
      message += "\n" + printable(detail, Newlines::keep);
    }
    for (const std::string& sql : capped(check.remediation.sql, kMoreStatements, "-- ")) {
      message += "\n" + printable(sql, Newlines::keep);
    }
    for (const std::string& step : capped(check.remediation.steps, kMoreSteps)) {
      message += "\n- " + printable(step, Newlines::keep);
    }
    out += fmt::format("::{} title={}::{}\n", command,
                       property("cdc-preflight " + printable(check.id)), escape_message(message));
  }
  const ReportSummary& summary = report.summary;
  out += fmt::format("::notice title={}::{}\n",
                     property(summary.ready ? "cdc-preflight: ready" : "cdc-preflight: not ready"),
                     escape_message(printable(summary_counts(report))));
  return out;
}

}  // namespace cdcpreflight
