// --format markdown: the report for a ticket or a pull-request comment (and, with
// --format github, the run's step summary). What comes from a name, a server or
// a snapshot lands in one of three places, inert in each whatever it holds, and
// reads, rendered, as printable() shows it (in prose, a line break as a space):
// - prose (paragraphs, table cells, list items): line breaks as spaces, then
//   printable(), then every ASCII punctuation character that CommonMark, GFM or
//   GitHub give a meaning to backslash-escaped, which renders as the character
//   itself: no emphasis, link, image, HTML, entity, autolink (the `:` of a
//   scheme, an `@`, the `.` of `www.`), math, cell separator or block marker
//   (`#`, `-`, `1.`, `>`) can start there;
// - code spans: printable(), between runs of backticks longer than any inside,
//   padded with a space where CommonMark would otherwise read the content
//   differently;
// - fenced blocks: printable() keeping line breaks, the fence longer than any run
//   of backticks inside, so that no line can close the block.
// The tool's own words (ids, statuses, platform and endpoint kinds, docs links)
// are written as they are.
#include <algorithm>

#include <fmt/format.h>

#include "cdcpreflight/report.h"
#include "report/capped.h"
#include "util/printable.h"

namespace cdcpreflight {

namespace {

// The ASCII punctuation escaped in prose: all of it but , ; ? ' " / %, which no
// construct starts (a title's quotes and a URL's slashes need a `[`, `<` or `:`
// before them, all escaped).
constexpr std::string_view kMarkdownPunctuation = "!#$&()*+-.:<=>@[\\]^_`{|}~";

std::string prose(std::string_view text) {
  std::string one_line(text);
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  std::replace(one_line.begin(), one_line.end(), '\r', ' ');
  std::string out;
  for (const char c : printable(one_line)) {
    if (kMarkdownPunctuation.find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::size_t longest_backtick_run(std::string_view text) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

// In a table cell only for the catalogue's ids: GFM splits a cell at a `|` even
// inside a code span.
std::string code_span(std::string_view text) {
  const std::string content = printable(text);
  if (content.empty()) {
    return "` `";  // `` would be no span: a space shows that there is nothing
  }
  const std::string fence(longest_backtick_run(content) + 1, '`');
  // CommonMark strips one space from each end of a content that starts and ends
  // with one (unless it is all spaces), and a backtick at an end would lengthen
  // the fence: a space on each side keeps the content as it is.
  const bool all_spaces = content.find_first_not_of(' ') == std::string::npos;
  const bool padded = !all_spaces && (content.front() == '`' || content.back() == '`' ||
                                      (content.front() == ' ' && content.back() == ' '));
  const std::string_view pad = padded ? " " : "";
  return fmt::format("{0}{1}{2}{1}{0}", fence, pad, content);
}

std::string fenced(const std::vector<std::string>& entries, std::string_view language) {
  std::vector<std::string> lines;
  std::size_t longest = 0;
  for (const std::string& entry : entries) {
    lines.push_back(printable(entry, Newlines::keep));
    longest = std::max(longest, longest_backtick_run(lines.back()));
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

void render_fix(const Remediation& fix, std::string& out) {
  for (const std::string& step : capped(fix.steps, kMoreSteps)) {
    out += fmt::format("\n- {}", prose(step));
  }
  if (!fix.steps.empty()) {
    out += "\n";
  }
  if (!fix.sql.empty()) {
    out += "\n" + fenced(capped(fix.sql, kMoreStatements, "-- "), "sql");
  }
  if (!fix.commands.empty()) {
    out += "\n" + fenced(capped(fix.commands, kMoreCommands, "# "), "sh");
  }
  if (!fix.docs.empty()) {
    out += fmt::format("\nDocs: {}\n", printable(fix.docs));
  }
}

}  // namespace

std::string render_markdown(const Report& report) {
  const ReportTarget& target = report.target;
  const ReportSummary& summary = report.summary;
  std::string out = fmt::format("## cdc-preflight: {}\n\n", summary.ready ? "ready" : "not ready");
  out += fmt::format("{} as {} · {} {} · endpoint {} · cdc-preflight {}\n\n",
                     code_span(fmt::format("{}:{}/{}", target.host, target.port, target.dbname)),
                     code_span(target.user), platform_name(target), prose(target.server_version),
                     to_string(target.endpoint_kind), report.tool_version);
  out += fmt::format("Scope: publication {}, {} schemas, {} tables ({} partitioned).\n\n",
                     code_span(report.scope.publication), report.scope.schemas, report.scope.tables,
                     report.scope.partitioned_tables);
  out += fmt::format("**{}**\n\n", prose(summary_counts(report)));
  out += "| | check | result |\n|---|---|---|\n";
  for (const CheckResult& check : report.checks) {
    out += fmt::format("| {} | {} | {} |\n", mark(check.status), code_span(check.id),
                       prose(check.summary));
  }
  for (const CheckResult& check : report.checks) {
    if (check.status == Status::pass || check.status == Status::skip) {
      continue;
    }
    out += fmt::format("\n### {} {}: {}\n\n{}\n", mark(check.status), code_span(check.id),
                       to_string(check.status), prose(check.summary));
    if (!check.details.empty()) {
      out += "\n" + fenced(capped(check.details, kMoreDetails), "");
    }
    render_fix(check.remediation, out);
  }
  if (report.parameter_group) {
    std::string ids;
    for (const std::string& id : report.parameter_group->checks) {
      ids += (ids.empty() ? "" : ", ") + code_span(id);
    }
    out += fmt::format("\n### One parameter-group fix\n\nFor {}.\n", ids);
    render_fix(report.parameter_group->remediation, out);
  }
  return out;
}

}  // namespace cdcpreflight
