// The same checks outside Aurora: RDS is told apart, and self-managed
// PostgreSQL needs the REPLICATION attribute instead of rds_replication.
#include <gtest/gtest.h>

#include <string>

#include "pg_server.h"
#include "scenario.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

// Each test starts the server of its platform.
class OtherPlatforms : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string reason =
            PgServer::unavailable_reason(PgServerOptions::default_pg_bin_dir());
        !reason.empty()) {
      GTEST_SKIP() << reason;
    }
  }
};

TEST_F(OtherPlatforms, ReadyRdsInstanceIsDetectedAsRdsAndPasses) {
  PgServerOptions options;
  options.emulation = Emulation::rds;
  options.conf_lines = {"rds.logical_replication = on", "wal_level = logical",
                        "wal_sender_timeout = 0"};
  const PgServer server(options);
  create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
  create_ready_database(server, "app", "clickpipes_user");

  const ToolReport result =
      check_as(Login{server, "clickpipes_user", std::string(kRolePassword), "app"});
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(field(result.report, "/target/platform"), "rds");
  EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {}));
}

TEST_F(OtherPlatforms, SelfManagedPostgresqlNeedsTheReplicationAttribute) {
  PgServerOptions options;
  options.conf_lines = {"wal_level = logical", "wal_sender_timeout = 0"};
  const PgServer server(options);
  create_login_role(server, "clickpipes_user", ReplicationGrant::missing);
  create_ready_database(server, "app", "clickpipes_user");
  const Login login{server, "clickpipes_user", std::string(kRolePassword), "app"};

  const ToolReport before = check_as(login);
  EXPECT_EQ(before.run.exit_code, 1) << describe_result(before.run);
  EXPECT_EQ(field(before.report, "/target/platform"), "postgresql");
  EXPECT_EQ(statuses(before.report),
            all_pass_except(before.report,
                            {{"role.replication", "fail"}, {"replication.connect", "fail"}}));
  const nlohmann::json& role = check(before.report, "role.replication");
  EXPECT_NE(remediation_sql(role).find("REPLICATION"), std::string::npos) << role.dump(2);
  EXPECT_EQ(remediation_sql(role).find("rds_replication"), std::string::npos) << role.dump(2);
  // The server itself refuses the replication connection, and the same
  // ALTER ROLE fixes it (no emulation here: this is what PostgreSQL does).
  const nlohmann::json& connect = check(before.report, "replication.connect");
  EXPECT_EQ(remediation_sql(connect), remediation_sql(role)) << connect.dump(2);

  apply_remediation(server, login.dbname, role);
  const ToolReport after = check_as(login);
  EXPECT_EQ(after.run.exit_code, 0) << describe_result(after.run);
  EXPECT_EQ(statuses(after.report), all_pass_except(after.report, {}));
}

}  // namespace
}  // namespace cdcpreflight::integration
