// Wrong flags and every way connecting can fail: the documented exit code, a
// classified cause, promptly, and never the password. (The ways a login is
// refused, a wrong password among them: ConnectionCauses, reliability_test.cc.)
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scenario.h"
#include "silent_listener.h"
#include "suite_server.h"
#include "tool.h"

namespace cdcpreflight::integration {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr std::string_view kUser = "clickpipes_user";
constexpr std::string_view kSecret = "Sekr3t!xyz";

std::vector<std::string> args_for(const std::string& host, int port, const std::string& dbname) {
  return {"--host",           host,       "--port", std::to_string(port), "--username",
          std::string(kUser), "--dbname", dbname,   "--format",           "json"};
}

class BadInput : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    start_server(ready_aurora(), [](PgServer& server) {
      create_login_role(server, kUser, ReplicationGrant::granted);
      create_ready_database(server, "app", kUser);
    });
  }
  static void TearDownTestSuite() { stop_server(); }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::string current;
  for (const char c : text) {
    if (c == '\n') {
      lines.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) lines.push_back(current);
  return lines;
}

// Exit 3, a JSON report still written, `connection` failing with that cause
// and a summary that says it in words.
void expect_connection_failure(const ProcessResult& run, const std::string& cause,
                               const std::string& summary_words) {
  EXPECT_EQ(run.exit_code, 3) << describe_result(run);
  const nlohmann::json report = parse_report(run);
  EXPECT_EQ(field(report, "/summary/ready"), false);
  EXPECT_EQ(status_of(report, "connection"), "fail") << report.dump(2);
  const nlohmann::json& connection = check(report, "connection");
  EXPECT_EQ(field(connection, "/details/0"), "cause: " + cause) << connection.dump(2);
  const std::string summary = connection.value("summary", "");
  EXPECT_TRUE(contains_ignoring_case(summary, summary_words))
      << "the summary should say `" << summary_words << "`: " << summary;
}

TEST_F(BadInput, UnknownFlagIsAUsageErrorOnOneLine) {
  const ProcessResult run = run_tool({"--no-such-flag"});
  EXPECT_EQ(run.exit_code, 2) << describe_result(run);
  EXPECT_EQ(run.out, "");
  const std::vector<std::string> lines = lines_of(run.err);
  ASSERT_EQ(lines.size(), 1U) << run.err;
  EXPECT_NE(lines[0].find("--no-such-flag"), std::string::npos) << run.err;
}

// Arguments nobody expected are named in the order they were typed.
TEST_F(BadInput, UnexpectedArgumentsAreListedInTheOrderTyped) {
  const ProcessResult run = run_tool({"first", "second", "third"});
  EXPECT_EQ(run.exit_code, 2) << describe_result(run);
  EXPECT_NE(run.err.find("not expected: first second third"), std::string::npos) << run.err;
}

// An empty --from is no snapshot, not a live check against libpq's defaults.
TEST_F(BadInput, AnEmptyFromIsAUsageError) {
  const ProcessResult run = run_tool({"check", "--from", ""});
  EXPECT_EQ(run.exit_code, 2) << describe_result(run);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(lines_of(run.err).size(), 1U) << run.err;
}

TEST_F(BadInput, BadFlagValuesAreUsageErrors) {
  const std::vector<std::vector<std::string>> cases = {
      {"--format", "yaml"},
      {"--connect-timeout", "soon"},
      {"--color", "sometimes"},
      {"--port"},
  };
  for (const auto& args : cases) {
    SCOPED_TRACE(describe_command(args));
    const ProcessResult run = run_tool(args);
    EXPECT_EQ(run.exit_code, 2) << describe_result(run);
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(lines_of(run.err).size(), 1U) << run.err;
  }
}

TEST_F(BadInput, VersionNamesTheRevisionAndTheLibpqItRunsWith) {
  const ProcessResult run = run_tool({"--version"});
  EXPECT_EQ(run.exit_code, 0) << describe_result(run);
  EXPECT_TRUE(run.out.starts_with("cdc-preflight 0.1.0 (git ")) << run.out;
  EXPECT_NE(run.out.find(", libpq " + std::to_string(PQlibVersion() / 10000) + "."),
            std::string::npos)
      << run.out;
  EXPECT_EQ(lines_of(run.out).size(), 1U) << run.out;
}

// As psql's: one line per option, its value named once, nothing of the
// parser's own (no "Excludes", no validator text), the commands listed at the
// top, the environment and the exit codes at the end.
TEST_F(BadInput, HelpIsOneLinePerOption) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"check", "--help"}, {"collect", "--help"}, {"checks", "--help"}}) {
    SCOPED_TRACE(describe_command(args));
    const ProcessResult run = run_tool(args);
    EXPECT_EQ(run.exit_code, 0) << describe_result(run);
    for (const char* noise : {"Excludes", "INT:", "TEXT", ":{", "=clickpipes", "=10"}) {
      EXPECT_EQ(run.out.find(noise), std::string::npos) << noise << " in:\n" << run.out;
    }
    for (const std::string& line : lines_of(run.out)) {
      const std::size_t start = line.find_first_not_of(' ');
      if (start == std::string::npos || line[start] != '-') continue;
      // The option, then (two spaces or more on) what it does, on the same line.
      EXPECT_NE(line.find("  ", start), std::string::npos) << "an option alone: " << line;
    }
  }
  const ProcessResult check = run_tool({"check", "--help"});
  EXPECT_NE(check.out.find("--format FORMAT"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("text|json|junit|markdown|sql|github (default: text)"),
            std::string::npos);
  EXPECT_NE(check.out.find("--connect-timeout SECONDS"), std::string::npos);
  EXPECT_NE(check.out.find("(default: 10)"), std::string::npos);
  EXPECT_NE(check.out.find("Exit codes:"), std::string::npos);
  EXPECT_NE(check.out.find("PGPASSWORD"), std::string::npos);

  // One blank line between groups, as psql's.
  EXPECT_EQ(check.out.find("\n\n\n"), std::string::npos) << check.out;
  const ProcessResult collect = run_tool({"collect", "--help"});
  EXPECT_EQ(collect.exit_code, 0) << describe_result(collect);
  EXPECT_EQ(collect.out.find("\n\n\n"), std::string::npos) << collect.out;
  EXPECT_NE(collect.out.find("Exit codes: 0 the snapshot was written"), std::string::npos)
      << collect.out;
  EXPECT_EQ(collect.out.find("1 not ready"), std::string::npos)
      << "collect gives no verdict: " << collect.out;

  const ProcessResult top = run_tool({"--help"});
  EXPECT_EQ(top.exit_code, 0) << describe_result(top);
  for (const char* command : {"  check ", "  collect ", "  checks ", "--version", "Exit codes:"}) {
    EXPECT_NE(top.out.find(command), std::string::npos) << command << " in:\n" << top.out;
  }
}

TEST_F(BadInput, FromTakesNoFlagOfALiveRun) {
  for (const char* live : {"--host", "--deep", "--aws", "--aws-region"}) {
    SCOPED_TRACE(live);
    std::vector<std::string> args = {"check", "--from", "/nonexistent.json", live};
    if (std::string_view(live) == "--host" || std::string_view(live) == "--aws-region") {
      args.emplace_back("x");
    }
    const ProcessResult run = run_tool(args);
    EXPECT_EQ(run.exit_code, 2) << describe_result(run);
    EXPECT_NE(run.err.find(std::string(live) + " is for a live database"), std::string::npos)
        << run.err;
    EXPECT_EQ(lines_of(run.err).size(), 1U) << run.err;
  }
}

TEST_F(BadInput, ClosedPortIsRefusedWellWithinTheConnectTimeout) {
  const int closed = free_loopback_port();
  std::vector<std::string> args = args_for("localhost", closed, "app");
  args.insert(args.end(), {"--connect-timeout", "10"});
  const ProcessResult run = run_tool(args, {{"PGPASSWORD", std::string(kRolePassword)}});
  expect_connection_failure(run, "refused", "connection refused");
  EXPECT_LT(run.elapsed, seconds(3));
}

// libpq indents its hint with a tab on a line of its own ("\n\tIs the server running
// on that host…"): the report shows it as one space, not as an escaped \x09.
TEST_F(BadInput, LibpqsIndentedHintReadsAsOneLine) {
  const int closed = free_loopback_port();
  std::vector<std::string> args = args_for("127.0.0.1", closed, "app");
  args.back() = "text";
  const ProcessResult run = run_tool(args, {{"PGPASSWORD", std::string(kRolePassword)}});
  EXPECT_EQ(run.exit_code, 3) << describe_result(run);
  EXPECT_NE(run.out.find("Connection refused Is the server running on that host"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("\\x09"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find('\t'), std::string::npos) << run.out;
}

TEST_F(BadInput, SilentPortTimesOutAtTheConnectTimeout) {
  const SilentListener silent;
  std::vector<std::string> args = args_for("127.0.0.1", silent.port(), "app");
  args.insert(args.end(), {"--connect-timeout", "2"});
  const ProcessResult run = run_tool(args, {{"PGPASSWORD", std::string(kRolePassword)}});
  expect_connection_failure(run, "timeout", "timed out");
  EXPECT_GE(run.elapsed, std::chrono::milliseconds(1500));
  EXPECT_LT(run.elapsed, seconds(2 + 2)) << "--connect-timeout 2, and a margin";
}

TEST_F(BadInput, UnresolvableHostIsADnsFailure) {
  const ProcessResult run = run_tool(args_for("no-such-host.invalid", 5432, "app"),
                                     {{"PGPASSWORD", std::string(kRolePassword)}});
  expect_connection_failure(run, "dns", "DNS lookup failed");
  EXPECT_LT(run.elapsed, seconds(10));
}

TEST_F(BadInput, MissingDatabaseIsClassified) {
  const ProcessResult run = run_tool(args_for("localhost", server().port(), "no_such_db"),
                                     {{"PGPASSWORD", std::string(kRolePassword)}});
  expect_connection_failure(run, "database_missing", "no_such_db");
}

// A conninfo string in -d whose values libpq cannot use is bad input, found
// before any connection is tried (or after the first step, for
// connect_timeout): one line and exit 2, as for a flag.
TEST_F(BadInput, InvalidValuesInAConninfoStringAreUsageErrors) {
  const std::string port = std::to_string(server().port());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"host=localhost port=" + port + " sslmode=bogus", "sslmode"},
      {"host=localhost port=abc", "port"},
      {"host=localhost port=" + port + " connect_timeout=abc", "connect_timeout"},
      {"host='localhost port=" + port, "-d"},
  };
  for (const auto& [conninfo, word] : cases) {
    SCOPED_TRACE(conninfo);
    const ProcessResult run = run_tool({"--dbname", conninfo, "--format", "json"},
                                       {{"PGPASSWORD", std::string(kRolePassword)}});
    EXPECT_EQ(run.exit_code, 2) << describe_result(run);
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(lines_of(run.err).size(), 1U) << run.err;
    EXPECT_NE(run.err.find(word), std::string::npos) << run.err;
  }
}

TEST_F(BadInput, UnwritableOutputFileIsAnInputError) {
  std::vector<std::string> args = args_for("localhost", server().port(), "app");
  args.insert(args.end(), {"--output", "/nonexistent-dir/cdcp/report.json"});
  const ProcessResult run = run_tool(args, {{"PGPASSWORD", std::string(kRolePassword)}});
  EXPECT_EQ(run.exit_code, 2) << describe_result(run);
  EXPECT_NE(run.err.find("/nonexistent-dir/cdcp/report.json"), std::string::npos) << run.err;
}

// A snapshot is the customer's file: a table name holding a NUL, which no
// server can report, makes it invalid (exit 2, one line on stderr, no report)
// rather than reach psql through --format sql, which would end the line there.
TEST_F(BadInput, ASnapshotWithANulInATableNameIsAnInputError) {
  const fs::path dir = fs::temp_directory_path() / ("cdcp-it-" + test_slug());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string file = (dir / "snapshot.json").string();
  const ProcessResult collected =
      run_tool({"collect", "--host", "localhost", "--port", std::to_string(server().port()),
                "--username", std::string(kUser), "--dbname", "app", "-o", file},
               {{"PGPASSWORD", std::string(kRolePassword)}});
  ASSERT_EQ(collected.exit_code, 0) << describe_result(collected);

  nlohmann::json snapshot = nlohmann::json::parse(std::ifstream(file));
  ASSERT_FALSE(snapshot.at("tables").empty()) << snapshot.dump(2);
  snapshot["tables"][0]["name"] = std::string("orders\0\"; DROP TABLE users; --", 30);
  std::ofstream(file, std::ios::trunc) << snapshot.dump();

  for (const char* format : {"sql", "json", "text"}) {
    SCOPED_TRACE(format);
    const ProcessResult run = run_tool({"check", "--from", file, "--format", format});
    EXPECT_EQ(run.exit_code, 2) << describe_result(run);
    EXPECT_EQ(run.out, "");
    const std::vector<std::string> lines = lines_of(run.err);
    ASSERT_EQ(lines.size(), 1U) << run.err;
    EXPECT_NE(lines[0].find("tables[0].name"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find('\0'), std::string::npos);
  }
  fs::remove_all(dir);
}

// Interrupted while connecting to a port that never answers: stops at once with
// 128 + the signal, and writes no report that could pass for a whole one.
void expect_prompt_stop_on(int signal, int exit_code) {
  const SilentListener silent;
  std::vector<std::string> args = args_for("127.0.0.1", silent.port(), "app");
  args.insert(args.end(), {"--connect-timeout", "30"});
  const ProcessResult run = run_tool_interrupted(args, {{"PGPASSWORD", std::string(kRolePassword)}},
                                                 signal, std::chrono::milliseconds(500));
  EXPECT_EQ(run.exit_code, exit_code) << describe_result(run);
  EXPECT_LT(run.elapsed, seconds(5));
  const nlohmann::json report = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_FALSE(report.is_object() && report.contains("summary"))
      << "an interrupted run wrote a report:\n"
      << run.out;
}

TEST_F(BadInput, SigtermStopsPromptlyWith143) { expect_prompt_stop_on(SIGTERM, 143); }

TEST_F(BadInput, SigintStopsPromptlyWith130) { expect_prompt_stop_on(SIGINT, 130); }

TEST_F(BadInput, WrongPasswordIsNeverPrintedWhereverItCameFrom) {
  struct Target {
    std::vector<std::string> args;
    EnvChanges env;
  };
  const std::string port = std::to_string(server().port());
  const std::string secret(kSecret);
  const std::vector<Target> targets = {
      {{"--dbname",
        "host=localhost port=" + port + " user=clickpipes_user dbname=app password=" + secret},
       {}},
      {{"--dbname", "postgresql://clickpipes_user:" + secret + "@localhost:" + port + "/app"}, {}},
      {{"--host", "localhost", "--port", port, "--username", "clickpipes_user", "--dbname", "app"},
       {{"PGPASSWORD", secret}}},
  };
  const std::vector<std::vector<std::string>> outputs = {{"--format", "text"},
                                                         {"--format", "json"},
                                                         {"--format", "json", "--verbose"},
                                                         {"--format", "sql"}};
  for (const Target& target : targets) {
    for (const auto& output : outputs) {
      std::vector<std::string> args = target.args;
      args.insert(args.end(), output.begin(), output.end());
      SCOPED_TRACE(describe_command(args));
      const ProcessResult run = run_tool(args, target.env);
      EXPECT_EQ(run.exit_code, 3) << describe_result(run);
      EXPECT_EQ(run.out.find("Sekr3t"), std::string::npos) << run.out;
      EXPECT_EQ(run.err.find("Sekr3t"), std::string::npos) << run.err;
    }
  }
}

}  // namespace
}  // namespace cdcpreflight::integration
