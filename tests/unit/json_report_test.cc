// --format json: schema_version 1 and every field of SPEC.md's example.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json rendered(const Facts& facts) { return json::parse(render_json(report_of(facts))); }

// A report with a failing check that has every kind of remediation, and a
// partitioned table for the scope.
json not_ready() {
  return rendered(FactsBuilder()
                      .setting("wal_level", "replica")
                      .setting("rds.logical_replication", "off")
                      .partitioned_table("public", "events")
                      .partition("public", "events_1", "public", "events",
                                 [](TableFacts& t) { t.bytes = 91000; })
                      .build());
}

TEST(JsonReport, HasSchemaVersion1AndTheTool) {
  const json report = rendered(FactsBuilder().build());
  EXPECT_EQ(report.at("schema_version"), 1);
  EXPECT_EQ(report.at("tool").at("name"), "cdc-preflight");
  EXPECT_EQ(report.at("tool").at("version"), "0.1.0");
  EXPECT_EQ(report.at("generated_at"), "2026-11-25T12:00:00Z");
}

TEST(JsonReport, DescribesTheTarget) {
  const json target = rendered(FactsBuilder().build()).at("target");
  EXPECT_EQ(target.at("host"), kWriterHost);
  EXPECT_EQ(target.at("port"), 5432);
  EXPECT_EQ(target.at("dbname"), "app");
  EXPECT_EQ(target.at("user"), kUser);
  EXPECT_EQ(target.at("platform"), "aurora");
  EXPECT_EQ(target.at("server_version"), "15.4");
  EXPECT_EQ(target.at("server_version_num"), 150004);
  EXPECT_EQ(target.at("aurora_version"), "15.4.1");
  EXPECT_EQ(target.at("endpoint_kind"), "cluster-writer");
}

TEST(JsonReport, AuroraVersionIsNullElsewhere) {
  const json target =
      rendered(FactsBuilder().platform(Platform::postgresql).host("db.example.com").build())
          .at("target");
  EXPECT_TRUE(target.at("aurora_version").is_null());
  EXPECT_EQ(target.at("platform"), "postgresql");
  EXPECT_EQ(target.at("endpoint_kind"), "other");
}

TEST(JsonReport, DescribesTheScope) {
  const json scope = not_ready().at("scope");
  EXPECT_EQ(scope.at("publication"), kPublication);
  EXPECT_EQ(scope.at("schemas"), 1);
  EXPECT_EQ(scope.at("tables"), 3);
  EXPECT_EQ(scope.at("partitioned_tables"), 1);
  EXPECT_EQ(scope.at("estimated_bytes"), 91000 + 8192 * 2);
  ASSERT_FALSE(scope.at("largest").empty());
  EXPECT_EQ(scope.at("largest")[0].at("table"), "public.events");
  EXPECT_EQ(scope.at("largest")[0].at("bytes"), 91000);
}

TEST(JsonReport, SummarisesTheStatuses) {
  const json summary = not_ready().at("summary");
  EXPECT_EQ(summary.at("ready"), false);
  EXPECT_EQ(summary.at("fail"), 1);
  EXPECT_EQ(summary.at("warn"), 0);
  // replication.slot_probe (no --deep), slots.clickpipes, the aws.* checks (no --aws)
  EXPECT_EQ(summary.at("skip"), 5);
  EXPECT_EQ(summary.at("error"), 0);
  EXPECT_EQ(summary.at("pass"), static_cast<int>(catalogue().size()) - 6);
}

TEST(JsonReport, ListsEveryCheckWithItsRemediation) {
  const json checks = not_ready().at("checks");
  ASSERT_EQ(checks.size(), catalogue().size());
  for (const json& check : checks) {
    for (const char* key : {"id", "title", "status", "summary", "details", "remediation"}) {
      EXPECT_TRUE(check.contains(key)) << key;
    }
    for (const char* key : {"sql", "steps", "commands", "docs"}) {
      EXPECT_TRUE(check.at("remediation").contains(key)) << key;
    }
  }
  const auto logical = std::find_if(checks.begin(), checks.end(), [](const json& c) {
    return c.at("id") == "settings.logical_replication";
  });
  ASSERT_NE(logical, checks.end());
  EXPECT_EQ(logical->at("status"), "fail");
  EXPECT_EQ(logical->at("title"), "Logical replication is enabled (wal_level = logical)");
  EXPECT_THAT(logical->at("summary").get<std::string>(), HasSubstr("rds.logical_replication"));
  EXPECT_TRUE(logical->at("remediation").at("sql").is_array());
  EXPECT_FALSE(logical->at("remediation").at("steps").empty());
  EXPECT_THAT(logical->at("remediation").at("commands")[0].get<std::string>(),
              HasSubstr("aws rds"));
  EXPECT_THAT(logical->at("remediation").at("docs").get<std::string>(), HasSubstr("https://"));
}

TEST(JsonReport, InvalidUtf8FromTheServerDoesNotThrow) {
  std::string json_text;
  ASSERT_NO_THROW(
      json_text = render_json(
          report_of(FactsBuilder()
                        .table("public", "bad\xff\xfename", [](TableFacts& t) { t.select = false; })
                        .build())));
  EXPECT_TRUE(json::accept(json_text));
}

}  // namespace
}  // namespace cdcpreflight::testing
