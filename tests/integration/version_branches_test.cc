// One test per version-dependent branch of what the tool asks and answers
// (src/gather/queries.cc, src/checks/): each runs on every major of the matrix
// and asserts what a real server of that major shows, deciding by the report's
// target.server_version_num which branch applies.
//   FOR TABLES IN SCHEMA (pg_publication_namespace)          15+
//   publish_via_partition_root (pubviaroot)                   13+
//     and publication.partitions (skips before)
//   a partitioned table in a publication (else its leaves)    13+
//   max_slot_wal_keep_size: settings.wal_retention            13+ (skips before)
//   pg_stat_wal: the WAL write rate of settings.wal_retention  14+
//   pg_replication_slots.wal_status: invalidated slots        13+
//   pubtruncate                                               11+
//   server.version                                            12+
//   relpages -1 on an analyzed partitioned table              14+
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "scenario.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

// The first major where each feature exists.
constexpr int kSchemaPublications = 15;       // FOR TABLES IN SCHEMA
constexpr int kPartitionedPublications = 13;  // partitioned tables, publish_via_partition_root
constexpr int kSlotWalStatus = 13;            // max_slot_wal_keep_size, wal_status

class VersionBranches : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    start_server(ready_aurora(), [](PgServer& server) {
      create_login_role(server, kClickpipesUser, ReplicationGrant::granted);
    });
  }
  static void TearDownTestSuite() { stop_server(); }

  void SetUp() override {
    ServerSuite::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    major_ = server().major_version();
  }

  // This test's database: schema app (customers, orders) readable by
  // clickpipes_user, and no publication.
  [[nodiscard]] Login unpublished_login() const {
    create_app_database(server(), test_slug());
    grant_app_access(server(), test_slug(), kClickpipesUser);
    return login();
  }

  // The same with the partitioned app.events (and its partitions) readable too.
  [[nodiscard]] Login unpublished_login_with_events() const {
    create_app_database(server(), test_slug());
    create_partitioned_events(server(), test_slug());
    grant_app_access(server(), test_slug(), kClickpipesUser);
    return login();
  }

  [[nodiscard]] Login login() const {
    return Login{server(), std::string(kClickpipesUser), std::string(kRolePassword), test_slug()};
  }

  // The tool as clickpipes_user, checking that the report is about this major.
  [[nodiscard]] ToolReport check_this_major(const Login& login,
                                            const std::vector<std::string>& extra = {}) const {
    ToolReport result = check_as(login, extra);
    EXPECT_EQ(server_major(result.report), major_) << describe_result(result.run);
    EXPECT_EQ(field(result.report, "/summary/error"), 0) << describe_result(result.run);
    return result;
  }

  // Exit code and statuses when nothing but `expected` (and, before 12, the
  // version) is wrong.
  void expect_only(const ToolReport& result,
                   const std::map<std::string, std::string>& expected) const {
    const std::map<std::string, std::string> statuses_expected =
        all_pass_on_major_except(major_, expected);
    bool fails = false;
    for (const auto& [id, status] : statuses_expected) fails = fails || status == "fail";
    EXPECT_EQ(result.run.exit_code, fails ? 1 : 0) << describe_result(result.run);
    EXPECT_EQ(statuses(result.report), statuses_expected);
  }

  // publication.partitions for a scope with a partitioned table and a
  // publication published through the root: pass from 13, skip before (where
  // publish_via_partition_root does not exist).
  [[nodiscard]] std::string partitions_via_root() const {
    return major_ >= kPartitionedPublications ? "pass" : "skip";
  }

  int major_ = 0;
};

// No publication: publication.exists fails, the checks of the publication skip.
const std::map<std::string, std::string> kNoPublication = {{"publication.exists", "fail"},
                                                           {"publication.tables", "skip"},
                                                           {"publication.actions", "skip"},
                                                           {"publication.partitions", "skip"}};

// The number of times `part` occurs in `text`.
std::size_t occurrences(const std::string& text, std::string_view part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

// server_version_num comes from the server, and the verdict follows it.
TEST_F(VersionBranches, ServerVersionPassesFrom12AndFailsBefore) {
  const Login login = unpublished_login();
  create_publication_for_all_tables(server(), login.dbname);
  const ToolReport result = check_this_major(login);

  EXPECT_EQ(std::to_string(field(result.report, "/target/server_version_num").get<int>()) + "\n",
            server().sql("SHOW server_version_num;"));
  EXPECT_EQ(field(result.report, "/target/server_version").get<std::string>() + "\n",
            server().sql("SHOW server_version;"));
  expect_only(result, {});
  const std::string summary = check(result.report, "server.version").value("summary", "");
  if (major_ < kOldestSupportedMajor) {
    EXPECT_NE(summary.find("older than 12"), std::string::npos) << summary;
  } else {
    EXPECT_EQ(summary,
              "PostgreSQL " + field(result.report, "/target/server_version").get<std::string>());
  }
}

// 15+: a FOR TABLES IN SCHEMA publication publishes every table of the schema,
// and only those. Before 15 there is no such publication (the server refuses the
// syntax), and the tool must not ask for pg_publication_namespace: the same
// schema is published table by table, with the same verdicts.
TEST_F(VersionBranches, SchemaPublicationCoversItsTablesFrom15) {
  const Login login = unpublished_login();
  (void)server().sql(
      "CREATE SCHEMA extra;\n"
      "CREATE TABLE extra.audit (id bigint PRIMARY KEY, note text);\n"
      "ALTER TABLE extra.audit REPLICA IDENTITY FULL;\n"
      "GRANT USAGE ON SCHEMA extra TO clickpipes_user;\n"
      "GRANT SELECT ON extra.audit TO clickpipes_user;\n"
      "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA extra\n"
      "  GRANT SELECT ON TABLES TO clickpipes_user;\n",
      login.dbname);
  const std::string by_schema =
      "CREATE PUBLICATION clickpipes_publication FOR TABLES IN SCHEMA app;";
  if (major_ >= kSchemaPublications) {
    (void)server().sql(by_schema, login.dbname);
  } else {
    const ProcessResult refused = server().try_sql(by_schema, login.dbname);
    EXPECT_NE(refused.exit_code, 0) << "PostgreSQL " << major_ << " took FOR TABLES IN SCHEMA";
    (void)server().sql(
        "CREATE PUBLICATION clickpipes_publication FOR TABLE app.customers, app.orders;",
        login.dbname);
  }

  const ToolReport before = check_this_major(login);
  expect_only(before, {{"publication.tables", "fail"}});
  const std::string exists = check(before.report, "publication.exists").value("summary", "");
  EXPECT_NE(exists.find(major_ >= kSchemaPublications ? "(listed tables and schemas)"
                                                      : "(listed tables)"),
            std::string::npos)
      << exists;
  const nlohmann::json& tables = check(before.report, "publication.tables");
  const std::string text = check_text(tables);
  EXPECT_NE(text.find("audit"), std::string::npos) << text;
  EXPECT_EQ(text.find("customers"), std::string::npos) << "published through its schema:\n" << text;
  EXPECT_EQ(text.find("orders"), std::string::npos) << "published through its schema:\n" << text;
  EXPECT_EQ(remediation_sql(tables),
            "ALTER PUBLICATION \"clickpipes_publication\" ADD TABLE \"extra\".\"audit\";\n");

  const ToolReport app_only = check_this_major(login, {"--schema", "app"});
  expect_only(app_only, {});

  apply_remediation(server(), login.dbname, tables);
  expect_only(check_this_major(login), {});
}

// 13+: with a partitioned table in scope, the CREATE PUBLICATION fix sets
// publish_via_partition_root = true. Before 13 the option does not exist (the
// server refuses it), and the fix must not carry it.
TEST_F(VersionBranches, CreatePublicationSetsPublishViaPartitionRootFrom13) {
  const Login login = unpublished_login_with_events();
  const ToolReport before = check_this_major(login);
  expect_only(before, kNoPublication);
  const nlohmann::json& missing = check(before.report, "publication.exists");
  const std::string create = remediation_sql(missing);
  if (major_ >= kPartitionedPublications) {
    EXPECT_EQ(create,
              "CREATE PUBLICATION \"clickpipes_publication\" FOR ALL TABLES "
              "WITH (publish_via_partition_root = true);\n");
  } else {
    EXPECT_EQ(create, "CREATE PUBLICATION \"clickpipes_publication\" FOR ALL TABLES;\n");
    const ProcessResult refused = server().try_sql(
        "CREATE PUBLICATION probe FOR ALL TABLES WITH (publish_via_partition_root = true);",
        login.dbname);
    EXPECT_NE(refused.exit_code, 0)
        << "PostgreSQL " << major_ << " took publish_via_partition_root";
  }

  apply_remediation(server(), login.dbname, missing);
  expect_only(check_this_major(login), {{"publication.partitions", partitions_via_root()}});
}

// Without a partitioned table in scope, no major gets the option.
TEST_F(VersionBranches, CreatePublicationWithoutPartitionedTablesHasNoOptions) {
  const Login login = unpublished_login();
  const ToolReport before = check_this_major(login);
  EXPECT_EQ(remediation_sql(check(before.report, "publication.exists")),
            "CREATE PUBLICATION \"clickpipes_publication\" FOR ALL TABLES;\n");
}

// A FOR TABLE publication of a scope with a partitioned table: from 13 it lists
// the root, with publish_via_partition_root; before 13, where a partitioned
// table cannot be in a publication, it lists the root's leaf partitions (not the
// partitioned partition in between). The --format sql script, run by the admin,
// makes the scope green on every major.
TEST_F(VersionBranches, CreatePublicationForTableListsTheRootFrom13AndItsLeavesBefore) {
  const Login login = unpublished_login_with_events();
  const std::vector<std::string> scope = {"--schema", "app"};
  const ToolReport before = check_this_major(login, scope);
  expect_only(before, kNoPublication);
  const std::string create = remediation_sql(check(before.report, "publication.exists"));
  EXPECT_NE(create.find("CREATE PUBLICATION \"clickpipes_publication\" FOR TABLE "),
            std::string::npos)
      << create;
  EXPECT_NE(create.find(R"("app"."customers")"), std::string::npos) << create;
  EXPECT_NE(create.find(R"("app"."orders")"), std::string::npos) << create;
  EXPECT_EQ(create.find(kEventsMiddle), std::string::npos) << create;
  if (major_ >= kPartitionedPublications) {
    EXPECT_EQ(occurrences(create, kEventsRoot), 1U) << create;
    for (const auto& leaf : kEventsLeaves)
      EXPECT_EQ(create.find(leaf), std::string::npos) << create;
    EXPECT_NE(create.find("WITH (publish_via_partition_root = true)"), std::string::npos) << create;
  } else {
    EXPECT_EQ(create.find(kEventsRoot), std::string::npos) << create;
    for (const auto& leaf : kEventsLeaves) EXPECT_EQ(occurrences(create, leaf), 1U) << create;
    EXPECT_EQ(create.find("publish_via_partition_root"), std::string::npos) << create;
  }

  const AppliedScript fixed = apply_sql_format_script(login, scope);
  EXPECT_EQ(fixed.applied.exit_code, 0) << fixed.script.out << "\n"
                                        << describe_result(fixed.applied);
  expect_only(check_this_major(login, scope), {{"publication.partitions", partitions_via_root()}});
}

// A partitioned table is published through its root from 13 (the root in the
// publication covers it; leaves alone do not), and through all of its leaf
// partitions before 13. publication.tables asks for what is missing, as the
// server of that major accepts it.
TEST_F(VersionBranches, MissingPartitionedTableIsAddedByItsRootFrom13AndByItsLeavesBefore) {
  const Login login = unpublished_login_with_events();
  (void)server().sql(
      "CREATE PUBLICATION clickpipes_publication\n"
      "  FOR TABLE app.customers, app.orders, app.events_2025;",
      login.dbname);

  // From 13 the publication publishes partitions as themselves
  // (publication.partitions warns, whatever it lists); before 13 there is no choice.
  const std::string partitions = major_ >= kPartitionedPublications ? "warn" : "skip";
  const ToolReport before = check_this_major(login);
  expect_only(before, {{"publication.tables", "fail"}, {"publication.partitions", partitions}});
  const nlohmann::json& tables = check(before.report, "publication.tables");
  const std::string text = check_text(tables);
  EXPECT_NE(text.find("events"), std::string::npos) << text;
  EXPECT_EQ(text.find("customers"), std::string::npos) << text;
  const std::string add = remediation_sql(tables);
  EXPECT_NE(add.find("ALTER PUBLICATION \"clickpipes_publication\" ADD TABLE "), std::string::npos)
      << add;
  EXPECT_EQ(add.find(kEventsMiddle), std::string::npos) << add;
  EXPECT_EQ(add.find(kEventsLeaves[0]), std::string::npos) << "already published:\n" << add;
  if (major_ >= kPartitionedPublications) {
    EXPECT_EQ(add, "ALTER PUBLICATION \"clickpipes_publication\" ADD TABLE \"app\".\"events\";\n");
  } else {
    EXPECT_EQ(occurrences(add, kEventsLeaves[1]), 1U) << add;
    EXPECT_EQ(occurrences(add, kEventsLeaves[2]), 1U) << add;
    EXPECT_EQ(add.find(kEventsRoot), std::string::npos) << add;
  }

  apply_remediation(server(), login.dbname, tables);
  expect_only(check_this_major(login), {{"publication.partitions", partitions}});
}

// What a completed setup leaves behind for a partitioned table on each major:
// the root in the publication (13+), every leaf partition (before 13).
TEST_F(VersionBranches, PartitionedTableIsCoveredByItsRootFrom13AndByAllItsLeavesBefore) {
  const Login login = unpublished_login_with_events();
  if (major_ >= kPartitionedPublications) {
    (void)server().sql(
        "CREATE PUBLICATION clickpipes_publication FOR TABLE app.customers, app.orders,\n"
        "  app.events WITH (publish_via_partition_root = true);",
        login.dbname);
  } else {
    const ProcessResult refused =
        server().try_sql("CREATE PUBLICATION probe FOR TABLE app.events;", login.dbname);
    EXPECT_NE(refused.exit_code, 0)
        << "PostgreSQL " << major_ << " took a partitioned table in a publication";
    (void)server().sql(
        "CREATE PUBLICATION clickpipes_publication FOR TABLE app.customers, app.orders,\n"
        "  app.events_2025, app.events_2026_a, app.events_2026_b;",
        login.dbname);
  }
  const ToolReport result = check_this_major(login);
  expect_only(result, {{"publication.partitions", partitions_via_root()}});
  EXPECT_EQ(field(result.report, "/scope/partitioned_tables"), 1);
}

// pubtruncate (11+) and pubviaroot (13+) are read where they exist and never
// named where they do not: a publication with the options its server has is
// read without error on every major, and publication.actions and
// publication.partitions judge what was read.
TEST_F(VersionBranches, PublicationOptionsOfEachMajorAreRead) {
  const Login login = unpublished_login_with_events();
  if (major_ >= kPartitionedPublications) {
    (void)server().sql(
        "CREATE PUBLICATION clickpipes_publication FOR ALL TABLES\n"
        "  WITH (publish = 'insert, update, delete, truncate', publish_via_partition_root = true);",
        login.dbname);
    EXPECT_EQ(server().sql("SELECT pubtruncate, pubviaroot FROM pg_publication;", login.dbname),
              "t|t\n");
  } else {
    (void)server().sql(
        "CREATE PUBLICATION clickpipes_publication FOR ALL TABLES\n"
        "  WITH (publish = 'insert, update, delete, truncate');",
        login.dbname);
    EXPECT_EQ(server().sql("SELECT pubtruncate FROM pg_publication;", login.dbname), "t\n");
    EXPECT_NE(server().try_sql("SELECT pubviaroot FROM pg_publication;", login.dbname).exit_code, 0)
        << "PostgreSQL " << major_ << " has pubviaroot";
  }
  const ToolReport result = check_this_major(login);
  expect_only(result, {{"publication.partitions", partitions_via_root()}});
  EXPECT_NE(check(result.report, "publication.exists").value("summary", "").find("FOR ALL TABLES"),
            std::string::npos)
      << check(result.report, "publication.exists").dump(2);
  const std::string actions = check(result.report, "publication.actions").value("summary", "");
  EXPECT_NE(actions.find("publishes insert, update, delete and truncate"), std::string::npos)
      << actions;
  const std::string partitions =
      check(result.report, "publication.partitions").value("summary", "");
  if (major_ >= kPartitionedPublications) {
    EXPECT_NE(partitions.find("publish_via_partition_root"), std::string::npos) << partitions;
  } else {
    EXPECT_NE(partitions.find("from PostgreSQL 13"), std::string::npos) << partitions;
  }
}

// 13+: a partitioned table published without publish_via_partition_root warns
// (its changes arrive under each partition's name), and the check's SQL fixes
// it. Before 13 the option does not exist (the server refuses it): skip.
TEST_F(VersionBranches, PublicationPartitionsWarnsWithoutViaRootFrom13AndSkipsBefore) {
  const Login login = unpublished_login_with_events();
  create_publication_for_all_tables(server(), login.dbname);
  const ToolReport before = check_this_major(login);
  const nlohmann::json& partitions = check(before.report, "publication.partitions");
  if (major_ < kPartitionedPublications) {
    expect_only(before, {{"publication.partitions", "skip"}});
    EXPECT_NE(partitions.value("summary", "").find("from PostgreSQL 13"), std::string::npos)
        << partitions.dump(2);
    EXPECT_NE(server()
                  .try_sql("ALTER PUBLICATION clickpipes_publication\n"
                           "  SET (publish_via_partition_root = true);",
                           login.dbname)
                  .exit_code,
              0)
        << "PostgreSQL " << major_ << " took publish_via_partition_root";
    return;
  }
  expect_only(before, {{"publication.partitions", "warn"}});
  const std::string text = check_text(partitions);
  EXPECT_NE(text.find("app.events"), std::string::npos) << text;
  EXPECT_EQ(text.find("events_2025"), std::string::npos) << "a partition is no root:\n" << text;
  EXPECT_TRUE(contains_ignoring_case(text, "partition's name")) << text;
  EXPECT_EQ(remediation_sql(partitions),
            "ALTER PUBLICATION \"clickpipes_publication\" SET (publish_via_partition_root = "
            "true);\n");

  apply_remediation(server(), login.dbname, partitions);
  expect_only(check_this_major(login), {{"publication.partitions", "pass"}});
}

// 13+: max_slot_wal_keep_size below 100 GB warns (a slot further behind is
// invalidated); -1, the default, passes. Before 13 there is no such parameter
// (the server refuses it): skip.
TEST_F(VersionBranches, WalRetentionIsJudgedFrom13AndSkipsBefore) {
  const Login login = unpublished_login();
  create_publication_for_all_tables(server(), login.dbname);
  const std::string set = "ALTER SYSTEM SET max_slot_wal_keep_size = '1GB';";
  if (major_ < kSlotWalStatus) {
    EXPECT_NE(server().try_sql(set).exit_code, 0)
        << "PostgreSQL " << major_ << " took max_slot_wal_keep_size";
    const ToolReport result = check_this_major(login);
    expect_only(result, {});  // settings.wal_retention: skip
    const std::string summary = check(result.report, "settings.wal_retention").value("summary", "");
    EXPECT_NE(summary.find("from PostgreSQL 13"), std::string::npos) << summary;
    return;
  }
  expect_only(check_this_major(login), {});
  const AdminSqlOnExit reset(server(),
                             "ALTER SYSTEM RESET max_slot_wal_keep_size;\n"
                             "SELECT pg_reload_conf();");
  (void)server().sql(set);
  server().reload();
  const ToolReport small = check_this_major(login);
  expect_only(small, {{"settings.wal_retention", "warn"}});
  const nlohmann::json& retention = check(small.report, "settings.wal_retention");
  EXPECT_NE(retention.value("summary", "").find("1024 MB"), std::string::npos) << retention.dump(2);
  EXPECT_TRUE(contains_ignoring_case(check_text(retention), "resync")) << retention.dump(2);
  EXPECT_NE(check_text(retention).find("max_slot_wal_keep_size"), std::string::npos)
      << retention.dump(2);

  (void)server().sql("ALTER SYSTEM SET max_slot_wal_keep_size = '100GB';");
  server().reload();
  expect_only(check_this_major(login), {});
}

// The WAL write rate settings.wal_retention judges by comes from pg_stat_wal
// (14+): right after pg_stat_reset_shared('wal') it is too recent for a daily
// rate, and the detail says so; on 13 there is no pg_stat_wal, and the detail
// says that. Either way the guides' 100 GB rules, so 1 GB warns.
TEST_F(VersionBranches, WalWriteRateComesFromPgStatWalFrom14) {
  constexpr int kPgStatWal = 14;
  const Login login = unpublished_login();
  create_publication_for_all_tables(server(), login.dbname);
  if (major_ < kSlotWalStatus) {
    const ToolReport result = check_this_major(login);
    EXPECT_EQ(check(result.report, "settings.wal_retention").value("status", ""), "skip")
        << "no max_slot_wal_keep_size before 13";
    return;
  }
  const AdminSqlOnExit reset(server(),
                             "ALTER SYSTEM RESET max_slot_wal_keep_size;\n"
                             "SELECT pg_reload_conf();");
  (void)server().sql("ALTER SYSTEM SET max_slot_wal_keep_size = '1GB';");
  server().reload();
  if (major_ >= kPgStatWal) {
    (void)server().sql("SELECT pg_catalog.pg_stat_reset_shared('wal');");
  }
  const ToolReport small = check_this_major(login);
  expect_only(small, {{"settings.wal_retention", "warn"}});
  const nlohmann::json& retention = check(small.report, "settings.wal_retention");
  const std::string text = check_text(retention);
  if (major_ >= kPgStatWal) {
    EXPECT_NE(text.find("the WAL write rate is unknown: pg_stat_wal was reset "), std::string::npos)
        << retention.dump(2);
    EXPECT_NE(text.find("too recent for a daily rate"), std::string::npos) << retention.dump(2);
  } else {
    EXPECT_NE(text.find("pg_stat_wal exists from PostgreSQL 14"), std::string::npos)
        << retention.dump(2);
  }
  EXPECT_NE(text.find("the initial load copies "), std::string::npos) << retention.dump(2);
  EXPECT_NE(text.find("100 GB"), std::string::npos) << retention.dump(2);
}

// 14+: ANALYZE leaves relpages -1 on a partitioned table (no storage of its own). The
// sizes stay those of the partitions (8 kB each here: one row), on every major, and the
// snapshot of that database is one check --from reads back.
TEST_F(VersionBranches, AnAnalyzedPartitionedTableAddsNoNegativeSize) {
  const Login login = unpublished_login_with_events();
  (void)server().sql("ANALYZE;", login.dbname);
  if (major_ >= 14) {
    EXPECT_EQ(server().sql("SELECT relpages FROM pg_class WHERE oid = 'app.events'::regclass;",
                           login.dbname),
              "-1\n")
        << "the branch this test is about";
  }
  const ToolReport live = check_this_major(login, {"--schema", "app"});
  ASSERT_TRUE(live.report.is_object()) << describe_result(live.run);
  const nlohmann::json& scope = live.report.at("scope");
  const std::string pages = server().sql(
      "SELECT sum(relpages) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = 'app' AND c.relkind = 'r';",
      login.dbname);
  EXPECT_EQ(std::to_string(scope.value("estimated_bytes", -1)),
            std::to_string(std::stoll(pages) * 8192))
      << scope.dump(2);
  for (const nlohmann::json& largest : scope.value("largest", nlohmann::json::array())) {
    EXPECT_GE(largest.value("bytes", -1), 0) << scope.dump(2);
  }

  const std::string file = ::testing::TempDir() + "cdcp-analyzed-" + test_slug() + ".json";
  const ProcessResult collected =
      run_tool({"collect", "--host", "localhost", "--port", std::to_string(server().port()),
                "--username", login.user, "--dbname", login.dbname, "--schema", "app", "-o", file},
               login_env(login));
  ASSERT_EQ(collected.exit_code, 0) << describe_result(collected);
  const ProcessResult offline = run_tool({"check", "--from", file, "--format", "json"});
  std::remove(file.c_str());
  EXPECT_EQ(offline.exit_code, live.run.exit_code) << describe_result(offline);
  EXPECT_EQ(field(parse_report(offline), "/scope"), scope);
}

// 13+: a slot that fell further behind than max_slot_wal_keep_size is
// invalidated (wal_status lost) and slots.inactive says so; before 13 a slot
// is never invalidated and keeps its WAL, and slots.inactive says how much.
TEST_F(VersionBranches, InactiveSlotIsInvalidatedFrom13AndRetainsItsWalBefore) {
  const Login login = unpublished_login();
  create_publication_for_all_tables(server(), login.dbname);
  const AdminSqlOnExit drop(server(),
                            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots\n"
                            "  WHERE slot_name = 'behind_slot';");
  std::map<std::string, std::string> expected = {{"slots.inactive", "warn"}};
  std::unique_ptr<AdminSqlOnExit> reset;
  if (major_ >= kSlotWalStatus) {
    reset = std::make_unique<AdminSqlOnExit>(
        server(), "ALTER SYSTEM RESET max_slot_wal_keep_size;\nSELECT pg_reload_conf();");
    (void)server().sql("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB';");
    server().reload();
    expected["settings.wal_retention"] = "warn";
  }
  (void)server().sql("SELECT pg_create_physical_replication_slot('behind_slot', true);");
  // More than 1 MB of WAL in new segments (from a table out of the scope, in
  // database postgres), then a checkpoint: from 13 it invalidates the slot.
  for (int segment = 0; segment < 3; ++segment) {
    (void)server().sql(
        "CREATE TABLE IF NOT EXISTS wal_filler (n int);\n"
        "INSERT INTO wal_filler SELECT generate_series(1, 20000);\n"
        "SELECT pg_switch_wal();");
  }
  (void)server().sql("CHECKPOINT;");

  const ToolReport result = check_this_major(login);
  expect_only(result, expected);
  const std::string text = check_text(check(result.report, "slots.inactive"));
  EXPECT_NE(text.find("behind_slot (physical slot)"), std::string::npos) << text;
  if (major_ >= kSlotWalStatus) {
    EXPECT_EQ(server().sql("SELECT wal_status FROM pg_replication_slots;"), "lost\n");
    EXPECT_NE(text.find("invalidated (wal_status lost)"), std::string::npos) << text;
  } else {
    EXPECT_NE(text.find("inactive, retains "), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace cdcpreflight::integration
