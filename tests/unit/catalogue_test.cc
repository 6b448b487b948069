// run_checks: --skip, no connection, unreadable fact groups; build_report:
// counts and the `ready` verdict.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;

// --- the catalogue

TEST(Catalogue, ListsEveryCheckOnceWithATitle) {
  const auto checks = catalogue();
  ASSERT_FALSE(checks.empty());
  for (const CheckDefinition& check : checks) {
    SCOPED_TRACE(std::string(check.id));
    EXPECT_FALSE(check.title.empty());
    EXPECT_EQ(std::count_if(checks.begin(), checks.end(),
                            [&](const CheckDefinition& other) { return other.id == check.id; }),
              1);
    EXPECT_EQ(find_check(check.id), &check);
  }
}

// The checks whose verdict or fix follows the platform server.platform names;
// every other check judges and fixes the same everywhere.
TEST(Catalogue, SaysWhichChecksDifferPerPlatform) {
  const std::vector<std::string_view> expected = {"server.version",
                                                  "server.platform",
                                                  "endpoint.writer",
                                                  "settings.logical_replication",
                                                  "settings.wal_sender_timeout",
                                                  "settings.replication_capacity",
                                                  "settings.wal_retention",
                                                  "role.replication",
                                                  "replication.connect",
                                                  "publication.exists",
                                                  "publication.tables",
                                                  "tables.rls",
                                                  "slots.inactive",
                                                  "slots.clickpipes"};
  std::vector<std::string_view> actual;
  for (const CheckDefinition& check : catalogue()) {
    if (!check.platforms.empty()) {
      actual.push_back(check.id);
    }
  }
  EXPECT_EQ(actual, expected);
}

// Renderers end each of a check's texts with a full stop of their own.
TEST(Catalogue, TextsEndWithoutAFullStop) {
  for (const CheckDefinition& check : catalogue()) {
    SCOPED_TRACE(std::string(check.id));
    for (const std::string_view text : {check.warns, check.fails, check.platforms}) {
      EXPECT_FALSE(text.ends_with('.')) << text;
    }
  }
}

// How logical replication is turned on differs on every platform: its entry
// names each one.
TEST(Catalogue, LogicalReplicationSaysHowEachPlatformTurnsItOn) {
  const CheckDefinition* check = find_check("settings.logical_replication");
  ASSERT_NE(check, nullptr);
  for (const std::string_view platform :
       {"Aurora", "RDS", "Cloud SQL", "AlloyDB", "Azure", "Neon", "Supabase", "Timescale Cloud",
        "PlanetScale", "Crunchy Bridge", "self-managed PostgreSQL"}) {
    EXPECT_THAT(std::string(check->platforms), HasSubstr(platform));
  }
}

TEST(Catalogue, ConnectionComesFirst) { EXPECT_EQ(catalogue().front().id, "connection"); }

TEST(Catalogue, FindCheckReturnsNullForAnUnknownId) {
  EXPECT_EQ(find_check("no.such.check"), nullptr);
}

// --- run_checks

// slots.clickpipes skips where ClickPipes has no slot yet.
// slots.clickpipes skips where ClickPipes has no slot, the aws.* checks
// without --aws (FactsBuilder has no control-plane facts).
bool skips_without_a_pipe(std::string_view id) {
  return id == "slots.clickpipes" || id.starts_with("aws.");
}

TEST(RunChecks, AReadyAuroraPassesEveryCheckButTheSlotProbeWhichNeedsDeep) {
  for (const CheckResult& result : run_all(FactsBuilder().build())) {
    SCOPED_TRACE(result.id);
    EXPECT_EQ(result.status,
              result.id == "replication.slot_probe" || skips_without_a_pipe(result.id)
                  ? Status::skip
                  : Status::pass)
        << result.summary;
  }
}

TEST(RunChecks, AReadyAuroraWithASuccessfulDeepProbePassesEveryCheck) {
  for (const CheckResult& result : run_all(FactsBuilder().slot_probe_ok(3).build())) {
    SCOPED_TRACE(result.id);
    EXPECT_EQ(result.status, skips_without_a_pipe(result.id) ? Status::skip : Status::pass)
        << result.summary;
  }
}

TEST(RunChecks, ReturnsOneResultPerCheckInCatalogueOrderWithTitles) {
  const std::vector<CheckResult> results = run_all(FactsBuilder().build());
  const auto checks = catalogue();
  ASSERT_EQ(results.size(), checks.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].id, checks[i].id);
    EXPECT_EQ(results[i].title, checks[i].title);
  }
}

TEST(RunChecks, SkipOptionSkipsThatCheck) {
  ScopeRequest options = default_options();
  options.skip = {"settings.wal_sender_timeout"};
  const CheckResult result =
      evaluate("settings.wal_sender_timeout",
               FactsBuilder().setting("wal_sender_timeout", "60000", "ms").build(), options);
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("--skip"));
}

TEST(RunChecks, WithoutAConnectionOnlyConnectionRuns) {
  const Facts facts =
      FactsBuilder().connection_failed(ConnectionFailure::refused, "Connection refused").build();
  for (const CheckResult& result : run_all(facts)) {
    SCOPED_TRACE(result.id);
    if (result.id == "connection") {
      EXPECT_EQ(result.status, Status::fail);
    } else if (find_check(result.id)->control_plane) {
      // The control plane needs no database: without --aws, it is that which skips.
      EXPECT_EQ(result.status, Status::skip);
      EXPECT_THAT(result.summary, HasSubstr("--aws not given"));
    } else {
      EXPECT_EQ(result.status, Status::skip);
      EXPECT_THAT(result.summary, HasSubstr("no connection"));
    }
  }
}

TEST(RunChecks, UnreadableGroupIsAnErrorForTheChecksThatNeedIt) {
  const Facts facts = FactsBuilder()
                          .slot_probe_ok()
                          .query_error(FactGroup::tables, "XX000", "something broke")
                          .build();
  for (const CheckResult& result : run_all(facts)) {
    SCOPED_TRACE(result.id);
    const CheckDefinition* check = find_check(result.id);
    ASSERT_NE(check, nullptr);
    const bool needs_tables = std::find(check->needs.begin(), check->needs.end(),
                                        FactGroup::tables) != check->needs.end();
    if (needs_tables) {
      EXPECT_EQ(result.status, Status::error);
      EXPECT_THAT(result.summary, HasSubstr("could not read the tables catalogs"));
      EXPECT_THAT(result.summary, HasSubstr("something broke"));
    } else {
      EXPECT_EQ(result.status, skips_without_a_pipe(result.id) ? Status::skip : Status::pass);
    }
  }
}

TEST(RunChecks, InsufficientPrivilegeErrorSaysTheRoleMayNotRead) {
  const CheckResult result =
      evaluate("role.replication",
               FactsBuilder()
                   .query_error(FactGroup::role, "42501", "permission denied for table pg_authid")
                   .build());
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("the role may not read the role catalogs"));
  EXPECT_THAT(result.summary, HasSubstr("permission denied for table pg_authid"));
}

TEST(RunChecks, StatementTimeoutErrorNamesTheTimeout) {
  const CheckResult result = evaluate(
      "publication.exists", FactsBuilder()
                                .query_error(FactGroup::publication, "57014",
                                             "canceling statement due to statement timeout")
                                .build());
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("statement timeout"));
  EXPECT_THAT(result.summary, HasSubstr("publication catalogs"));
}

TEST(RunChecks, SkipWinsOverAnUnreadableGroup) {
  ScopeRequest options = default_options();
  options.skip = {"server.version"};
  const CheckResult result =
      evaluate("server.version",
               FactsBuilder().query_error(FactGroup::server, "42501", "denied").build(), options);
  EXPECT_EQ(result.status, Status::skip);
}

// --- build_report

TEST(BuildReport, CountsEachStatus) {
  const Report report = report_of(FactsBuilder()
                                      .setting("wal_sender_timeout", "300000", "ms")  // warn
                                      // exists: fail; tables, actions, partitions: skip
                                      .no_publication()
                                      .build());  // and slot_probe, slots.clickpipes: skip
  EXPECT_EQ(report.summary.warn, 1);
  EXPECT_EQ(report.summary.fail, 1);
  EXPECT_EQ(report.summary.skip, 8);  // and the three aws.* checks, without --aws
  EXPECT_EQ(report.summary.error, 0);
  EXPECT_EQ(report.summary.pass, static_cast<int>(catalogue().size()) - 10);
  EXPECT_FALSE(report.summary.ready);
}

TEST(BuildReport, ReadyWhenEverythingPasses) {
  const Report report = report_of(FactsBuilder().slot_probe_ok().build(), Strict::no);
  EXPECT_TRUE(report.summary.ready);
  // slots.clickpipes and the three aws.* checks (no --aws)
  EXPECT_EQ(report.summary.pass, static_cast<int>(catalogue().size()) - 4);
}

TEST(BuildReport, ReadyWithTheSlotProbeSkippedWithoutDeep) {
  const Report report = report_of(FactsBuilder().build(), Strict::yes);
  EXPECT_TRUE(report.summary.ready);
  EXPECT_EQ(report.summary.skip, 5);  // and slots.clickpipes, and aws.* without --aws
  EXPECT_EQ(report.summary.pass, static_cast<int>(catalogue().size()) - 5);
}

TEST(BuildReport, AWarningIsStillReady) {
  const Report report =
      report_of(FactsBuilder().setting("wal_sender_timeout", "300000", "ms").build());
  EXPECT_EQ(report.summary.warn, 1);
  EXPECT_TRUE(report.summary.ready);
}

TEST(BuildReport, StrictMakesAWarningBlock) {
  const Report report =
      report_of(FactsBuilder().setting("wal_sender_timeout", "300000", "ms").build(), Strict::yes);
  EXPECT_FALSE(report.summary.ready);
}

TEST(BuildReport, AFailureBlocks) {
  const Report report =
      report_of(FactsBuilder().setting("wal_sender_timeout", "60000", "ms").build());
  EXPECT_EQ(report.summary.fail, 1);
  EXPECT_FALSE(report.summary.ready);
}

TEST(BuildReport, AnErrorInACheckThatCanFailBlocks) {
  const Report report = report_of(
      FactsBuilder().query_error(FactGroup::publication, "42501", "permission denied").build());
  // publication.exists, .tables, .actions and .partitions need the publication,
  // tables.generated_columns (whether it publishes generated columns) and
  // slots.clickpipes (ClickPipes' own publications).
  EXPECT_EQ(report.summary.error, 6);
  EXPECT_FALSE(report.summary.ready);
}

TEST(BuildReport, AnErrorInACheckThatCanOnlyWarnDoesNotBlock) {
  std::vector<CheckResult> results = run_all(FactsBuilder().build());
  for (CheckResult& result : results) {
    if (result.id == "server.platform") {  // can_fail() is false
      result.status = Status::error;
    }
  }
  const Facts facts = FactsBuilder().build();
  const Report report =
      build_report(facts, resolve_scope(facts, default_options()), results, Strict::no);
  EXPECT_EQ(report.summary.error, 1);
  EXPECT_TRUE(report.summary.ready);
}

TEST(BuildReport, AnErrorInACheckThatCanOnlyWarnBlocksWithStrict) {
  std::vector<CheckResult> results = run_all(FactsBuilder().build());
  for (CheckResult& result : results) {
    if (result.id == "server.platform") {
      result.status = Status::error;
    }
  }
  const Facts facts = FactsBuilder().build();
  const Report report =
      build_report(facts, resolve_scope(facts, default_options()), results, Strict::yes);
  EXPECT_FALSE(report.summary.ready);
}

TEST(BuildReport, NoConnectionIsNotReady) {
  const Report report = report_of(
      FactsBuilder().connection_failed(ConnectionFailure::timeout, "timeout expired").build());
  EXPECT_EQ(report.summary.fail, 1);
  EXPECT_EQ(report.summary.skip, static_cast<int>(catalogue().size()) - 1);
  EXPECT_FALSE(report.summary.ready);
}

TEST(BuildReport, DescribesTheTarget) {
  Facts facts = FactsBuilder().build();
  facts.connection.connected_as = "admin";
  const Report report = report_of(facts);
  const ReportTarget& target = report.target;
  EXPECT_EQ(target.host, kWriterHost);
  EXPECT_EQ(target.port, 5432);
  EXPECT_EQ(target.dbname, "app");
  EXPECT_EQ(target.user, kUser);
  EXPECT_EQ(target.connected_as, "admin");
  EXPECT_STREQ(platform_name(target), "aurora");
  EXPECT_EQ(target.server_version, "15.4");
  EXPECT_EQ(target.server_version_num, 150004);
  EXPECT_EQ(target.aurora_version, "15.4.1");
  EXPECT_STREQ(to_string(target.endpoint_kind), "cluster-writer");
}

TEST(BuildReport, PlatformIsUnknownWithoutAServer) {
  const Report report =
      report_of(FactsBuilder()
                    .connection_failed(ConnectionFailure::dns, "could not translate")
                    .version(0)
                    .build());
  EXPECT_STREQ(platform_name(report.target), "unknown");
}

TEST(BuildReport, ScopeSumsPartitionsIntoTheirRootAndListsTheLargest) {
  const Report report =
      report_of(FactsBuilder()
                    .no_tables()
                    .table("public", "small", [](TableFacts& t) { t.bytes = 100; })
                    .partitioned_table("public", "events")
                    .partition("public", "events_1", "public", "events",
                               [](TableFacts& t) { t.bytes = 1000; })
                    .partition("public", "events_2", "public", "events",
                               [](TableFacts& t) { t.bytes = 2000; })
                    .table("public", "scratch",
                           [](TableFacts& t) {
                             t.unlogged = true;
                             t.bytes = 50000;
                           })
                    .build());
  const ReportScope& scope = report.scope;
  EXPECT_EQ(scope.publication, kPublication);
  EXPECT_EQ(scope.schemas, 1);
  EXPECT_EQ(scope.tables, 3);
  EXPECT_EQ(scope.partitioned_tables, 1);
  EXPECT_EQ(scope.estimated_bytes, 3100);
  ASSERT_GE(scope.largest.size(), 2U);
  EXPECT_EQ(scope.largest[0].table, "public.events");
  EXPECT_EQ(scope.largest[0].bytes, 3000);
  EXPECT_EQ(scope.largest[1].table, "public.small");
}

// Each size is bounded (a snapshot's by what a relation can hold), their sum is
// not: it stops at the largest number rather than wrap to a negative one.
TEST(BuildReport, ScopeSizesAddUpWithoutOverflowing) {
  const Report report =
      report_of(FactsBuilder()
                    .no_tables()
                    .table("public", "a", [](TableFacts& t) { t.bytes = INT64_MAX; })
                    .table("public", "b", [](TableFacts& t) { t.bytes = INT64_MAX; })
                    .partitioned_table("public", "events")
                    .partition("public", "events_1", "public", "events",
                               [](TableFacts& t) { t.bytes = INT64_MAX; })
                    .partition("public", "events_2", "public", "events",
                               [](TableFacts& t) { t.bytes = INT64_MAX; })
                    .build());
  EXPECT_EQ(report.scope.estimated_bytes, INT64_MAX);
  ASSERT_EQ(report.scope.largest.size(), 3U);
  for (const TableSize& size : report.scope.largest) {
    EXPECT_EQ(size.bytes, INT64_MAX) << size.table;
  }
}

TEST(BuildReport, ListsAtMostFiveLargestTables) {
  FactsBuilder builder;
  builder.no_tables();
  for (int i = 1; i <= 8; ++i) {
    builder.table("public", "t" + std::to_string(i), [i](TableFacts& t) { t.bytes = i * 10; });
  }
  const Report report = report_of(builder.build());
  ASSERT_EQ(report.scope.largest.size(), 5U);
  EXPECT_EQ(report.scope.largest[0].table, "public.t8");
  EXPECT_EQ(report.scope.largest[4].table, "public.t4");
}

}  // namespace
}  // namespace cdcpreflight::testing
