// Every report format over one fixed set of facts (workflow_facts.h: failures,
// warnings, errors, a skip, hostile names), compared byte for byte with the
// golden files in tests/fixtures/<name>.golden.
//
// After a deliberate change to a renderer, rewrite the golden files with
//   CDCP_UPDATE_GOLDEN=1 build/tests/unit_tests --gtest_filter='ReportGolden.*'
// and review the diff (git diff tests/fixtures) before committing it.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "unit/workflow_facts.h"

namespace cdcpreflight::testing {
namespace {

std::filesystem::path golden_path(const std::string& name) {
  return std::filesystem::path(CDCP_SOURCE_DIR) / "tests" / "fixtures" / (name + ".golden");
}

bool updating() {
  const char* update = std::getenv("CDCP_UPDATE_GOLDEN");
  return update != nullptr && std::string(update) == "1";
}

// The first line where two texts differ, for a readable failure.
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want);
  std::istringstream b(got);
  std::string line_a;
  std::string line_b;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    if (!more_a && !more_b) {
      return "the texts differ only in their last line break";
    }
    if (!more_a || !more_b || line_a != line_b) {
      return "line " + std::to_string(line) + ":\n  golden: " + (more_a ? line_a : "<end>") +
             "\n  actual: " + (more_b ? line_b : "<end>");
    }
  }
}

// Compares `actual` with tests/fixtures/<name>.golden, or (CDCP_UPDATE_GOLDEN=1)
// writes it there.
void expect_golden(const std::string& name, const std::string& actual) {
  const std::filesystem::path path = golden_path(name);
  if (updating()) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path << " is missing; run with CDCP_UPDATE_GOLDEN=1 to create it";
  const std::string golden{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_TRUE(golden == actual) << name << " differs from " << path << " at "
                                << first_difference(golden, actual)
                                << "\n(CDCP_UPDATE_GOLDEN=1 rewrites it; review the diff)";
}

TEST(ReportGolden, FactsCoverEveryStatus) {
  const Report report = workflow_report();
  EXPECT_GE(report.summary.fail, 3);
  EXPECT_GE(report.summary.warn, 2);
  EXPECT_EQ(report.summary.error, 4);
  EXPECT_GE(report.summary.skip, 1);
  EXPECT_GE(report.summary.pass, 10);
  EXPECT_FALSE(report.summary.ready);
  EXPECT_EQ(result_of(report, "settings.replication_capacity").status, Status::error);
  EXPECT_EQ(result_of(report, "activity.long_transactions").status, Status::error);
  EXPECT_EQ(result_of(report, "slots.inactive").status, Status::error);
  EXPECT_EQ(result_of(report, "replication.slot_probe").status, Status::skip);
  EXPECT_EQ(report.generated_at, "2026-11-25T12:00:00Z");
  EXPECT_EQ(report.tool_version, kFixedToolVersion);
}

TEST(ReportGolden, Text) {
  expect_golden("report_text", render_text(workflow_report(), Color::no));
}

TEST(ReportGolden, TextInColour) {
  expect_golden("report_text_color", render_text(workflow_report(), Color::yes));
}

TEST(ReportGolden, Json) { expect_golden("report_json", render_json(workflow_report())); }

TEST(ReportGolden, JUnit) {
  expect_golden("report_junit", render_junit(judged(workflow_report(), Strict::no)));
}

TEST(ReportGolden, JUnitStrict) {
  expect_golden("report_junit_strict",
                render_junit(judged(workflow_report(Strict::yes), Strict::yes)));
}

TEST(ReportGolden, Markdown) {
  expect_golden("report_markdown", render_markdown(workflow_report()));
}

TEST(ReportGolden, Sql) { expect_golden("report_sql", render_sql(workflow_report())); }

TEST(ReportGolden, GitHub) {
  expect_golden("report_github", render_github(judged(workflow_report(), Strict::no)));
}

TEST(ReportGolden, GitHubStrict) {
  expect_golden("report_github_strict",
                render_github(judged(workflow_report(Strict::yes), Strict::yes)));
}

// The JSON golden file is not only stable but the report itself: it parses
// back to what the renderer was given.
TEST(ReportGolden, JsonParsesBackToTheReport) {
  const Report report = workflow_report();
  const nlohmann::json json = nlohmann::json::parse(render_json(report));
  EXPECT_EQ(json.at("schema_version"), 1);
  EXPECT_EQ(json.at("tool").at("version"), kFixedToolVersion);
  EXPECT_EQ(json.at("generated_at"), "2026-11-25T12:00:00Z");
  EXPECT_EQ(json.at("summary").at("ready"), false);
  EXPECT_EQ(json.at("summary").at("pass"), report.summary.pass);
  EXPECT_EQ(json.at("summary").at("warn"), report.summary.warn);
  EXPECT_EQ(json.at("summary").at("fail"), report.summary.fail);
  EXPECT_EQ(json.at("summary").at("skip"), report.summary.skip);
  EXPECT_EQ(json.at("summary").at("error"), report.summary.error);
  const nlohmann::json& checks = json.at("checks");
  ASSERT_EQ(checks.size(), report.checks.size());
  for (std::size_t i = 0; i < report.checks.size(); ++i) {
    const CheckResult& want = report.checks[i];
    SCOPED_TRACE(want.id);
    EXPECT_EQ(checks[i].at("id"), want.id);
    EXPECT_EQ(checks[i].at("title"), want.title);
    EXPECT_EQ(checks[i].at("status"), to_string(want.status));
    EXPECT_EQ(checks[i].at("summary"), want.summary);
    EXPECT_EQ(checks[i].at("details").get<std::vector<std::string>>(), want.details);
    EXPECT_EQ(checks[i].at("remediation").at("sql").get<std::vector<std::string>>(),
              want.remediation.sql);
    EXPECT_EQ(checks[i].at("remediation").at("steps").get<std::vector<std::string>>(),
              want.remediation.steps);
    EXPECT_EQ(checks[i].at("remediation").at("commands").get<std::vector<std::string>>(),
              want.remediation.commands);
    EXPECT_EQ(checks[i].at("remediation").at("docs"), want.remediation.docs);
  }
  // The hostile names arrive as the checks wrote them (the line feed and CR of
  // one as the escapes of its U&"…" form).
  EXPECT_NE(render_json(report).find(R"(we\"\"ird <&> name)"), std::string::npos);
  EXPECT_NE(render_json(report).find(R"(U&\"two\\000Alines 100%,\\000D: done\")"),
            std::string::npos);
}

}  // namespace
}  // namespace cdcpreflight::testing
