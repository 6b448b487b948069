// `cdc-preflight checks`: the catalogue as text, JSON and Markdown, and
// docs/checks.md kept equal to the Markdown.
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cdcpreflight/check.h"
#include "cdcpreflight/platform.h"
#include "cdcpreflight/report.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

// The line of the text catalogue that lists `id`.
std::string text_line_of(const std::string& text, std::string_view id) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(std::string(id) + " ")) {
      return line;
    }
  }
  return "";
}

// The "## id" section of the Markdown catalogue, to the next heading.
std::string markdown_section_of(const std::string& markdown, std::string_view id) {
  const std::string heading = "\n## " + std::string(id) + "\n";
  const std::size_t begin = markdown.find(heading);
  if (begin == std::string::npos) {
    return "";
  }
  return markdown.substr(begin, markdown.find("\n## ", begin + 1) - begin);
}

TEST(CatalogueReport, TextListsEveryIdWithItsTitle) {
  const std::string text = render_catalogue_text();
  for (const CheckDefinition& check : catalogue()) {
    EXPECT_THAT(text, HasSubstr(std::string(check.id))) << check.id;
    EXPECT_THAT(text, HasSubstr(std::string(check.title))) << check.id;
  }
}

TEST(CatalogueReport, TextMarksExactlyTheChecksThatDifferPerPlatform) {
  const std::string text = render_catalogue_text();
  for (const CheckDefinition& check : catalogue()) {
    const std::string line = text_line_of(text, check.id);
    ASSERT_FALSE(line.empty()) << check.id;
    if (check.platforms.empty()) {
      EXPECT_THAT(line, Not(HasSubstr("[per platform]"))) << check.id;
    } else {
      EXPECT_THAT(line, EndsWith(std::string(check.title) + " [per platform]")) << check.id;
    }
  }
  EXPECT_THAT(text, HasSubstr("Checks marked [per platform] judge or fix differently"));
  EXPECT_THAT(text, HasSubstr("--format markdown says how"));
  EXPECT_THAT(text, HasSubstr("docs/platforms.md lists the platforms"));
}

TEST(CatalogueReport, JsonHasEveryCheckInOrderWithWhatMakesItWarnOrFail) {
  const auto json = nlohmann::json::parse(render_catalogue_json());
  EXPECT_EQ(json.at("schema_version"), 1);
  const auto& checks = json.at("checks");
  ASSERT_EQ(checks.size(), catalogue().size());
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const CheckDefinition& check = catalogue()[i];
    EXPECT_EQ(checks[i].at("id"), check.id);
    EXPECT_EQ(checks[i].at("fails"), check.fails);
    EXPECT_EQ(checks[i].at("platforms"), check.platforms);
    EXPECT_EQ(checks[i].at("can_fail"), check.can_fail());
  }
  EXPECT_EQ(checks[0].at("group"), "connection");
  EXPECT_EQ(checks[1].at("id"), "connection.tls");
  EXPECT_EQ(checks[1].at("group"), "connection");
  EXPECT_EQ(checks[2].at("group"), "server");
}

TEST(CatalogueReport, OnlyTheInformationalAndWarnOnlyChecksCannotFail) {
  const std::set<std::string_view> cannot_fail = {"server.platform",
                                                  "connection.tls",
                                                  "settings.wal_retention",
                                                  "grants.default_privileges",
                                                  "publication.partitions",
                                                  "tables.toast",
                                                  "tables.unlogged",
                                                  "tables.rls",
                                                  "activity.long_transactions",
                                                  "slots.inactive"};
  for (const CheckDefinition& check : catalogue()) {
    EXPECT_EQ(check.can_fail(), cannot_fail.count(check.id) == 0) << check.id;
    EXPECT_FALSE(check.why.empty()) << check.id;
  }
}

TEST(CatalogueReport, WarnOnlyChecksSayWhenTheyWarn) {
  for (const CheckDefinition& check : catalogue()) {
    if (!check.can_fail() && check.id != "server.platform") {
      EXPECT_FALSE(check.warns.empty()) << check.id;
    }
  }
}

TEST(CatalogueReport, HasTheChecksOfTheSpecInOrder) {
  const std::vector<std::string_view> ids = {"connection",
                                             "connection.tls",
                                             "server.version",
                                             "server.platform",
                                             "endpoint.writer",
                                             "settings.logical_replication",
                                             "settings.wal_sender_timeout",
                                             "settings.replication_capacity",
                                             "settings.wal_retention",
                                             "role.login",
                                             "role.replication",
                                             "replication.connect",
                                             "grants.schema_usage",
                                             "grants.table_select",
                                             "grants.default_privileges",
                                             "publication.exists",
                                             "publication.tables",
                                             "publication.actions",
                                             "publication.partitions",
                                             "tables.replica_identity",
                                             "tables.toast",
                                             "tables.generated_columns",
                                             "tables.names",
                                             "tables.unlogged",
                                             "tables.rls",
                                             "activity.long_transactions",
                                             "slots.inactive",
                                             "slots.clickpipes",
                                             "replication.slot_probe",
                                             "aws.cluster",
                                             "aws.parameter_group",
                                             "aws.network"};
  std::vector<std::string_view> actual;
  for (const CheckDefinition& check : catalogue()) {
    actual.push_back(check.id);
  }
  EXPECT_EQ(actual, ids);
}

TEST(CatalogueReport, MarkdownHasASectionPerCheckLinkedFromTheTable) {
  const std::string markdown = render_catalogue_markdown();
  EXPECT_THAT(markdown, HasSubstr("## settings.wal_sender_timeout\n"));
  EXPECT_THAT(markdown, HasSubstr("[`settings.wal_sender_timeout`](#settingswal_sender_timeout)"));
  EXPECT_THAT(markdown, HasSubstr("**Warns when:** it is 5 minutes or more"));
  EXPECT_THAT(markdown, HasSubstr("Informational: always passes."));
}

TEST(CatalogueReport, MarkdownSaysHowEachCheckDiffersPerPlatform) {
  const std::string markdown = render_catalogue_markdown();
  EXPECT_THAT(markdown, HasSubstr("[platforms.md](platforms.md)"));
  EXPECT_THAT(markdown, HasSubstr("| id | passes when | differs per platform |\n"));
  EXPECT_THAT(markdown, HasSubstr("| [`server.version`](#serverversion) | PostgreSQL 12 or later "
                                  "| yes |\n"));
  EXPECT_THAT(markdown, HasSubstr("| [`tables.names`](#tablesnames) | No scoped schema or table "
                                  "name contains a dot |  |\n"));
  for (const CheckDefinition& check : catalogue()) {
    const std::string section = markdown_section_of(markdown, check.id);
    ASSERT_FALSE(section.empty()) << check.id;
    if (check.platforms.empty()) {
      EXPECT_THAT(section, Not(HasSubstr("**Per platform:**"))) << check.id;
    } else {
      EXPECT_THAT(section, HasSubstr("\n**Per platform:** " + std::string(check.platforms) + ".\n"))
          << check.id;
    }
  }
}

// server.platform's catalogue entry names every signal of the detection table:
// a platform or a signal added there is described here too.
TEST(CatalogueReport, ServerPlatformNamesEverySignalOfTheDetectionTable) {
  const CheckDefinition* check = find_check("server.platform");
  ASSERT_NE(check, nullptr);
  const std::string text(check->platforms);
  for (const PlatformSignal& signal : platform_signals()) {
    const std::string name(signal.name);
    EXPECT_THAT(text, HasSubstr(signal.kind == SignalKind::function ? name + "()" : name));
  }
}

// The catalogue's prose is Markdown as it is: no character there starts
// emphasis or an HTML tag.
TEST(CatalogueReport, TextsHoldNoMarkdownMarkup) {
  for (const CheckDefinition& check : catalogue()) {
    for (const std::string_view text : {check.why, check.warns, check.fails, check.platforms}) {
      EXPECT_EQ(text.find("*."), std::string_view::npos) << check.id << ": " << text;
      EXPECT_EQ(text.find('<'), std::string_view::npos) << check.id << ": " << text;
    }
  }
}

TEST(CatalogueReport, DocsChecksMdIsTheGeneratedMarkdown) {
  std::ifstream file(std::string(CDCP_SOURCE_DIR) + "/docs/checks.md");
  ASSERT_TRUE(file) << "docs/checks.md is missing";
  std::stringstream contents;
  contents << file.rdbuf();
  EXPECT_EQ(contents.str(), render_catalogue_markdown())
      << "docs/checks.md is out of date: run `cdc-preflight checks --format markdown > "
         "docs/checks.md`";
}

}  // namespace
}  // namespace cdcpreflight::testing
