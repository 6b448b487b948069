// The -o file is touched only once the run is under way: a usage error leaves
// an earlier report there whole (and creates no new file), the snapshot being
// read cannot be the file written, and a finished run replaces the whole file.
// (An interrupted run still leaves it empty: Faults.SigintMidRunLeavesNoReport….)
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ready_suite.h"
#include "scenario.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), {}};
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
}

class OutputFile : public ReadyAuroraSuite {
 protected:
  static void SetUpTestSuite() { start_ready_cluster(ready_aurora(), AppDatabase::yes); }

  void SetUp() override {
    ReadyAuroraSuite::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    dir_ = std::filesystem::temp_directory_path() /
           ("cdcp-output-" + std::to_string(::getpid()) + "-" + test_slug());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // A snapshot of the ready database "app", written by collect.
  [[nodiscard]] std::filesystem::path snapshot() const {
    const Login login = app_login();
    std::vector<std::string> args = connection_args(login);
    args.insert(args.begin(), "collect");
    const std::filesystem::path path = dir_ / "snapshot.json";
    args.insert(args.end(), {"-o", path.string()});
    const ProcessResult run = run_tool(args, login_env(login));
    EXPECT_EQ(run.exit_code, 0) << describe_result(run);
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(OutputFile, TheSnapshotBeingReadIsNeverTheReportWritten) {
  const std::filesystem::path path = snapshot();
  const std::string before = read_file(path);
  ASSERT_FALSE(before.empty());
  for (const std::string& output : {path.string(), (dir_ / "." / "snapshot.json").string()}) {
    const ProcessResult run = run_tool({"check", "--from", path.string(), "-o", output});
    EXPECT_EQ(run.exit_code, 2) << describe_result(run);
    EXPECT_NE(run.err.find("is the snapshot being read"), std::string::npos) << run.err;
    EXPECT_EQ(read_file(path), before) << "the snapshot was changed";
  }
}

// Every usage error, whenever it is found (the command line, the snapshot, a
// conninfo string libpq cannot parse, an option value libpq refuses when it
// starts connecting), leaves an earlier report whole and creates no file.
TEST_F(OutputFile, UsageErrorsLeaveAnEarlierReportWholeAndCreateNoFile) {
  const Login login = app_login();
  const std::string port = std::to_string(login.server.port());
  const std::vector<std::vector<std::string>> usage_errors = {
      {"check", "--bogus-flag"},
      {"check", "--from", (dir_ / "missing.json").string()},
      {"check", "--from", ""},
      {"check", "--host", "localhost", "--port", port, "--dbname", "host=localhost port"},
      {"check", "--host", "localhost", "--port", port, "--dbname", "dbname=app sslmode=bogus"},
      {"collect", "--host", "localhost", "--port", port, "--dbname", "dbname=app port=x"},
  };
  const std::filesystem::path earlier = dir_ / "earlier.json";
  const std::filesystem::path fresh = dir_ / "fresh.json";
  for (const std::vector<std::string>& args : usage_errors) {
    write_file(earlier, "an earlier, whole report\n");
    for (const std::filesystem::path& output : {earlier, fresh}) {
      std::vector<std::string> with_output = args;
      with_output.insert(with_output.end(), {"-o", output.string()});
      const ProcessResult run = run_tool(with_output, login_env(login));
      EXPECT_EQ(run.exit_code, 2) << describe_result(run);
    }
    EXPECT_EQ(read_file(earlier), "an earlier, whole report\n") << describe_command(args);
    EXPECT_FALSE(std::filesystem::exists(fresh)) << describe_command(args);
  }
}

// A finished run replaces the earlier report whole: nothing of a longer one is
// left after the new one.
TEST_F(OutputFile, AFinishedRunReplacesTheWholeFile) {
  const std::filesystem::path path = dir_ / "report.json";
  write_file(path, std::string(1 << 20, 'x'));
  const Login login = app_login();
  std::vector<std::string> args = connection_args(login);
  args.insert(args.end(), {"--format", "json", "-o", path.string()});
  const ProcessResult run = run_tool(args, login_env(login));
  EXPECT_EQ(run.exit_code, 0) << describe_result(run);
  EXPECT_EQ(run.out, "");
  const nlohmann::json report = nlohmann::json::parse(read_file(path), nullptr, false);
  EXPECT_TRUE(report.is_object() && report.contains("summary")) << read_file(path).substr(0, 200);
}

}  // namespace
}  // namespace cdcpreflight::integration
