// --format junit: one <testsuite>, a <testcase> per check (classname its group,
// name its id), read by GitLab, Jenkins and GitHub test reporters.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cdcpreflight/report.h"
#include "util/printable.h"

namespace cdcpreflight {

namespace {

// XML 1.0 character data or an attribute value: printable() first, as in the
// text report (a control character, a bidirectional control or a noncharacter
// is shown as an escape, not dropped), which leaves nothing XML 1.0 forbids: it
// escapes every C0 control but LF, U+FFFE, U+FFFF and every byte that is not
// UTF-8 (an encoded surrogate is not UTF-8 either); then the five entities. In
// an attribute, line feeds are kept as references (a parser would turn raw ones
// into spaces).
enum class In { text, attribute };
std::string xml(std::string_view raw, In in = In::text) {
  const std::string text = printable(raw, Newlines::keep);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += in == In::attribute ? "&#10;" : "\n";
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

std::string fix_text(const Remediation& fix) {
  std::string text;
  if (!fix.empty()) {
    text += "Fix:\n";
  }
  for (const std::string& step : fix.steps) {
    text += "  - " + step + "\n";
  }
  for (const std::string& sql : fix.sql) {
    text += "  " + sql + "\n";
  }
  for (const std::string& command : fix.commands) {
    text += "  $ " + command + "\n";
  }
  if (!fix.docs.empty()) {
    text += "  Docs: " + fix.docs + "\n";
  }
  return text;
}

std::string body(const CheckResult& check) {
  std::string text = check.summary + "\n";
  for (const std::string& detail : check.details) {
    text += "  " + detail + "\n";
  }
  return xml(text + fix_text(check.remediation));
}

}  // namespace

std::string render_junit(const Report& report) {
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  std::string cases;
  for (const ReportedCheck& check : report.checks) {
    cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\">\n",
                         xml(check.group, In::attribute), xml(check.id, In::attribute));
    const std::string message = xml(check.summary, In::attribute);
    // What does not block passes: a warning, and an error in a check that can
    // only warn (the same rule as the exit code: the check's effect).
    const bool blocks = check.effect == Effect::blocking;
    switch (check.status) {
      case Status::pass:
        break;
      case Status::skip:
        ++skipped;
        cases += fmt::format("      <skipped message=\"{}\"/>\n", message);
        break;
      case Status::fail:
        ++failures;
        cases += fmt::format("      <failure message=\"{}\" type=\"fail\">{}</failure>\n", message,
                             body(check));
        break;
      case Status::error:
        if (blocks) {
          ++errors;
          cases += fmt::format("      <error message=\"{}\" type=\"error\">{}</error>\n", message,
                               body(check));
        } else {
          cases += fmt::format("      <system-out>{}</system-out>\n", body(check));
        }
        break;
      case Status::warn:
        if (blocks) {
          ++failures;
          cases += fmt::format("      <failure message=\"{}\" type=\"warn\">{}</failure>\n",
                               message, body(check));
        } else {
          cases += fmt::format("      <system-out>warning: {}</system-out>\n", body(check));
        }
        break;
    }
    cases += "    </testcase>\n";
  }
  const auto tests = report.checks.size();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"cdc-preflight\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\" "
      "skipped=\"{3}\">\n"
      "  <testsuite name=\"cdc-preflight {4}\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\" "
      "skipped=\"{3}\" timestamp=\"{5}\">\n",
      tests, failures, errors, skipped,
      xml(report.target.host + "/" + report.target.dbname, In::attribute),
      xml(report.generated_at, In::attribute));
  out += cases;
  if (report.parameter_group) {
    const std::string ids = fmt::format("{}", fmt::join(report.parameter_group->checks, ", "));
    out += fmt::format("    <system-out>{}</system-out>\n",
                       xml("One parameter-group fix for " + ids + "\n" +
                           fix_text(report.parameter_group->remediation)));
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace cdcpreflight
