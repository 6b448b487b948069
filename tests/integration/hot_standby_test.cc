// A reader (hot standby in recovery) cannot carry logical replication, however
// well its primary is set up.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "scenario.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

class HotStandby : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    start_server(ready_aurora(), [](PgServer& server) {
      create_login_role(server, "clickpipes_user", ReplicationGrant::granted);
      create_ready_database(server, "app", "clickpipes_user");
    });
  }
  static void TearDownTestSuite() { stop_server(); }
};

TEST_F(HotStandby, StandbyOfAReadyPrimaryFailsEndpointWriter) {
  const Login primary{server(), "clickpipes_user", std::string(kRolePassword), "app"};
  const ToolReport on_primary = check_as(primary);
  EXPECT_EQ(on_primary.run.exit_code, 0) << describe_result(on_primary.run);
  EXPECT_EQ(statuses(on_primary.report), all_pass_except(on_primary.report, {}));

  if (const std::string reason = server().standby_unavailable_reason(); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  const std::unique_ptr<PgServer> standby = server().make_standby();
  ASSERT_EQ(standby->sql("SELECT pg_is_in_recovery();"), "t\n");
  const Login reader{*standby, "clickpipes_user", std::string(kRolePassword), "app"};
  const ToolReport on_standby = check_as(reader);

  EXPECT_EQ(on_standby.run.exit_code, 1) << describe_result(on_standby.run);
  EXPECT_EQ(field(on_standby.report, "/summary/ready"), false);
  EXPECT_EQ(field(on_standby.report, "/target/port"), standby->port());
  EXPECT_EQ(statuses(on_standby.report),
            all_pass_except(on_standby.report, {{"endpoint.writer", "fail"}}));
  const std::string text = check_text(check(on_standby.report, "endpoint.writer"));
  EXPECT_TRUE(contains_ignoring_case(text, "recovery")) << text;
}

}  // namespace
}  // namespace cdcpreflight::integration
