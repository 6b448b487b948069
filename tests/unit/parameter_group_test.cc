// One fix for one parameter group: on a fresh Aurora cluster (rds.logical_replication
// off, wal_sender_timeout 60s) one custom group, one modify call carrying every
// parameter and one reboot; each failing check keeps its own words and points to
// it. The same in text, JSON, Markdown, --format sql comments and JUnit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// A fresh Aurora cluster: the default cluster parameter group's values.
FactsBuilder fresh_aurora() {
  FactsBuilder builder;
  builder.setting("wal_level", "replica")
      .setting("rds.logical_replication", "off")
      .setting("wal_sender_timeout", "60000", "ms");
  return builder;
}

const ReportedCheck& check_of(const Report& report, std::string_view id) {
  const auto found = std::find_if(report.checks.begin(), report.checks.end(),
                                  [&](const ReportedCheck& check) { return check.id == id; });
  if (found == report.checks.end()) {
    throw std::logic_error("no check " + std::string(id));
  }
  return *found;
}

std::size_t occurrences(const std::string& text, std::string_view part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

TEST(ParameterGroup, AFreshAuroraClusterGetsOneModifyCallCarryingEveryParameterAndOneReboot) {
  const Report report = report_of(fresh_aurora().build());
  ASSERT_TRUE(report.parameter_group.has_value());
  EXPECT_THAT(report.parameter_group->checks,
              ElementsAre("settings.logical_replication", "settings.wal_sender_timeout"));
  const Remediation& fix = report.parameter_group->remediation;
  const std::string all = remediation_text(fix);
  EXPECT_EQ(occurrences(all, "modify-db-cluster-parameter-group"), 1U) << all;
  EXPECT_EQ(occurrences(all, "create-db-cluster-parameter-group"), 1U) << all;
  EXPECT_EQ(occurrences(all, "reboot-db-instance"), 1U) << all;
  EXPECT_THAT(all, HasSubstr("ParameterName=rds.logical_replication,ParameterValue=1"));
  EXPECT_THAT(all, HasSubstr("ParameterName=wal_sender_timeout,ParameterValue=0"));
  EXPECT_THAT(all, HasSubstr("set rds.logical_replication = 1, wal_sender_timeout = 0"));
}

TEST(ParameterGroup, EachCheckPointsToItInsteadOfRepeatingTheGroupsCommands) {
  const Report report = report_of(fresh_aurora().build());
  for (const char* id : {"settings.logical_replication", "settings.wal_sender_timeout"}) {
    SCOPED_TRACE(id);
    const ReportedCheck& check = check_of(report, id);
    EXPECT_EQ(check.status, Status::fail);
    const std::string text = remediation_text(check.remediation);
    EXPECT_THAT(text, Not(HasSubstr("modify-db-cluster-parameter-group")));
    EXPECT_THAT(text, Not(HasSubstr("reboot-db-instance")));
    EXPECT_THAT(check.remediation.steps,
                Contains(HasSubstr("in the one parameter-group fix of this report")));
  }
  EXPECT_THAT(check_of(report, "settings.logical_replication").remediation.steps,
              Contains(HasSubstr("Set rds.logical_replication = 1 in the one parameter-group fix "
                                 "of this report, with what settings.wal_sender_timeout needs")));
}

// One check alone keeps its whole fix: nothing to combine.
TEST(ParameterGroup, OneParameterAloneIsNotCombined) {
  const Report report =
      report_of(FactsBuilder().setting("wal_sender_timeout", "60000", "ms").build());
  EXPECT_FALSE(report.parameter_group.has_value());
  EXPECT_THAT(remediation_text(check_of(report, "settings.wal_sender_timeout").remediation),
              HasSubstr("modify-db-cluster-parameter-group"));
}

// Self-managed PostgreSQL has no parameter group: ALTER SYSTEM per check.
TEST(ParameterGroup, PostgresqlIsNotCombined) {
  FactsBuilder builder = fresh_aurora();
  builder.platform(Platform::postgresql).host("db.example.com");
  const Report report = report_of(builder.build());
  EXPECT_FALSE(report.parameter_group.has_value());
}

// A warning's parameter joins the failures' (max_slot_wal_keep_size below 100 GB).
TEST(ParameterGroup, AWarningsParameterJoinsTheSameCall) {
  const Report report =
      report_of(fresh_aurora().setting("max_slot_wal_keep_size", "1024", "MB").build());
  ASSERT_TRUE(report.parameter_group.has_value());
  EXPECT_THAT(report.parameter_group->checks,
              ElementsAre("settings.logical_replication", "settings.wal_sender_timeout",
                          "settings.wal_retention"));
  const std::string all = remediation_text(report.parameter_group->remediation);
  EXPECT_EQ(occurrences(all, "modify-db-cluster-parameter-group"), 1U) << all;
  EXPECT_THAT(all, HasSubstr("ParameterName=max_slot_wal_keep_size,ParameterValue=102400"));
  // The check's own advice stays.
  EXPECT_THAT(check_of(report, "settings.wal_retention").remediation.steps,
              Contains(HasSubstr("Keep at least 100 GB")));
}

TEST(ParameterGroup, EveryFormatShowsIt) {
  const Report report = report_of(fresh_aurora().build());
  const std::string text = render_text(report, Color::no);
  EXPECT_THAT(text, HasSubstr("One parameter-group fix for settings.logical_replication, "
                              "settings.wal_sender_timeout"));
  EXPECT_EQ(occurrences(text, "modify-db-cluster-parameter-group"), 1U) << text;

  const nlohmann::json json = nlohmann::json::parse(render_json(report));
  ASSERT_TRUE(json.at("parameter_group").is_object()) << json.dump(2);
  EXPECT_EQ(json["parameter_group"]["checks"],
            nlohmann::json({"settings.logical_replication", "settings.wal_sender_timeout"}));
  EXPECT_EQ(json["parameter_group"]["parameters"][0]["name"], "rds.logical_replication");
  EXPECT_EQ(json["parameter_group"]["parameters"][1]["value"], "0");
  EXPECT_FALSE(json["parameter_group"]["remediation"]["commands"].empty());

  const std::string markdown = render_markdown(report);
  EXPECT_THAT(markdown, HasSubstr("### One parameter-group fix"));
  EXPECT_EQ(occurrences(markdown, "modify-db-cluster-parameter-group"), 1U) << markdown;

  const std::string sql = render_sql(report);
  EXPECT_THAT(sql, HasSubstr("-- one parameter-group fix for settings.logical_replication, "
                             "settings.wal_sender_timeout"));
  EXPECT_THAT(sql, HasSubstr("-- $ aws rds modify-db-cluster-parameter-group"));

  const std::string junit = render_junit(report);
  EXPECT_THAT(junit, HasSubstr("<system-out>One parameter-group fix for"));
}

TEST(ParameterGroup, AReportWithoutOneSaysNullInJson) {
  const nlohmann::json json = nlohmann::json::parse(render_json(report_of(FactsBuilder().build())));
  ASSERT_TRUE(json.contains("parameter_group"));
  EXPECT_TRUE(json["parameter_group"].is_null());
}

}  // namespace
}  // namespace cdcpreflight::testing
