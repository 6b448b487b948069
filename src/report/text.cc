// The report for a terminal: grouped checks, one mark each, every failure's
// fix right under it, the verdict last. Every string of the report goes through
// printable() (util/printable.h): a name or a server string cannot drive the
// terminal (an ESC, a C1 control, an OSC sequence setting the title or the
// clipboard) nor reorder or break a line; only a list entry keeps its line
// breaks, each continued under its indent.
#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cdcpreflight/platform.h"
#include "cdcpreflight/report.h"
#include "report/capped.h"
#include "util/bytes.h"
#include "util/printable.h"

namespace cdcpreflight {

namespace {

constexpr std::size_t kIdWidth = 30;

class Painter {
 public:
  explicit Painter(Color color) : color_(color == Color::yes) {}
  [[nodiscard]] std::string paint(std::string_view code, std::string_view text) const {
    return color_ ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
  }
  [[nodiscard]] std::string bold(std::string_view text) const { return paint("1", text); }
  [[nodiscard]] std::string dim(std::string_view text) const { return paint("2", text); }
  [[nodiscard]] std::string mark(Status status) const {
    switch (status) {
      case Status::pass:
        return paint("32", "✓");
      case Status::warn:
        return paint("33", "!");
      case Status::fail:
        return paint("31", "✗");
      case Status::skip:
        return paint("2", "-");
      case Status::error:
        return paint("35", "E");
    }
    return "?";
  }

 private:
  bool color_;
};

// A group's heading: Connection, Settings, …
std::string heading(std::string group) {
  if (group == "aws") {
    return "AWS";
  }
  if (!group.empty() && group[0] >= 'a' && group[0] <= 'z') {
    group[0] = static_cast<char>(group[0] - 'a' + 'A');
  }
  return group;
}

// Indents every line of a possibly multi-line text.
std::string indented(std::string_view text, std::string_view first, std::string_view rest) {
  std::string out(first);
  for (const char c : printable(text, Newlines::keep)) {
    out += c;
    if (c == '\n') {
      out += rest;
    }
  }
  return out + "\n";
}

void render_header(const Report& report, const Painter& painter, std::string& out) {
  const ReportTarget& target = report.target;
  out += painter.bold(fmt::format("cdc-preflight {}", report.tool_version));
  out += printable(fmt::format(" · {}{}/{} as {}", target.host,
                               target.port > 0 ? fmt::format(":{}", target.port) : "",
                               target.dbname, target.user));
  if (!target.connected_as.empty() && target.connected_as != target.user) {
    out += printable(fmt::format(" (connected as {})", target.connected_as));
  }
  out += "\n";
  if (target.server_version_num == 0) {
    return;
  }
  const std::string server_version = printable(target.server_version);
  if (target.platform == Platform::aurora) {
    out += fmt::format("Amazon Aurora PostgreSQL {} (PostgreSQL {})",
                       printable(target.aurora_version), server_version);
  } else if (target.platform == Platform::rds) {
    out += fmt::format("Amazon RDS for PostgreSQL {}", server_version);
  } else if (target.platform && *target.platform != Platform::postgresql) {
    out += fmt::format("{} · PostgreSQL {}", platform_info(*target.platform).name, server_version);
  } else {
    out += fmt::format("PostgreSQL {}", server_version);
  }
  out += fmt::format(" · endpoint: {}\n", to_string(target.endpoint_kind));
  const ReportScope& scope = report.scope;
  out += fmt::format(
      "Scope: publication {} · {} schema{} · {} table{} ({} partitioned) · ~{} to load\n",
      printable(scope.publication), scope.schemas, scope.schemas == 1 ? "" : "s", scope.tables,
      scope.tables == 1 ? "" : "s", scope.partitioned_tables, pretty_bytes(scope.estimated_bytes));
  if (!scope.largest.empty()) {
    std::string largest;
    for (const TableSize& size : scope.largest) {
      largest += fmt::format("{}{} {}", largest.empty() ? "" : ", ", printable(size.table),
                             pretty_bytes(size.bytes));
    }
    out += painter.dim(fmt::format("  largest: {}", largest)) + "\n";
  }
}

// The first kEntriesShown entries of a list, then how many more there are.
void render_capped(const std::vector<std::string>& entries, std::string_view first,
                   std::string_view rest, std::string_view more, const Painter& painter,
                   std::string& out) {
  const std::size_t shown = std::min(kEntriesShown, entries.size());
  for (std::size_t i = 0; i < shown; ++i) {
    out += indented(entries[i], first, rest);
  }
  if (entries.size() > shown) {
    out += painter.dim(fmt::format("{}{}", rest, more_line(entries.size(), more))) + "\n";
  }
}

void render_fix(const Remediation& fix, const Painter& painter, std::string& out) {
  if (fix.empty()) {
    return;
  }
  out += "      " + painter.bold("Fix:") + "\n";
  render_capped(fix.steps, "        - ", "          ", kMoreSteps, painter, out);
  render_capped(fix.sql, "        ", "        ", kMoreStatements, painter, out);
  render_capped(fix.commands, "        $ ", "          ", kMoreCommands, painter, out);
  if (!fix.docs.empty()) {
    out += fmt::format("        Docs: {}\n", printable(fix.docs));
  }
}

void render_check(const CheckResult& check, const Painter& painter, std::string& out) {
  std::string id = printable(check.id);
  if (id.size() < kIdWidth) {
    id.resize(kIdWidth, ' ');
  }
  out += fmt::format("  {} {} {}\n", painter.mark(check.status), id, printable(check.summary));
  if (check.status == Status::pass || check.status == Status::skip) {
    return;
  }
  render_capped(check.details, "      ", "      ", kMoreDetails, painter, out);
  render_fix(check.remediation, painter, out);
}

}  // namespace

std::string render_text(const Report& report, Color color) {
  const Painter painter(color);
  std::string out;
  render_header(report, painter, out);
  // Checks of a group are shown together, groups in order of first appearance.
  std::vector<std::string> groups;
  for (const ReportedCheck& check : report.checks) {
    if (std::find(groups.begin(), groups.end(), check.group) == groups.end()) {
      groups.push_back(check.group);
    }
  }
  for (const std::string& group : groups) {
    out += "\n" + painter.bold(printable(heading(group))) + "\n";
    for (const ReportedCheck& check : report.checks) {
      if (check.group == group) {
        render_check(check, painter, out);
      }
    }
  }
  if (report.parameter_group) {
    const std::string ids = fmt::format("{}", fmt::join(report.parameter_group->checks, ", "));
    out += "\n" + painter.bold("One parameter-group fix") + printable(" for " + ids) + "\n";
    render_fix(report.parameter_group->remediation, painter, out);
  }
  const ReportSummary& summary = report.summary;
  const std::string verdict =
      summary.ready ? painter.paint("1;32", "Ready") : painter.paint("1;31", "Not ready");
  out += fmt::format("\n{}: {}\n", verdict, printable(summary_counts(report)));
  return out;
}

}  // namespace cdcpreflight
