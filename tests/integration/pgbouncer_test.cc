// Through a real PgBouncer (session pooling) in front of a ready cluster: every
// query-based check works through it, and replication.connect proves what
// queries cannot, whether the pooler carries replication connections: PgBouncer
// before 1.23 (Debian 12 and Ubuntu 24.04 ship 1.18 and 1.22) refuses the
// `replication` startup parameter; from 1.23 (Debian 13 ships 1.24) it passes
// replication connections through in session mode, and replication.connect passes.
#include <gtest/gtest.h>

#include <cstdio>
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

// "PgBouncer 1.24.1" → true from 1.23, which passes replication connections through.
bool carries_replication(const std::string& version) {
  int major = 0;
  int minor = 0;
  if (std::sscanf(version.c_str(), "PgBouncer %d.%d", &major, &minor) != 2) {
    ADD_FAILURE() << "unexpected pgbouncer --version: " << version;
    return false;
  }
  return major > 1 || (major == 1 && minor >= 23);
}

TEST_F(Pooler, QueriesWorkThroughItAndReplicationConnectSaysWhetherItCarriesReplication) {
  const ToolReport result = check_through_bouncer();
  if (carries_replication(PgBouncer::version())) {
    // The replication connection really opened through it and answered IDENTIFY_SYSTEM.
    EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run) << "\n--- pgbouncer log ---\n"
                                       << bouncer_->log();
    EXPECT_EQ(statuses(result.report), all_pass_except(result.report, {})) << PgBouncer::version();
    EXPECT_EQ(field(result.report, "/target/port"), bouncer_->port());
    return;
  }
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
