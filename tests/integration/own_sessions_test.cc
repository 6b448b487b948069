// The tool does not count itself: its own replication connection is no WAL
// sender in use, and runs at the same time (a CI matrix, a fleet of checks)
// do not make each other "not ready". A WAL sender pool found busy is a
// question of capacity (settings.replication_capacity), not of setup.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "ready_suite.h"
#include "scenario.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

class OwnSessions : public ReadyAuroraSuite {
 protected:
  // A ready cluster with the smallest pool ClickPipes accepts: two WAL senders.
  static void SetUpTestSuite() {
    PgServerOptions options = ready_aurora();
    options.conf_lines.emplace_back("max_wal_senders = 2");
    start_ready_cluster(options, AppDatabase::yes);
  }
};

TEST_F(OwnSessions, AnIdleServerWithTwoWalSendersHasTwoFreeWithTheToolsOwnConnectionOpen) {
  const ToolReport result = check_as(app_login(), {"--strict"});
  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(status_of(result.report, "replication.connect"), "pass")
      << check(result.report, "replication.connect").dump(2);
  const nlohmann::json& capacity = check(result.report, "settings.replication_capacity");
  EXPECT_EQ(capacity.value("status", ""), "pass") << capacity.dump(2);
  EXPECT_NE(check_text(capacity).find("WAL senders: 0 of 2 running"), std::string::npos)
      << capacity.dump(2);
}

// Thirty runs against two WAL senders: most find the pool busy with the others'
// replication connections, and none is "not ready" for it.
TEST_F(OwnSessions, ThirtyConcurrentRunsAreAllReady) {
  constexpr int kRuns = 30;
  std::vector<ToolReport> results(kRuns);
  std::vector<std::thread> runs;
  runs.reserve(kRuns);
  for (int i = 0; i < kRuns; ++i) {
    runs.emplace_back(
        [&results, i] { results[static_cast<std::size_t>(i)] = check_as(app_login()); });
  }
  for (std::thread& run : runs) run.join();
  int proven = 0;
  for (const ToolReport& result : results) {
    EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
    EXPECT_EQ(status_of(result.report, "settings.replication_capacity"), "pass")
        << check(result.report, "settings.replication_capacity").dump(2);
    const std::string connect = status_of(result.report, "replication.connect");
    EXPECT_TRUE(connect == "pass" || connect == "skip")
        << check(result.report, "replication.connect").dump(2);
    if (connect == "skip") {
      EXPECT_NE(check_text(check(result.report, "replication.connect"))
                    .find("settings.replication_capacity"),
                std::string::npos);
    }
    proven += connect == "pass" ? 1 : 0;
  }
  EXPECT_GE(proven, 1) << "no run got a WAL sender at all";
}

}  // namespace
}  // namespace cdcpreflight::integration
