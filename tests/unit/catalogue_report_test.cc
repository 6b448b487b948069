// `cdc-preflight checks`: the catalogue as text, JSON and Markdown, and
// docs/checks.md kept equal to the Markdown.
#include <fstream>
#include <sstream>
#include <string>

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
  EXPECT_EQ(checks[1].at("group"), "server");
}

TEST(CatalogueReport, OnlyTheInformationalCheckCannotFail) {
  for (const CheckDefinition& check : catalogue()) {
    EXPECT_EQ(check.can_fail(), check.id != "server.platform") << check.id;
    EXPECT_FALSE(check.why.empty()) << check.id;
  }
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
