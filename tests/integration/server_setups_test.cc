// Server-wide setups the complete catalogue judges, each on a server of its
// own: a full replication slot table, a single WAL sender, pg_hba.conf without a
// replication line, a server without TLS.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "pg_server.h"
#include "scenario.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

// Each test starts its own ready Aurora-like server (with `options` changed).
class ServerSetups : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string reason =
            PgServer::unavailable_reason(PgServerOptions::default_pg_bin_dir());
        !reason.empty()) {
      GTEST_SKIP() << reason;
    }
  }

  [[nodiscard]] static PgServerOptions ready_aurora() {
    PgServerOptions options;
    options.emulation = Emulation::aurora;
    options.conf_lines = {"rds.logical_replication = on", "wal_level = logical",
                          "wal_sender_timeout = 0"};
    return options;
  }

  void start(const PgServerOptions& options) {
    server_ = std::make_unique<PgServer>(options);
    create_login_role(*server_, kClickpipesUser, ReplicationGrant::granted);
    create_ready_database(*server_, "app", kClickpipesUser);
  }

  [[nodiscard]] Login login() const {
    return Login{*server_, std::string(kClickpipesUser), std::string(kRolePassword), "app"};
  }

  std::unique_ptr<PgServer> server_;
};

// ClickPipes needs a slot of its own: with max_replication_slots = 2 and both
// taken there is none (fail); with one free there is no room for a resync or a
// second pipe (warn). The slots are inactive, so slots.inactive warns too.
TEST_F(ServerSetups, FullSlotTableFailsReplicationCapacityAndOneFreeSlotWarns) {
  PgServerOptions options = ready_aurora();
  options.conf_lines.emplace_back("max_replication_slots = 2");
  start(options);
  (void)server_->sql(
      "SELECT pg_create_physical_replication_slot('standby_a');\n"
      "SELECT pg_create_physical_replication_slot('standby_b');");

  const ToolReport full = check_as(login());
  EXPECT_EQ(full.run.exit_code, 1) << describe_result(full.run);
  EXPECT_EQ(statuses(full.report),
            all_pass_except(full.report, {{"settings.replication_capacity", "fail"},
                                          {"slots.inactive", "warn"}}));
  const nlohmann::json& capacity = check(full.report, "settings.replication_capacity");
  EXPECT_NE(capacity.value("summary", "").find("no room for ClickPipes: 0 free replication slots"),
            std::string::npos)
      << capacity.dump(2);
  EXPECT_EQ(field(capacity, "/details/0"), "replication slots: 2 of 2 in use");
  const std::string text = check_text(capacity);
  EXPECT_NE(text.find("max_replication_slots"), std::string::npos) << text;
  EXPECT_TRUE(contains_ignoring_case(text, "parameter group")) << text;
  EXPECT_NE(text.find("slots.inactive"), std::string::npos) << text;
  EXPECT_EQ(remediation_sql(capacity), "") << "a static parameter is no SQL";

  (void)server_->sql("SELECT pg_drop_replication_slot('standby_a');");
  const ToolReport one_free = check_as(login());
  EXPECT_EQ(one_free.run.exit_code, 0) << describe_result(one_free.run);
  EXPECT_EQ(statuses(one_free.report),
            all_pass_except(one_free.report, {{"settings.replication_capacity", "warn"},
                                              {"slots.inactive", "warn"}}));
  const std::string summary =
      check(one_free.report, "settings.replication_capacity").value("summary", "");
  EXPECT_NE(summary.find("only one free replication slot"), std::string::npos) << summary;

  (void)server_->sql("SELECT pg_drop_replication_slot('standby_b');");
  const ToolReport free = check_as(login());
  EXPECT_EQ(free.run.exit_code, 0) << describe_result(free.run);
  EXPECT_EQ(statuses(free.report), all_pass_except(free.report, {}));
}

// PeerDB refuses a source with max_wal_senders below 2: with 1, the one WAL
// sender is all there is (the tool's own replication connection takes it for
// a moment and still answers), and settings.replication_capacity fails saying
// so; the parameter's fix follows the platform.
TEST_F(ServerSetups, OneWalSenderFailsReplicationCapacityAsClickPipesRefusesIt) {
  PgServerOptions options = ready_aurora();
  options.conf_lines.emplace_back("max_wal_senders = 1");
  start(options);
  const ToolReport result = check_as(login());
  EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run);
  EXPECT_EQ(statuses(result.report),
            all_pass_except(result.report, {{"settings.replication_capacity", "fail"}}));
  const nlohmann::json& capacity = check(result.report, "settings.replication_capacity");
  EXPECT_NE(capacity.value("summary", "").find("max_wal_senders is 1: ClickPipes needs at least 2"),
            std::string::npos)
      << capacity.dump(2);
  EXPECT_NE(check_text(capacity).find("ParameterName=max_wal_senders"), std::string::npos)
      << capacity.dump(2);
}

// pg_hba.conf without any `replication` line: the keyword `replication` matches
// physical replication connections only; a logical one (replication=database,
// what ClickPipes and replication.connect open) is matched like any connection
// to its database, here by `host all all`. So it opens, and replication.connect
// passes: nothing is missing from pg_hba.conf for ClickPipes.
TEST_F(ServerSetups, PgHbaWithoutReplicationLinesStillLetsLogicalReplicationConnect) {
  start(ready_aurora());
  server_->set_hba(
      "local all postgres              trust\n"
      "host  all all      127.0.0.1/32 scram-sha-256\n"
      "host  all all      ::1/128      scram-sha-256\n");
  server_->reload();
  // Physical replication, which needs the keyword, is refused indeed.
  ProcessOptions with_password;
  with_password.inherit_pg_env = InheritPgEnv::no;
  with_password.env["PGPASSWORD"] = std::string(kRolePassword);
  const ProcessResult physical = run_process(
      {"psql", "--no-psqlrc", "--host=localhost", "--port=" + std::to_string(server_->port()),
       "--username=" + std::string(kClickpipesUser), "--dbname=replication=true",
       "--command=IDENTIFY_SYSTEM"},
      with_password);
  EXPECT_NE(physical.exit_code, 0) << describe_result(physical);
  EXPECT_NE(physical.err.find("no pg_hba.conf entry for replication connection"), std::string::npos)
      << physical.err;

  const ToolReport result = check_as(login());
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {}));

  // And a database line that leaves out ClickPipes' database refuses both the
  // queries and the replication connection alike: the tool cannot connect at all.
  server_->set_hba(
      "local all      postgres              trust\n"
      "host  postgres all      127.0.0.1/32 scram-sha-256\n"
      "host  postgres all      ::1/128      scram-sha-256\n");
  server_->reload();
  const ToolReport refused = check_as(login());
  EXPECT_EQ(refused.run.exit_code, 3) << describe_result(refused.run);
  const nlohmann::json& connection = check(refused.report, "connection");
  EXPECT_EQ(field(connection, "/details/0"), "cause: authentication") << connection.dump(2);
  EXPECT_NE(check_text(connection).find("pg_hba.conf"), std::string::npos) << connection.dump(2);
}

// A server without TLS: libpq's default sslmode=prefer silently falls back to
// an unencrypted connection. connection.tls warns (the cluster is still ready),
// and --strict turns that into a failure.
TEST_F(ServerSetups, ServerWithoutTlsWarnsThatTheConnectionIsUnencrypted) {
  PgServerOptions options = ready_aurora();
  options.tls = false;
  start(options);
  ASSERT_EQ(server_->ca_file(), "");

  const ToolReport result = check_as(login());
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(field(result.report, "/summary/ready"), true);
  EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {{"connection.tls", "warn"}}));
  const nlohmann::json& tls = check(result.report, "connection.tls");
  EXPECT_EQ(tls.value("summary", ""), "the connection is not encrypted (sslmode=prefer)")
      << tls.dump(2);
  EXPECT_NE(check_text(tls).find("ssl = on"), std::string::npos) << tls.dump(2);
  EXPECT_NE(check_text(tls).find("sslmode=verify-full"), std::string::npos) << tls.dump(2);
  EXPECT_EQ(field(check(result.report, "connection"), "/details/0"), "not encrypted");

  const ToolReport strict = check_as(login(), {"--strict"});
  EXPECT_EQ(strict.run.exit_code, 1) << describe_result(strict.run);
  EXPECT_EQ(field(strict.report, "/summary/ready"), false);
}

}  // namespace
}  // namespace cdcpreflight::integration
