// PostgreSQL older than 12, which ClickPipes does not read: server.version fails
// and says 12 is the oldest supported, and every other check still tells the
// truth about the server (no crash, no `error`, no pass it has not earned).
// Runs as integration.pg11.OldServer; on a newer server every test skips.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "scenario.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

class OldServer : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    start_server_older_than(kOldestSupportedMajor, ready_aurora(), [](PgServer& server) {
      create_login_role(server, kClickpipesUser, ReplicationGrant::granted);
    });
  }
  static void TearDownTestSuite() { stop_server(); }

  // A database where a completed setup guide leaves nothing else to fix.
  [[nodiscard]] Login ready_login() const {
    create_ready_database(server(), test_slug(), kClickpipesUser);
    return Login{server(), std::string(kClickpipesUser), std::string(kRolePassword), test_slug()};
  }
};

// No check of the report, implemented_checks() or not, could not be evaluated,
// but those named, whose `error` is the truth (a role without pg_read_all_stats
// cannot see other sessions).
void expect_no_error_status(const nlohmann::json& report, const std::set<std::string>& but = {}) {
  EXPECT_EQ(field(report, "/summary/error"), but.size());
  for (const auto& item : field(report, "/checks")) {
    if (but.contains(item.value("id", ""))) continue;
    EXPECT_NE(item.value("status", ""), "error") << item.dump(2);
  }
}

void expect_server_version_names_12_as_the_oldest(const nlohmann::json& report) {
  const nlohmann::json& version = check(report, "server.version");
  EXPECT_EQ(version.value("status", ""), "fail") << version.dump(2);
  const std::string summary = version.value("summary", "");
  EXPECT_NE(summary.find("PostgreSQL 11."), std::string::npos) << summary;
  EXPECT_NE(summary.find("12"), std::string::npos) << summary;
  EXPECT_TRUE(contains_ignoring_case(summary, "oldest")) << summary;
  const std::string text = check_text(version);
  EXPECT_TRUE(contains_ignoring_case(text, "upgrade")) << text;
  EXPECT_NE(text.find("--allow-major-version-upgrade"), std::string::npos) << text;
  EXPECT_EQ(remediation_sql(version), "") << "an upgrade is no SQL";
}

TEST_F(OldServer, ReadyClusterFailsServerVersionAloneSaying12IsTheOldestSupported) {
  const Login login = ready_login();
  const ToolReport result = check_as(login);

  EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run);
  EXPECT_EQ(server_major(result.report), 11);
  EXPECT_EQ(field(result.report, "/target/platform"), "aurora");
  EXPECT_EQ(field(result.report, "/summary/ready"), false);
  EXPECT_EQ(field(result.report, "/summary/fail"), 1);
  EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {{"server.version", "fail"}}));
  expect_server_version_names_12_as_the_oldest(result.report);
  expect_no_error_status(result.report);
}

TEST_F(OldServer, TextReportSaysNotReadyAndWhy) {
  const Login login = ready_login();
  const ProcessResult result = run_tool(connection_args(login), login_env(login));

  EXPECT_EQ(result.exit_code, 1) << describe_result(result);
  EXPECT_TRUE(contains_ignoring_case(result.out, "not ready")) << result.out;
  EXPECT_NE(result.out.find("older than 12"), std::string::npos) << result.out;
}

// What is broken besides the version is found, and each fix works, as on a
// supported server: the checks do not give up or guess because the server is old.
TEST_F(OldServer, EveryOtherFailureIsFoundAndItsSqlFixesIt) {
  create_login_role(server(), test_slug(), ReplicationGrant::missing);
  create_ready_database(server(), test_slug(), test_slug());
  const Login login{server(), test_slug(), std::string(kRolePassword), test_slug()};
  // app.events, created later, is readable through the guide's default privileges.
  (void)server().sql("REVOKE USAGE ON SCHEMA app FROM " + test_slug() +
                         ";\n"
                         "REVOKE SELECT ON app.orders FROM " +
                         test_slug() +
                         ";\n"
                         "CREATE TABLE app.events (happened_at timestamptz, payload text);\n"
                         "DROP PUBLICATION clickpipes_publication;\n"
                         "CREATE PUBLICATION clickpipes_publication FOR TABLE app.customers;\n",
                     login.dbname);

  const ToolReport before = check_as(login);
  EXPECT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  const std::map<std::string, std::string> failing = {
      {"server.version", "fail"},         {"role.replication", "fail"},
      {"replication.connect", "fail"},    {"grants.schema_usage", "fail"},
      {"grants.table_select", "fail"},    {"publication.tables", "fail"},
      {"tables.replica_identity", "fail"}};
  // app.events has a text column but no value out of line: tables.toast passes.
  std::map<std::string, std::string> expected = failing;
  EXPECT_EQ(statuses(before.report), all_pass_except(before.report, expected));
  expect_no_error_status(before.report);
  const std::string unpublished = check_text(check(before.report, "publication.tables"));
  EXPECT_NE(unpublished.find("orders"), std::string::npos) << unpublished;
  EXPECT_NE(unpublished.find("events"), std::string::npos) << unpublished;
  EXPECT_EQ(unpublished.find("customers"), std::string::npos) << unpublished;
  const std::string unreadable = check_text(check(before.report, "grants.table_select"));
  EXPECT_NE(unreadable.find("orders"), std::string::npos) << unreadable;
  EXPECT_EQ(unreadable.find("events"), std::string::npos) << unreadable;
  const std::string keyless = check_text(check(before.report, "tables.replica_identity"));
  EXPECT_NE(keyless.find("events"), std::string::npos) << keyless;
  EXPECT_EQ(keyless.find("orders"), std::string::npos) << keyless;

  for (const auto& [id, status] : failing) {
    if (id == "server.version") continue;
    SCOPED_TRACE(id);
    apply_remediation(server(), login.dbname, check(before.report, id));
  }
  // What the GRANT rds_replication gives on Aurora (see scenario.h).
  emulate_rds_replication_membership(server(), login.user);
  const ToolReport after = check_as(login);
  EXPECT_EQ(after.run.exit_code, 1) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {{"server.version", "fail"}}));
}

// A default cluster parameter group and a bare role: every missing step fails
// as on a supported server, and the --format sql script fixes what SQL can.
TEST_F(OldServer, DefaultClusterFailsEachMissingStepAndTheSqlScriptFixesTheSqlOnes) {
  const PgServer fresh(fresh_aurora());
  create_login_role(fresh, "bare_user", ReplicationGrant::missing, StatsGrant::missing);
  create_app_database(fresh, "app");
  const Login login{fresh, "bare_user", std::string(kRolePassword), "app"};

  const ToolReport before = check_as(login);
  EXPECT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  EXPECT_EQ(statuses(before.report),
            all_pass_except(before.report, {
                                               {"server.version", "fail"},
                                               {"settings.logical_replication", "fail"},
                                               {"settings.wal_sender_timeout", "fail"},
                                               {"role.replication", "fail"},
                                               {"replication.connect", "fail"},
                                               {"grants.schema_usage", "fail"},
                                               {"grants.table_select", "fail"},
                                               {"grants.default_privileges", "warn"},
                                               {"publication.exists", "fail"},
                                               {"publication.tables", "skip"},
                                               {"publication.actions", "skip"},
                                               {"publication.partitions", "skip"},
                                           }));
  expect_server_version_names_12_as_the_oldest(before.report);
  // Without pg_read_all_stats the role still sees every transaction's xmin
  // horizon: no other session holds one, so nothing is unknowable.
  expect_no_error_status(before.report);
  // Both parameters are in the one parameter-group fix, of this major's family.
  const std::string parameters =
      check_text(before.report.value("parameter_group", nlohmann::json()));
  EXPECT_NE(parameters.find("aurora-postgresql11"), std::string::npos)
      << "the parameter group family of this major:\n"
      << parameters;

  const AppliedScript fixed = apply_sql_format_script(login);
  EXPECT_EQ(fixed.script.exit_code, 1) << describe_result(fixed.script);
  EXPECT_EQ(fixed.applied.exit_code, 0) << fixed.script.out << "\n"
                                        << describe_result(fixed.applied);
  emulate_rds_replication_membership(fresh, login.user);  // see scenario.h
  const ToolReport after = check_as(login);
  EXPECT_EQ(after.run.exit_code, 1) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report),
            all_pass_except(after.report, {
                                              {"server.version", "fail"},
                                              {"settings.logical_replication", "fail"},
                                              {"settings.wal_sender_timeout", "fail"},
                                          }));
}

// Self-managed PostgreSQL 11: the upgrade is pg_upgrade, not the AWS CLI, and
// role.replication asks for the REPLICATION attribute as on a supported server.
TEST_F(OldServer, SelfManagedServerIsToldToUpgradeWithPgUpgrade) {
  PgServerOptions options;
  options.conf_lines = {"wal_level = logical", "wal_sender_timeout = 0"};
  const PgServer self_managed(options);
  create_login_role(self_managed, "clickpipes_user", ReplicationGrant::missing);
  create_ready_database(self_managed, "app", "clickpipes_user");
  const Login login{self_managed, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport before = check_as(login);
  EXPECT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  EXPECT_EQ(field(before.report, "/target/platform"), "postgresql");
  EXPECT_EQ(statuses(before.report),
            all_pass_except(before.report, {{"server.version", "fail"},
                                            {"role.replication", "fail"},
                                            {"replication.connect", "fail"}}));
  expect_no_error_status(before.report);
  const nlohmann::json& version = check(before.report, "server.version");
  EXPECT_NE(check_text(version).find("pg_upgrade"), std::string::npos) << version.dump(2);
  EXPECT_EQ(check_text(version).find("aws rds"), std::string::npos) << version.dump(2);

  apply_remediation(self_managed, login.dbname, check(before.report, "role.replication"));
  const ToolReport after = check_as(login);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {{"server.version", "fail"}}));
}

}  // namespace
}  // namespace cdcpreflight::integration
