// --deep: replication.slot_probe creates a temporary pgoutput slot, peeks
// through the publication and drops it. It passes on a quiet ready cluster, is
// blocked by a running transaction (and says which, at --statement-timeout),
// stops at once on SIGINT, and never leaves a slot behind.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <string>
#include <thread>

#include "ready_suite.h"
#include "scenario.h"
#include "session.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kProbeSlots =
    "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'cdc\\_preflight\\_probe\\_%';";

class DeepProbe : public ReadyAuroraSuite {
 protected:
  // No replication slot at all, right now.
  void expect_no_slot_left() const {
    EXPECT_EQ(server().sql("SELECT count(*) FROM pg_replication_slots;"), "0\n")
        << server().sql("SELECT slot_name, temporary, active_pid FROM pg_replication_slots;");
  }
};

TEST_F(DeepProbe, QuietReadyClusterPassesTheProbeAndLeavesNoSlot) {
  const Login login = ready_login();
  const ToolReport result = check_as(login, {"--deep"});

  EXPECT_EQ(result.run.exit_code, 0) << describe_result(result.run);
  EXPECT_EQ(statuses(result.report),
            all_pass_except(result.report, {{"replication.slot_probe", "pass"}}));
  const std::string summary = check(result.report, "replication.slot_probe").value("summary", "");
  EXPECT_NE(summary.find("a temporary pgoutput slot was created"), std::string::npos) << summary;
  EXPECT_NE(summary.find("peeked through clickpipes_publication, and dropped"), std::string::npos)
      << summary;
  expect_no_slot_left();
}

// Creating a logical slot waits for every transaction with an id to end. One
// held open by another session keeps it waiting until --statement-timeout (3 s):
// the probe fails within seconds naming that session's pid, and leaves nothing.
TEST_F(DeepProbe, OpenTransactionBlocksTheProbeWhichFailsNamingItsPid) {
  const Login login = ready_login();
  const HeldTransaction held(server(), login.dbname);
  const std::string pid = std::to_string(held.pid());

  const ToolReport result = check_as(login, {"--deep", "--statement-timeout", "3"});
  EXPECT_EQ(result.run.exit_code, 1) << describe_result(result.run);
  EXPECT_GE(result.run.elapsed, milliseconds(2500)) << describe_result(result.run);
  EXPECT_LT(result.run.elapsed, seconds(8)) << describe_result(result.run);
  // The transaction is young: activity.long_transactions (5 minutes) passes.
  EXPECT_EQ(statuses(result.report),
            all_pass_except(result.report, {{"replication.slot_probe", "fail"}}));
  const nlohmann::json& probe = check(result.report, "replication.slot_probe");
  EXPECT_EQ(probe.value("summary", ""), "creating the slot was blocked by transaction pid " + pid +
                                            " until the statement timeout")
      << probe.dump(2);
  const std::string text = check_text(probe);
  EXPECT_NE(text.find("pid " + pid + " (client backend, user postgres, idle in transaction)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("SELECT pg_terminate_backend(" + pid + ");"), std::string::npos) << text;
  expect_no_slot_left();
}

// SIGINT while the slot creation is blocked: the tool stops at once with 130,
// writes no report, and the slot it was creating is gone when it has exited.
TEST_F(DeepProbe, SigintDuringABlockedSlotCreationExits130AndLeavesNoSlot) {
  const Login login = ready_login();
  const HeldTransaction held(server(), login.dbname);
  std::vector<std::string> args = connection_args(login);
  args.insert(args.end(), {"--format", "json", "--deep", "--statement-timeout", "30"});

  // Watches for the probe's slot while the tool runs: the signal must find the
  // creation under way, not before or after it.
  std::atomic<bool> tool_done{false};
  std::future<bool> probe_seen = std::async(std::launch::async, [&] {
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (!tool_done && std::chrono::steady_clock::now() < deadline) {
      if (server().sql(kProbeSlots) == "1\n") return true;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  });
  const ProcessResult run = [&] {
    // The watcher stops with the tool, however run_tool_interrupted returns.
    struct Done {
      std::atomic<bool>& flag;
      ~Done() { flag = true; }
    } done{tool_done};
    return run_tool_interrupted(args, login_env(login), SIGINT, milliseconds(2000));
  }();

  EXPECT_EQ(run.exit_code, 130) << describe_result(run);
  EXPECT_LT(run.elapsed, seconds(5)) << describe_result(run);
  const nlohmann::json report = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_FALSE(report.is_object() && report.contains("summary"))
      << "an interrupted run wrote a report:\n"
      << run.out;
  expect_no_slot_left();
  EXPECT_TRUE(probe_seen.get()) << "the slot creation was not under way when SIGINT came";
}

}  // namespace
}  // namespace cdcpreflight::integration
