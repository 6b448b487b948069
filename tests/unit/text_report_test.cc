// --format text: marks, group headings, every failure's fix under it.
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(line);
  }
  return lines;
}

// A warning (wal_sender_timeout 5 min) and a failure (no publication).
Facts mixed() {
  return FactsBuilder().setting("wal_sender_timeout", "300000", "ms").no_publication().build();
}

std::string text_of(const Facts& facts, Color color = Color::no) {
  return render_text(report_of(facts), color);
}

TEST(TextReport, MarksEachStatus) {
  const std::string text = text_of(mixed());
  EXPECT_THAT(text, HasSubstr("✓ connection"));
  EXPECT_THAT(text, HasSubstr("! settings.wal_sender_timeout"));
  EXPECT_THAT(text, HasSubstr("✗ publication.exists"));
  EXPECT_THAT(text, HasSubstr("- publication.tables"));
}

TEST(TextReport, MarksAnError) {
  const std::string text =
      text_of(FactsBuilder().query_error(FactGroup::role, "42501", "permission denied").build());
  EXPECT_THAT(text, HasSubstr("E role.replication"));
  EXPECT_THAT(text, HasSubstr("may not read the role catalogs"));
}

TEST(TextReport, GroupsChecksUnderHeadings) {
  const std::vector<std::string> lines = lines_of(text_of(mixed()));
  for (const char* heading : {"Connection", "Server", "Endpoint", "Settings", "Role", "Grants",
                              "Publication", "Tables", "Activity", "Slots"}) {
    EXPECT_EQ(std::count(lines.begin(), lines.end(), heading), 1) << heading;
  }
}

// replication.connect (after role.replication) and replication.slot_probe (last)
// share a group but are not adjacent in the catalogue.
TEST(TextReport, TheReplicationHeadingAppearsOnce) {
  const std::vector<std::string> lines = lines_of(text_of(FactsBuilder().build()));
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "Replication"), 1);
}

TEST(TextReport, ShowsTheTargetAndScopeInTheHeader) {
  const std::string text = text_of(FactsBuilder().build());
  EXPECT_THAT(text, HasSubstr("cdc-preflight 0.1.0"));
  EXPECT_THAT(text, HasSubstr(std::string(kWriterHost) + ":5432/app as clickpipes_user"));
  EXPECT_THAT(text, HasSubstr("Amazon Aurora PostgreSQL 15.4.1 (PostgreSQL 15.4)"));
  EXPECT_THAT(text, HasSubstr("endpoint: cluster-writer"));
  EXPECT_THAT(text, HasSubstr("Scope: publication clickpipes_publication · 1 schema · 2 tables"));
}

TEST(TextReport, PutsTheFixUnderTheFailingCheck) {
  const std::vector<std::string> lines = lines_of(text_of(mixed()));
  const auto failing = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("✗ publication.exists") != std::string::npos;
  });
  ASSERT_NE(failing, lines.end());
  ASSERT_GE(lines.end() - failing, 4);
  // The detail (what the role owns), then the fix.
  EXPECT_THAT(failing[1], HasSubstr("owns 0 of the 2 scoped tables"));
  EXPECT_THAT(failing[2], HasSubstr("Fix:"));
  EXPECT_THAT(failing[3], HasSubstr("FOR ALL TABLES needs a superuser"));
  const auto statement = std::find_if(failing, lines.end(), [](const std::string& line) {
    return line.find("CREATE PUBLICATION \"clickpipes_publication\" FOR ALL TABLES;") !=
           std::string::npos;
  });
  const auto next_check = std::find_if(failing + 1, lines.end(), [](const std::string& line) {
    return line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ';
  });
  EXPECT_LT(statement, next_check);
}

TEST(TextReport, PassingChecksShowNoFix) {
  const std::string text = text_of(FactsBuilder().build());
  EXPECT_THAT(text, Not(HasSubstr("Fix:")));
  EXPECT_THAT(text, HasSubstr("Ready: 0 failed, 0 warnings, 0 errors"));
}

TEST(TextReport, EndsWithTheVerdict) {
  const std::vector<std::string> lines = lines_of(text_of(mixed()));
  ASSERT_FALSE(lines.empty());
  // Skipped: publication.tables, .actions, .partitions (no publication),
  // slots.clickpipes (no ClickPipes slot), replication.slot_probe (no --deep)
  // and the three aws.* checks (no --aws).
  EXPECT_EQ(lines.back(), "Not ready: 1 failed, 1 warning, 0 errors, " +
                              std::to_string(catalogue().size() - 10) + " passed, 8 skipped");
}

TEST(TextReport, ShowsTenDetailsAndCountsTheRest) {
  const std::string text = text_of(keyless_tables_facts(13));
  EXPECT_THAT(text, HasSubstr("app.t9 (no primary key)"));
  EXPECT_THAT(text, Not(HasSubstr("app.t10 (no primary key)")));
  EXPECT_THAT(text, HasSubstr("… and 3 more"));
}

TEST(TextReport, ShowsTenStatementsOfAFixAndCountsTheRest) {
  const Facts facts = keyless_tables_facts(13);
  const std::string text = text_of(facts);
  EXPECT_THAT(text, HasSubstr("ALTER TABLE \"app\".\"t9\" REPLICA IDENTITY FULL;"));
  EXPECT_THAT(text, Not(HasSubstr("ALTER TABLE \"app\".\"t10\" REPLICA IDENTITY FULL;")));
  EXPECT_THAT(text, HasSubstr("… and 3 more statements (all of them in --format sql)"));
  // --format sql still holds every one of them.
  EXPECT_THAT(render_sql(report_of(facts)),
              HasSubstr("ALTER TABLE \"app\".\"t12\" REPLICA IDENTITY FULL;"));
}

TEST(TextReport, NoEscapesWithoutColor) {
  const std::string text = text_of(mixed(), Color::no);
  EXPECT_THAT(text, Not(HasSubstr("\033")));
}

TEST(TextReport, EscapesWithColor) {
  const std::string text = text_of(mixed(), Color::yes);
  EXPECT_THAT(text, HasSubstr("\033[31m✗\033[0m"));
  EXPECT_THAT(text, HasSubstr("\033[32m✓\033[0m"));
  EXPECT_THAT(text, HasSubstr("\033[33m!\033[0m"));
}

TEST(TextReport, ConnectionFailureShowsOnlyTheHostLineAndTheCause) {
  const std::string text =
      text_of(FactsBuilder()
                  .connection_failed(ConnectionFailure::timeout, "timeout expired")
                  .version(0)
                  .build());
  EXPECT_THAT(text, HasSubstr("✗ connection"));
  EXPECT_THAT(text, HasSubstr("cause: timeout"));
  EXPECT_THAT(text, Not(HasSubstr("Scope:")));
}

}  // namespace
}  // namespace cdcpreflight::testing
