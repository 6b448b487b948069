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
#include "cdcpreflight/report.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;

TEST(CatalogueReport, TextListsEveryIdWithItsTitle) {
  const std::string text = render_catalogue_text();
  for (const CheckDefinition& check : catalogue()) {
    EXPECT_THAT(text, HasSubstr(std::string(check.id))) << check.id;
    EXPECT_THAT(text, HasSubstr(std::string(check.title))) << check.id;
  }
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
