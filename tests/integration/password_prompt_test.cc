// The password prompt, as psql's: without -w, when the server asks for a password
// and none was given, cdc-preflight asks on the terminal (no echo) and connects with
// the answer; with -w, or with no terminal (a pipe, a CI job), it never asks and the
// report says the password is missing rather than wrong. The program runs on a real
// pseudo-terminal against a real server that asks for a SCRAM password.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "pty.h"
#include "ready_suite.h"
#include "scenario.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

class PasswordPrompt : public ReadyAuroraSuite {
 protected:
  static void SetUpTestSuite() { start_ready_cluster(ready_aurora(), AppDatabase::yes); }

  void SetUp() override {
    ReadyAuroraSuite::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    report_path_ = std::filesystem::temp_directory_path() /
                   ("cdcp-prompt-" + std::to_string(::getpid()) + "-" + test_slug() + ".json");
    std::filesystem::remove(report_path_);
  }
  void TearDown() override { std::filesystem::remove(report_path_); }

  // The tool as clickpipes_user with no password anywhere (no PGPASSWORD, a
  // PGPASSFILE that does not exist), its JSON report written to a file: the
  // terminal shows only the prompt and the log.
  [[nodiscard]] TerminalRun run_typing(std::string_view answer,
                                       const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> argv = {CDCP_BINARY};
    const std::vector<std::string> connection = connection_args(app_login());
    argv.insert(argv.end(), connection.begin(), connection.end());
    argv.insert(argv.end(), {"--format", "json", "-o", report_path_.string()});
    argv.insert(argv.end(), extra.begin(), extra.end());
    EnvChanges env = login_env(app_login());
    env.erase("PGPASSWORD");
    return run_on_terminal(argv, tool_options(env), "Password", answer);
  }

  [[nodiscard]] nlohmann::json written_report() const {
    std::ifstream file(report_path_);
    const std::string text{std::istreambuf_iterator<char>(file), {}};
    const nlohmann::json report = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(report.is_discarded()) << "not JSON: " << text;
    return report;
  }

  std::filesystem::path report_path_;
};

TEST_F(PasswordPrompt, OnATerminalTheServersQuestionIsAskedAndTheAnswerConnects) {
  const TerminalRun run = run_typing(kRolePassword);
  ASSERT_FALSE(run.timed_out) << describe_terminal_run(run);
  EXPECT_TRUE(run.answered) << describe_terminal_run(run);
  EXPECT_NE(run.screen.find("Password for user clickpipes_user: "), std::string::npos)
      << describe_terminal_run(run);
  EXPECT_EQ(run.screen.find(kRolePassword), std::string::npos)
      << "the answer was echoed: " << describe_terminal_run(run);
  EXPECT_EQ(run.exit_code, 0) << describe_terminal_run(run);
  const nlohmann::json report = written_report();
  EXPECT_EQ(status_of(report, "connection"), "pass") << report.dump(2);
  EXPECT_EQ(field(report, "/summary/ready"), true) << report.dump(2);
}

TEST_F(PasswordPrompt, AWrongAnswerIsAWrongPassword) {
  const TerminalRun run = run_typing("not-the-password");
  ASSERT_FALSE(run.timed_out) << describe_terminal_run(run);
  EXPECT_TRUE(run.answered) << describe_terminal_run(run);
  EXPECT_EQ(run.exit_code, 3) << describe_terminal_run(run);
  const nlohmann::json report = written_report();
  EXPECT_EQ(field(report, "/checks/0/id"), "connection") << report.dump(2);
  EXPECT_EQ(field(check(report, "connection"), "/details/1"), "reason: password") << report.dump(2);
}

// -W asks before connecting, whatever the server would ask.
TEST_F(PasswordPrompt, MinusCapitalWAsksFirst) {
  const TerminalRun run = run_typing(kRolePassword, {"-W"});
  ASSERT_FALSE(run.timed_out) << describe_terminal_run(run);
  EXPECT_TRUE(run.answered) << describe_terminal_run(run);
  EXPECT_NE(run.screen.find("Password: "), std::string::npos) << describe_terminal_run(run);
  EXPECT_EQ(run.screen.find("Password for user"), std::string::npos)
      << "asked twice: " << describe_terminal_run(run);
  EXPECT_EQ(run.exit_code, 0) << describe_terminal_run(run);
  EXPECT_EQ(status_of(written_report(), "connection"), "pass");
}

// The report of a password that was never given: not "authentication failed".
void expect_no_password_report(const nlohmann::json& report, int port) {
  const nlohmann::json& connection = check(report, "connection");
  EXPECT_EQ(status_of(report, "connection"), "fail") << report.dump(2);
  EXPECT_EQ(field(connection, "/details/0"), "cause: authentication") << connection.dump(2);
  EXPECT_EQ(field(connection, "/details/1"), "reason: no_password") << connection.dump(2);
  EXPECT_EQ(connection.value("summary", ""),
            "clickpipes_user at localhost:" + std::to_string(port) +
                " asks for a password and none was given")
      << connection.dump(2);
  EXPECT_NE(check_text(connection).find("PGPASSWORD"), std::string::npos) << connection.dump(2);
}

TEST_F(PasswordPrompt, MinusWNeverAsks) {
  const TerminalRun run = run_typing(kRolePassword, {"-w"});
  ASSERT_FALSE(run.timed_out) << describe_terminal_run(run);
  EXPECT_FALSE(run.answered) << describe_terminal_run(run);
  EXPECT_EQ(run.exit_code, 3) << describe_terminal_run(run);
  expect_no_password_report(written_report(), server().port());
}

// A pipe for stdin (a CI job, a script): no prompt, nothing waits for an answer.
TEST_F(PasswordPrompt, WithoutATerminalNothingIsAsked) {
  EnvChanges env = login_env(app_login());
  env["PGPASSWORD"] = std::nullopt;
  std::vector<std::string> args = connection_args(app_login());
  args.insert(args.end(), {"--format", "json"});
  const ProcessResult run = run_tool(args, env);
  EXPECT_EQ(run.exit_code, 3) << describe_result(run);
  EXPECT_EQ(run.err.find("Password"), std::string::npos) << describe_result(run);
  EXPECT_EQ(run.out.find("Password"), std::string::npos) << describe_result(run);
  expect_no_password_report(parse_report(run), server().port());
}

}  // namespace
}  // namespace cdcpreflight::integration
