// rds.logical_replication is static: changing the parameter group does nothing
// until the writer reboots. The tool must tell "changed, reboot pending" from
// "not changed", and pass once the reboot happened.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "pg_server.h"
#include "scenario.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

// Each test changes and restarts its own server.
class RebootPending : public ::testing::Test {
 protected:
  void SetUp() override {
    PgServerOptions options;
    options.emulation = Emulation::aurora;  // rds.logical_replication = off, wal_level replica
    options.conf_lines = {"wal_sender_timeout = 0"};
    if (const std::string reason = PgServer::unavailable_reason(options.bin_dir); !reason.empty()) {
      GTEST_SKIP() << reason;
    }
    server_ = std::make_unique<PgServer>(options);
    create_login_role(*server_, "clickpipes_user", ReplicationGrant::granted);
    create_ready_database(*server_, "app", "clickpipes_user");
  }

  [[nodiscard]] Login login() const {
    return Login{*server_, "clickpipes_user", std::string(kRolePassword), "app"};
  }

  // settings.logical_replication alone fails; returns its summary.
  std::string expect_only_logical_replication_failing() const {
    const ToolReport result = check_as(login());
    EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run);
    EXPECT_EQ(statuses(result.report),
              all_pass_except(result.report, {{"settings.logical_replication", "fail"}}));
    return check(result.report, "settings.logical_replication").value("summary", "");
  }

  std::unique_ptr<PgServer> server_;
};

TEST_F(RebootPending, ChangedAndReloadedIsRebootPendingUntilRestarted) {
  const std::string unchanged = expect_only_logical_replication_failing();
  EXPECT_FALSE(contains_ignoring_case(unchanged, "reboot pending")) << unchanged;

  server_->set_conf("rds.logical_replication", "on");
  server_->set_conf("wal_level", "logical");
  server_->reload();
  ASSERT_EQ(server_->sql("SELECT pending_restart FROM pg_settings WHERE name = 'wal_level';"),
            "t\n");
  const std::string pending = expect_only_logical_replication_failing();
  EXPECT_TRUE(contains_ignoring_case(pending, "reboot pending")) << pending;

  server_->restart();
  const ToolReport rebooted = check_as(login());
  EXPECT_EQ(rebooted.run.exit_code, 0) << describe_result(rebooted.run);
  EXPECT_EQ(statuses(rebooted.report), all_pass_except(rebooted.report, {}));
}

TEST_F(RebootPending, ParameterOnWhileWalLevelIsNotLogicalIsRebootPending) {
  // As after modify-db-cluster-parameter-group without the reboot: the
  // parameter reads on, wal_level has not followed.
  server_->set_conf("rds.logical_replication", "on");
  server_->reload();
  ASSERT_EQ(server_->sql("SHOW rds.logical_replication;"), "on\n");
  const std::string pending = expect_only_logical_replication_failing();
  EXPECT_TRUE(contains_ignoring_case(pending, "reboot pending")) << pending;
}

}  // namespace
}  // namespace cdcpreflight::integration
