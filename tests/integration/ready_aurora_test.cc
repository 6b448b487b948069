// An Aurora-like cluster whose parameters are right: the database-level setup
// decides, and every SQL-fixable failure is fixed by the tool's own SQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "cdcpreflight/sql_quote.h"
#include "ready_suite.h"
#include "scenario.h"
#include "session.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

class ReadyAurora : public ReadyAuroraSuite {
 protected:
  // A role of this test's own (for changes to cluster-wide memberships), with a
  // ready database.
  [[nodiscard]] Login ready_login_for_own_role(ReplicationGrant grant) const {
    create_login_role(server(), test_slug(), grant);
    create_ready_database(server(), test_slug(), test_slug());
    return Login{server(), test_slug(), std::string(kRolePassword), test_slug()};
  }
};

// The check `id` fails (with the `also` statuses, which its fix fixes too); its
// own remediation.sql, run as the admin, makes the whole report ready.
void expect_failure_fixed_by_its_sql(const Login& login, const std::string& id,
                                     const std::map<std::string, std::string>& also = {}) {
  const ToolReport before = check_as(login);
  EXPECT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  std::map<std::string, std::string> expected = also;
  expected[id] = "fail";
  EXPECT_EQ(statuses(before.report), all_pass_except(before.report, expected));
  EXPECT_EQ(field(before.report, "/summary/ready"), false);

  apply_remediation(login.server, login.dbname, check(before.report, id));

  const ToolReport after = check_as(login);
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {}));
}

TEST_F(ReadyAurora, CompletedSetupGuideIsReadyWithEveryCheckPassing) {
  const Login login = ready_login();
  const ToolReport result = check_as(login);

  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(field(result.report, "/summary/ready"), true);
  EXPECT_EQ(field(result.report, "/summary/fail"), 0);
  EXPECT_EQ(field(result.report, "/target/platform"), "aurora");
  EXPECT_EQ(field(result.report, "/target/port"), server().port());
  EXPECT_EQ(field(result.report, "/target/dbname"), login.dbname);
  EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {}));
  // Every check of the report, in order, is one statuses() compares.
  std::vector<std::string> ids;
  for (const auto& item : field(result.report, "/checks")) ids.push_back(item.value("id", ""));
  EXPECT_EQ(ids, implemented_checks()) << "implemented_checks() (tool.cc) is the catalogue";
  const nlohmann::json& probe = check(result.report, "replication.slot_probe");
  EXPECT_EQ(probe.value("status", ""), "skip") << probe.dump(2);
  EXPECT_NE(probe.value("summary", "").find("--deep"), std::string::npos) << probe.dump(2);
  // Verified TLS, as the guide connects (sslmode=verify-full, sslrootcert).
  const std::string tls = check(result.report, "connection.tls").value("summary", "");
  EXPECT_NE(tls.find("TLS"), std::string::npos) << tls;
  EXPECT_NE(tls.find("sslmode=verify-full"), std::string::npos) << tls;
  const std::string replication = check(result.report, "replication.connect").value("summary", "");
  EXPECT_NE(replication.find("IDENTIFY_SYSTEM"), std::string::npos) << replication;
}

// The Aurora guide exactly: the role it creates (rds_replication, no
// pg_read_all_stats), keys on every table, the grants, the default privileges,
// the publication and the parameters; reached as ClickPipes reaches it, through
// the cluster's writer endpoint name over verify-full TLS (the server's
// certificate names *.<cluster domain>, as Amazon's does): ready with --strict,
// nothing to warn about.
TEST_F(ReadyAurora, GuideExactDatabaseThroughTheClusterWriterOverVerifyFullIsStrictReady) {
  create_login_role(server(), test_slug(), ReplicationGrant::granted, StatsGrant::missing);
  create_ready_database(server(), test_slug(), test_slug());
  const std::string host = std::string("mydb.") + kAuroraClusterDomain;
  const std::string conninfo = "host=" + host +
                               " hostaddr=127.0.0.1 port=" + std::to_string(server().port()) +
                               " user=" + test_slug() + " dbname=" + test_slug() +
                               " sslmode=verify-full sslrootcert=" + server().ca_file();
  const ProcessResult run = run_tool({"--dbname", conninfo, "--strict", "--format", "json"},
                                     {{"PGPASSWORD", std::string(kRolePassword)}});
  const nlohmann::json report = parse_report(run);
  EXPECT_EQ(run.exit_code, 0) << describe_result(run);
  EXPECT_EQ(field(report, "/target/host"), host);
  EXPECT_EQ(field(report, "/target/endpoint_kind"), "cluster-writer");
  EXPECT_EQ(statuses(report), all_pass_except(report, {}));
  EXPECT_EQ(field(report, "/summary/warn"), 0);
  EXPECT_EQ(field(report, "/summary/error"), 0);
  const std::string tls = check(report, "connection.tls").value("summary", "");
  EXPECT_NE(tls.find("sslmode=verify-full"), std::string::npos) << tls;
}

// The least-privilege setup of the guide (no pg_read_all_stats): the role cannot
// see other roles' sessions, but pg_locks shows that none of them holds a
// transaction id, so nothing is in the way and the database is ready with
// --strict. While an admin's transaction holds one, its age is hidden:
// activity.long_transactions says `error` and names the privilege; that check
// can only warn, so the cluster is still ready without --strict; the GRANT it
// proposes makes it pass.
TEST_F(ReadyAurora, LeastPrivilegeRoleIsReadyWithLongTransactionsInError) {
  create_login_role(server(), test_slug(), ReplicationGrant::granted, StatsGrant::missing);
  create_ready_database(server(), test_slug(), test_slug());
  const Login login{server(), test_slug(), std::string(kRolePassword), test_slug()};

  const ToolReport quiet = check_as(login, {"--strict"});
  EXPECT_EQ(quiet.run.exit_code, 0) << describe_result(quiet.run);
  EXPECT_EQ(statuses(quiet.report), all_pass_except(quiet.report, {}));

  const HeldTransaction held(server(), login.dbname);  // holds a transaction id
  const ToolReport result = check_as(login);
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(field(result.report, "/summary/ready"), true);
  EXPECT_EQ(field(result.report, "/summary/fail"), 0);
  EXPECT_EQ(field(result.report, "/summary/error"), 1);
  EXPECT_EQ(statuses(result.report),
            all_pass_except(result.report, {{"activity.long_transactions", "error"}}));
  const nlohmann::json& activity = check(result.report, "activity.long_transactions");
  EXPECT_NE(activity.value("summary", "").find("pg_read_all_stats"), std::string::npos)
      << activity.dump(2);
  EXPECT_EQ(remediation_sql(activity),
            "GRANT pg_read_all_stats TO " + quote_identifier(login.user) + ";\n");

  apply_remediation(server(), login.dbname, activity);
  const ToolReport granted = check_as(login);
  EXPECT_EQ(granted.run.exit_code, 0) << describe_result(granted.run);
  EXPECT_EQ(statuses(granted.report), all_pass_except(granted.report, {}));
}

TEST_F(ReadyAurora, TextReportOfAReadyClusterSaysReadyWithoutColour) {
  const Login login = ready_login();
  const ProcessResult result = run_tool(connection_args(login), login_env(login));

  EXPECT_EQ(result.exit_code, 0) << describe_result(result);
  EXPECT_TRUE(contains_ignoring_case(result.out, "ready")) << result.out;
  EXPECT_FALSE(contains_ignoring_case(result.out, "not ready")) << result.out;
  EXPECT_EQ(result.out.find('\x1b'), std::string::npos) << "colour despite NO_COLOR";
}

TEST_F(ReadyAurora, IpLiteralHostWarnsEndpointWriterAndStrictTurnsTheWarningIntoFailure) {
  const Login login = ready_login();
  std::vector<std::string> args = {
      "--host",     "127.0.0.1", "--port",   std::to_string(server().port()),
      "--username", login.user,  "--dbname", login.dbname,
      "--format",   "json"};
  const ProcessResult lenient = run_tool(args, login_env(login));
  const nlohmann::json report = parse_report(lenient);
  EXPECT_EQ(lenient.exit_code, 0) << describe_result(lenient);
  EXPECT_EQ(field(report, "/summary/ready"), true);
  EXPECT_EQ(statuses(report), all_pass_except(report, {{"endpoint.writer", "warn"}}));

  args.emplace_back("--strict");
  const ProcessResult strict = run_tool(args, login_env(login));
  EXPECT_EQ(strict.exit_code, 1) << describe_result(strict);
  EXPECT_EQ(field(parse_report(strict), "/summary/ready"), false);
}

TEST_F(ReadyAurora, SkippedCheckIsReportedAsSkipAndDoesNotFail) {
  const Login login = ready_login();
  (void)server().sql("REVOKE SELECT ON app.orders FROM clickpipes_user;", login.dbname);
  const ToolReport result = check_as(login, {"--skip", "grants.table_select"});
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  const std::map<std::string, std::string> expected =
      all_pass_except(result.report, {{"grants.table_select", "skip"}});
  EXPECT_EQ(statuses(result.report), expected);
  // With the checks that skip anyway (replication.slot_probe without --deep, …).
  EXPECT_EQ(field(result.report, "/summary/skip"),
            std::count_if(expected.begin(), expected.end(),
                          [](const auto& entry) { return entry.second == "skip"; }));
}

TEST_F(ReadyAurora, LibpqEnvironmentVariablesAloneAreEnough) {
  const Login login = ready_login();
  const ProcessResult run =
      run_tool({"--format", "json"}, {{"PGHOST", "localhost"},
                                      {"PGPORT", std::to_string(server().port())},
                                      {"PGUSER", login.user},
                                      {"PGDATABASE", login.dbname},
                                      {"PGPASSWORD", login.password}});
  const nlohmann::json report = parse_report(run);
  EXPECT_EQ(run.exit_code, 0) << describe_result(run);
  EXPECT_EQ(field(report, "/target/port"), server().port());
  EXPECT_EQ(field(report, "/target/dbname"), login.dbname);
  EXPECT_EQ(field(report, "/target/user"), login.user);
}

TEST_F(ReadyAurora, OutputFlagWritesTheReportToTheFileOnly) {
  const Login login = ready_login();
  const std::string path =
      (std::filesystem::temp_directory_path() / ("cdcp-it-" + test_slug() + ".json")).string();
  std::vector<std::string> args = connection_args(login);
  args.insert(args.end(), {"--format", "json", "--output", path});
  const ProcessResult run = run_tool(args, login_env(login));
  EXPECT_EQ(run.exit_code, 0) << describe_result(run);
  EXPECT_EQ(run.out, "");
  std::ifstream file(path);
  const nlohmann::json report = nlohmann::json::parse(file, nullptr, false);
  std::filesystem::remove(path);
  EXPECT_EQ(statuses(report), all_pass_except(report, {}));
}

// -o /dev/null (a CI step that wants the exit code only) is written to, not
// refused: only a regular file is emptied first.
TEST_F(ReadyAurora, OutputToDevNullKeepsTheExitCode) {
  const Login login = ready_login();
  std::vector<std::string> args = connection_args(login);
  args.insert(args.end(), {"--format", "json", "--output", "/dev/null"});
  const ProcessResult run = run_tool(args, login_env(login));
  EXPECT_EQ(run.exit_code, 0) << describe_result(run);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "");
}

// Without rds_replication the role may neither stream (role.replication) nor open
// a replication connection (replication.connect): both propose the same GRANT.
TEST_F(ReadyAurora, MissingRdsReplicationFailsAndItsGrantFixesIt) {
  const Login login = ready_login_for_own_role(ReplicationGrant::missing);
  const ToolReport before = check_as(login);
  EXPECT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  EXPECT_EQ(statuses(before.report),
            all_pass_except(before.report,
                            {{"role.replication", "fail"}, {"replication.connect", "fail"}}));
  const nlohmann::json& role = check(before.report, "role.replication");
  const nlohmann::json& connect = check(before.report, "replication.connect");
  const std::string grant = "GRANT rds_replication TO " + quote_identifier(login.user) + ";\n";
  EXPECT_EQ(remediation_sql(role), grant);
  EXPECT_EQ(remediation_sql(connect), grant);
  EXPECT_TRUE(
      contains_ignoring_case(connect.value("summary", ""), "may not open a replication connection"))
      << connect.dump(2);

  apply_remediation(server(), login.dbname, role);
  // On Aurora the GRANT is all; the emulation needs the attribute it stands for.
  emulate_rds_replication_membership(server(), login.user);
  const ToolReport after = check_as(login);
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {}));
}

TEST_F(ReadyAurora, MissingSchemaUsageFailsAndItsGrantFixesIt) {
  const Login login = ready_login();
  (void)server().sql("REVOKE USAGE ON SCHEMA app FROM clickpipes_user;", login.dbname);
  expect_failure_fixed_by_its_sql(login, "grants.schema_usage");
}

TEST_F(ReadyAurora, MissingTableSelectFailsNamingTheTableAndItsGrantFixesIt) {
  const Login login = ready_login();
  (void)server().sql("REVOKE SELECT ON app.orders FROM clickpipes_user;", login.dbname);

  const ToolReport before = check_as(login);
  const std::string text = check_text(check(before.report, "grants.table_select"));
  EXPECT_NE(text.find("orders"), std::string::npos) << text;
  EXPECT_EQ(text.find("customers"), std::string::npos) << "only app.orders lacks SELECT:\n" << text;
  expect_failure_fixed_by_its_sql(login, "grants.table_select");
}

TEST_F(ReadyAurora, PublicationMissingATableFailsAndItsAlterPublicationFixesIt) {
  const Login login = ready_login();
  (void)server().sql(
      "DROP PUBLICATION clickpipes_publication;\n"
      "CREATE PUBLICATION clickpipes_publication FOR TABLE app.customers;",
      login.dbname);

  const ToolReport before = check_as(login);
  const std::string text = check_text(check(before.report, "publication.tables"));
  EXPECT_NE(text.find("orders"), std::string::npos) << text;
  expect_failure_fixed_by_its_sql(login, "publication.tables");
}

TEST_F(ReadyAurora, PublishedTableWithoutPrimaryKeyFailsReplicaIdentityAndItsSqlFixesIt) {
  const Login login = ready_login();
  (void)server().sql(
      "CREATE TABLE app.events (happened_at timestamptz, payload text);\n"
      "GRANT SELECT ON app.events TO clickpipes_user;",
      login.dbname);

  const ToolReport before = check_as(login);
  const std::string text = check_text(check(before.report, "tables.replica_identity"));
  EXPECT_NE(text.find("events"), std::string::npos) << text;
  // A text column without REPLICA IDENTITY FULL, but no value stored out of
  // line: tables.toast does not warn (no evidence).
  expect_failure_fixed_by_its_sql(login, "tables.replica_identity");
}

TEST_F(ReadyAurora, TableFlagNarrowsTheScopeAndTheCreatePublicationStatement) {
  create_app_database(server(), test_slug());
  grant_app_access(server(), test_slug(), kClickpipesUser);
  (void)server().sql("REVOKE SELECT ON app.customers FROM clickpipes_user;", test_slug());
  const Login login{server(), std::string(kClickpipesUser), std::string(kRolePassword),
                    test_slug()};

  const ToolReport before = check_as(login, {"--table", "app.orders"});
  EXPECT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  EXPECT_EQ(field(before.report, "/scope/tables"), 1);
  EXPECT_EQ(statuses(before.report),
            all_pass_except(before.report, {{"publication.exists", "fail"},
                                            {"publication.tables", "skip"},
                                            {"publication.actions", "skip"},
                                            {"publication.partitions", "skip"}}))
      << "app.customers, which lacks SELECT, is out of scope";
  const nlohmann::json& missing = check(before.report, "publication.exists");
  const std::string create = remediation_sql(missing);
  EXPECT_NE(create.find("FOR TABLE"), std::string::npos) << create;
  EXPECT_NE(create.find("orders"), std::string::npos) << create;
  EXPECT_EQ(create.find("customers"), std::string::npos) << create;

  apply_remediation(server(), login.dbname, missing);
  const ToolReport after = check_as(login, {"--table", "app.orders"});
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {}));
}

TEST_F(ReadyAurora, SchemaFlagLeavesOtherSchemasOut) {
  const Login login = ready_login();
  (void)server().sql("CREATE SCHEMA internal; CREATE TABLE internal.scratch (payload text);",
                     login.dbname);

  const ToolReport everything = check_as(login);
  EXPECT_EQ(everything.run.exit_code, 1) << describe_result(everything.run);
  EXPECT_EQ(statuses(everything.report),
            all_pass_except(everything.report, {{"grants.schema_usage", "fail"},
                                                {"grants.table_select", "fail"},
                                                {"grants.default_privileges", "warn"},
                                                {"tables.replica_identity", "fail"}}));

  const ToolReport app_only = check_as(login, {"--schema", "app"});
  EXPECT_EQ(app_only.run.exit_code, 0) << describe_result(app_only.run);
  EXPECT_EQ(field(app_only.report, "/scope/schemas"), 1);
  EXPECT_EQ(statuses(app_only.report), all_pass_except(app_only.report, {}));
}

// Reading goes through the partitioned root: SELECT on the root is enough, and
// every partition has the key. Publishing goes through the root from
// PostgreSQL 13 (the root in the publication, via the root); before 13, where a
// partitioned table cannot be in a publication, through every leaf partition.
TEST_F(ReadyAurora, PartitionedTableIsCoveredThroughItsRootOrBefore13ItsPartitions) {
  const Login login = ready_login();
  (void)server().sql(
      "CREATE TABLE app.events (id bigint, created date, PRIMARY KEY (id, created))\n"
      "  PARTITION BY RANGE (created);\n"
      "CREATE TABLE app.events_2025 PARTITION OF app.events\n"
      "  FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n"
      "CREATE TABLE app.events_2026 PARTITION OF app.events\n"
      "  FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n"
      "GRANT SELECT ON app.events TO clickpipes_user;\n"
      "DROP PUBLICATION clickpipes_publication;\n",
      login.dbname);
  if (server().major_version() >= 13) {
    (void)server().sql(
        "CREATE PUBLICATION clickpipes_publication\n"
        "  FOR TABLE app.customers, app.orders, app.events\n"
        "  WITH (publish_via_partition_root = true);",
        login.dbname);
  } else {
    (void)server().sql(
        "CREATE PUBLICATION clickpipes_publication\n"
        "  FOR TABLE app.customers, app.orders, app.events_2025, app.events_2026;",
        login.dbname);
  }

  const ToolReport result = check_as(login);
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  // publish_via_partition_root exists from 13: publication.partitions skips before.
  EXPECT_EQ(statuses(result.report),
            all_pass_except(result.report, {{"publication.partitions",
                                             server().major_version() >= 13 ? "pass" : "skip"}}));
  EXPECT_EQ(field(result.report, "/scope/partitioned_tables"), 1);
}

TEST_F(ReadyAurora, UserFlagEvaluatesPrivilegesOfTheNamedRoleNotTheAdmin) {
  const Login user = ready_login();
  (void)server().sql("REVOKE SELECT ON app.orders FROM clickpipes_user;", user.dbname);
  const Login admin{server(), std::string(PgServer::kAdminUser),
                    std::string(PgServer::kAdminPassword), user.dbname};

  const ToolReport as_admin = check_as(admin);
  EXPECT_EQ(status_of(as_admin.report, "grants.table_select"), "pass")
      << "the admin itself may read every table";

  const ToolReport for_user = check_as(admin, {"--user", std::string(kClickpipesUser)});
  EXPECT_EQ(for_user.run.exit_code, 1) << describe_result(for_user.run);
  EXPECT_EQ(statuses(for_user.report),
            all_pass_except(for_user.report, {{"grants.table_select", "fail"}}));
  const nlohmann::json& failed = check(for_user.report, "grants.table_select");
  EXPECT_NE(check_text(failed).find("orders"), std::string::npos) << failed.dump(2);
  const std::string fix = remediation_sql(failed);
  EXPECT_NE(fix.find("clickpipes_user"), std::string::npos) << fix;
  EXPECT_EQ(fix.find("postgres"), std::string::npos) << "granted to the admin:\n" << fix;

  apply_remediation(server(), user.dbname, failed);
  const ToolReport fixed = check_as(admin, {"--user", std::string(kClickpipesUser)});
  EXPECT_EQ(fixed.run.exit_code, 0) << describe_result(fixed.run);
  EXPECT_EQ(statuses(fixed.report), all_pass_except(fixed.report, {}));
  // And the user itself agrees.
  const ToolReport itself = check_as(user);
  EXPECT_EQ(statuses(itself.report), all_pass_except(itself.report, {}));
}

TEST_F(ReadyAurora, UserFlagEvaluatesReplicationGrantOfTheNamedRole) {
  const Login user = ready_login_for_own_role(ReplicationGrant::missing);
  const Login admin{server(), std::string(PgServer::kAdminUser),
                    std::string(PgServer::kAdminPassword), user.dbname};

  const ToolReport for_user = check_as(admin, {"--user", user.user});
  EXPECT_EQ(for_user.run.exit_code, 1) << describe_result(for_user.run);
  // replication.connect opens as the login role (the admin), and says so.
  EXPECT_EQ(statuses(for_user.report),
            all_pass_except(for_user.report, {{"role.replication", "fail"}}));
  const std::string connect = check_text(check(for_user.report, "replication.connect"));
  EXPECT_NE(connect.find("opened as the login role postgres, not as " + user.user),
            std::string::npos)
      << connect;
  const std::string fix = remediation_sql(check(for_user.report, "role.replication"));
  EXPECT_NE(fix.find("rds_replication"), std::string::npos) << fix;
  EXPECT_NE(fix.find(user.user), std::string::npos) << fix;
}

}  // namespace
}  // namespace cdcpreflight::integration
