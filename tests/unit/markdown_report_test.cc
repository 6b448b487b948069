// --format markdown: a table of every check whose cells cannot be split by a
// `|` or a line break from the server, and fenced blocks (details, SQL, shell)
// whose fence is longer than any run of backticks inside, so that a name cannot
// close them early.
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/workflow_facts.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(line);
  }
  return lines;
}

// The `|` of a table row that separate cells (GFM: `\|` does not).
int separators(const std::string& row) {
  int count = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\') {
      ++i;
    } else if (row[i] == '|') {
      ++count;
    }
  }
  return count;
}

// The rows of the status table: after the `|---|---|---|` line, up to the
// first line that is not a row.
std::vector<std::string> table_rows(const std::string& markdown) {
  std::vector<std::string> rows;
  bool in_table = false;
  for (const std::string& line : lines_of(markdown)) {
    if (line == "|---|---|---|") {
      in_table = true;
    } else if (in_table && line.starts_with("|")) {
      rows.push_back(line);
    } else if (in_table) {
      break;
    }
  }
  return rows;
}

struct Fenced {
  std::string fence;     // the opening backticks
  std::string language;  // its info string
  std::vector<std::string> lines;
};

// Every fenced block as CommonMark reads it: it closes at the first line of
// backticks only, at least as long as its opening fence.
std::vector<Fenced> fenced_blocks(const std::string& markdown) {
  std::vector<Fenced> blocks;
  const std::vector<std::string> lines = lines_of(markdown);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with("```")) {
      continue;
    }
    Fenced block;
    const std::size_t length = lines[i].find_first_not_of('`');
    block.fence = lines[i].substr(0, length);
    block.language = length == std::string::npos ? "" : lines[i].substr(length);
    bool closed = false;
    for (++i; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      if (line.size() >= block.fence.size() && line.find_first_not_of('`') == std::string::npos) {
        closed = true;
        break;
      }
      block.lines.push_back(line);
    }
    EXPECT_TRUE(closed) << "a fenced block is never closed";
    blocks.push_back(std::move(block));
  }
  return blocks;
}

// A report of one failing check whose details and SQL hold backtick runs and
// pipes.
Report backticks_report() {
  Report report;
  report.tool_version = kFixedToolVersion;
  CheckResult check;
  check.id = "tables.replica_identity";
  check.status = Status::fail;
  check.summary = "2 tables | without a key\nsecond line";
  check.details = {"public.```three", "public.`````five````` ```", "plain"};
  check.remediation.sql = {"ALTER TABLE \"a````b\" REPLICA IDENTITY FULL;"};
  check.remediation.commands = {"echo ``"};
  check.remediation.steps = {"a | step"};
  report.checks = judge({check}, Strict::no);
  return report;
}

TEST(MarkdownReport, SaysTheVerdictFirst) {
  EXPECT_THAT(render_markdown(workflow_report()), StartsWith("## cdc-preflight: not ready\n"));
  EXPECT_THAT(render_markdown(report_of(FactsBuilder().build())),
              StartsWith("## cdc-preflight: ready\n"));
}

// One of a kind is singular: "1 warning", not "1 warnings".
TEST(MarkdownReport, ACountOfOneIsSingular) {
  const std::string markdown = render_markdown(
      report_of(FactsBuilder().setting("wal_sender_timeout", "300000", "ms").build()));
  EXPECT_THAT(markdown, HasSubstr("0 failed, 1 warning, 0 errors"));
  EXPECT_THAT(markdown, Not(HasSubstr("1 warnings")));
}

TEST(MarkdownReport, HasOneRowOfThreeCellsPerCheck) {
  const Report report = workflow_report();
  const std::vector<std::string> rows = table_rows(render_markdown(report));
  ASSERT_EQ(rows.size(), report.checks.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i]);
    EXPECT_EQ(separators(rows[i]), 4);
    EXPECT_THAT(rows[i], HasSubstr("`" + report.checks[i].id + "`"));
  }
}

TEST(MarkdownReport, TableCellsEscapePipesAndLineBreaks) {
  const std::string markdown = render_markdown(backticks_report());
  const std::vector<std::string> rows = table_rows(markdown);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(separators(rows[0]), 4) << rows[0];
  EXPECT_THAT(rows[0], HasSubstr("2 tables \\| without a key second line"));
}

TEST(MarkdownReport, HostileNamesKeepTheTableWhole) {
  Facts facts = workflow_facts();
  // A summary naming the table: the only table without SELECT.
  facts.tables.push_back(ready_table("public", "a|b\nc"));
  facts.tables.back().select = false;
  facts.tables.back().has_primary_key = false;
  const Report report = report_of(facts);
  for (const std::string& row : table_rows(render_markdown(report))) {
    EXPECT_EQ(separators(row), 4) << row;
  }
}

TEST(MarkdownReport, FencesAreLongerThanAnyBacktickRunInside) {
  const Report report = backticks_report();
  const std::vector<Fenced> blocks = fenced_blocks(render_markdown(report));
  ASSERT_EQ(blocks.size(), 3U);  // details, SQL, commands
  EXPECT_EQ(blocks[0].language, "");
  EXPECT_EQ(blocks[0].lines, report.checks[0].details);
  EXPECT_EQ(blocks[0].fence.size(), 6U);  // the longest run inside is 5
  EXPECT_EQ(blocks[1].language, "sql");
  EXPECT_EQ(blocks[1].lines, report.checks[0].remediation.sql);
  EXPECT_EQ(blocks[1].fence.size(), 5U);
  EXPECT_EQ(blocks[2].language, "sh");
  EXPECT_EQ(blocks[2].lines, report.checks[0].remediation.commands);
  EXPECT_EQ(blocks[2].fence.size(), 3U);  // never shorter than three
}

TEST(MarkdownReport, EveryFailureShowsItsDetailsAndFixInFencedBlocks) {
  const Report report = workflow_report();
  const std::string markdown = render_markdown(report);
  const std::vector<Fenced> blocks = fenced_blocks(markdown);
  for (const CheckResult& check : report.checks) {
    if (check.status != Status::fail) {
      continue;
    }
    SCOPED_TRACE(check.id);
    EXPECT_THAT(markdown, HasSubstr("`" + check.id + "`: fail"));
    for (const std::string& sql : check.remediation.sql) {
      bool found = false;
      for (const Fenced& block : blocks) {
        std::string joined;
        for (const std::string& line : block.lines) {
          joined += line + "\n";
        }
        found = found || (block.language == "sql" && joined.find(sql) != std::string::npos);
      }
      EXPECT_TRUE(found) << sql;
    }
  }
  // The pipe-and-backticks table name sits in a block whose fence is longer.
  bool pipe_table_shown = false;
  for (const Fenced& block : blocks) {
    for (const std::string& line : block.lines) {
      if (line.find(kPipeTable) != std::string::npos) {
        pipe_table_shown = true;
        EXPECT_GE(block.fence.size(), 4U);
      }
    }
  }
  EXPECT_TRUE(pipe_table_shown) << markdown;
}

TEST(MarkdownReport, PassingAndSkippedChecksHaveNoSection) {
  const std::string markdown = render_markdown(workflow_report());
  EXPECT_THAT(markdown, Not(HasSubstr("`connection`: pass")));
  EXPECT_THAT(markdown, Not(HasSubstr("`replication.slot_probe`: skip")));
  EXPECT_THAT(markdown, HasSubstr("`settings.wal_sender_timeout`: warn"));
  EXPECT_THAT(markdown, HasSubstr("`activity.long_transactions`: error"));
}

TEST(MarkdownReport, ShowsTenEntriesOfEachListAndCountsTheRest) {
  const std::string markdown = render_markdown(report_of(keyless_tables_facts(13)));
  EXPECT_THAT(markdown, HasSubstr("app.t9 (no primary key)"));
  EXPECT_THAT(markdown, Not(HasSubstr("app.t10 (no primary key)")));
  EXPECT_THAT(markdown, HasSubstr("… and 3 more (all of them in --format json)"));
  EXPECT_THAT(markdown, HasSubstr("ALTER TABLE \"app\".\"t9\" REPLICA IDENTITY FULL;"));
  EXPECT_THAT(markdown, Not(HasSubstr("ALTER TABLE \"app\".\"t10\" REPLICA IDENTITY FULL;")));
  EXPECT_THAT(markdown, HasSubstr("-- … and 3 more statements (all of them in --format sql)"));
}

}  // namespace
}  // namespace cdcpreflight::testing
