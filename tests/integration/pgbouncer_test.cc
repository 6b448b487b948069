// Through a real PgBouncer (session pooling) in front of a ready cluster: every
// query-based check works through it, and replication.connect proves what
// queries cannot, that the pooler does not carry replication connections
// (PgBouncer before 1.23, as Debian 12 and Ubuntu 24.04 ship it, refuses the
// `replication` startup parameter).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "pgbouncer.h"
#include "ready_suite.h"
#include "scenario.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

class Pooler : public ReadyAuroraSuite {
 protected:
  static void SetUpTestSuite() { start_ready_cluster(ready_aurora(), AppDatabase::yes); }

  void SetUp() override {
    ServerSuite::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (const std::string reason = PgBouncer::unavailable_reason(); !reason.empty()) {
      GTEST_SKIP() << reason;
    }
    bouncer_ = std::make_unique<PgBouncer>(
        server(),
        std::vector<PgBouncer::User>{{std::string(kClickpipesUser), std::string(kRolePassword)}});
  }
  void TearDown() override { bouncer_.reset(); }

  // The tool as clickpipes_user through the pooler (login_env: its TLS too).
  [[nodiscard]] ToolReport check_through_bouncer(const std::vector<std::string>& extra = {}) const {
    const Login login{server(), std::string(kClickpipesUser), std::string(kRolePassword), "app"};
    std::vector<std::string> args = {
        "--host",     "localhost", "--port",   std::to_string(bouncer_->port()),
        "--username", login.user,  "--dbname", login.dbname,
        "--format",   "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    ToolReport result{run_tool(args, login_env(login)), nullptr};
    result.report = parse_report(result.run);
    return result;
  }

  std::unique_ptr<PgBouncer> bouncer_;
};

TEST_F(Pooler, QueriesWorkThroughItAndReplicationConnectFailsAsAPooler) {
  const ToolReport result = check_through_bouncer();
  EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run) << "\n--- pgbouncer log ---\n"
                                     << bouncer_->log();
  EXPECT_EQ(field(result.report, "/target/port"), bouncer_->port());
  EXPECT_EQ(statuses(result.report),
            all_pass_except(result.report, {{"replication.connect", "fail"}}))
      << PgBouncer::version();
  const std::string connected = check(result.report, "connection").value("summary", "");
  EXPECT_NE(connected.find(":" + std::to_string(bouncer_->port()) + "/app"), std::string::npos)
      << connected;
  EXPECT_NE(check(result.report, "connection.tls").value("summary", "").find("sslmode=verify-full"),
            std::string::npos)
      << "TLS to the pooler, verified";

  const nlohmann::json& connect = check(result.report, "replication.connect");
  const std::string summary = connect.value("summary", "");
  EXPECT_NE(summary.find("PgBouncer"), std::string::npos) << connect.dump(2);
  EXPECT_TRUE(contains_ignoring_case(summary, "pooler")) << connect.dump(2);
  EXPECT_TRUE(contains_ignoring_case(check_text(connect), "not at a connection pooler"))
      << connect.dump(2);
  EXPECT_EQ(remediation_sql(connect), "") << "no SQL moves ClickPipes off a pooler";
}

}  // namespace
}  // namespace cdcpreflight::integration
