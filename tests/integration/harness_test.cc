// The harness itself: if these fail, no other integration test can be trusted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "pg_server.h"
#include "process.h"

namespace cdcpreflight::integration {
namespace {

TEST(Harness, RunProcessPassesArgumentsUntouchedAndCapturesBothStreams) {
  const ProcessResult result = run_process(
      {"sh", "-c", "printf '%s|' \"$1\"; printf 'oops' >&2; exit 7", "sh", "a;b \"c\" $HOME"});
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_EQ(result.out, "a;b \"c\" $HOME|");
  EXPECT_EQ(result.err, "oops");
  EXPECT_FALSE(result.timed_out);
}

TEST(Harness, RunProcessKillsAtTheTimeout) {
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(300);
  const ProcessResult result = run_process({"sleep", "30"}, options);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, 128 + 9);
  EXPECT_LT(result.elapsed, std::chrono::seconds(5));
}

TEST(Harness, RunProcessSetsAndRemovesEnvironmentVariables) {
  ProcessOptions options;
  options.env = {{"CDCP_IT_SET", "yes"}, {"HOME", std::nullopt}};
  options.env["PGHOST"] = std::nullopt;
  const ProcessResult result =
      run_process({"sh", "-c", "echo \"${CDCP_IT_SET}-${HOME-unset}\""}, options);
  EXPECT_EQ(result.out, "yes-unset\n");
}

TEST(Harness, CleanupGuardRunsItsCommandOnceReleased) {
  const std::filesystem::path marker =
      std::filesystem::temp_directory_path() / ("cdcp-it-guard-" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  {
    const CleanupGuard guard({"touch", marker.string()});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(std::filesystem::exists(marker)) << "ran before it was released";
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!std::filesystem::exists(marker) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(std::filesystem::exists(marker));
  std::filesystem::remove(marker);
}

TEST(Harness, ServerStartsRunsSqlReloadsRestartsAndLeavesNothingBehind) {
  const std::string bin_dir = PgServerOptions::default_pg_bin_dir();
  if (const std::string reason = PgServer::unavailable_reason(bin_dir); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  std::string data_dir;
  {
    PgServerOptions options;
    options.emulation = Emulation::aurora;
    options.conf_lines = {"wal_sender_timeout = 0"};
    PgServer server(options);
    data_dir = server.data_dir();
    EXPECT_EQ(server.sql("SHOW wal_sender_timeout;"), "0\n");
    EXPECT_EQ(server.sql("SHOW rds.logical_replication;"), "off\n");
    EXPECT_EQ(server.sql("SELECT pg_is_in_recovery();"), "f\n");
    EXPECT_EQ(server.sql("SELECT count(*) FROM pg_roles WHERE rolname IN "
                         "('rds_replication', 'rds_superuser');"),
              "2\n");
    EXPECT_TRUE(server.sql("SELECT pg_catalog.aurora_version();").ends_with(".1\n"));

    const ProcessResult failing = server.try_sql("SELECT 1/0;");
    EXPECT_NE(failing.exit_code, 0);
    EXPECT_NE(failing.err.find("division by zero"), std::string::npos) << failing.err;

    server.set_conf("wal_level", "logical");
    server.set_conf("rds.logical_replication", "on");
    server.reload();
    EXPECT_EQ(server.sql("SHOW rds.logical_replication;"), "on\n");
    EXPECT_EQ(server.sql("SELECT setting, pending_restart FROM pg_settings "
                         "WHERE name = 'wal_level';"),
              "replica|t\n");
    server.restart();
    EXPECT_EQ(server.sql("SHOW wal_level;"), "logical\n");
  }
  EXPECT_FALSE(std::filesystem::exists(data_dir)) << "the destructor leaves " << data_dir;
}

TEST(Harness, StandbyIsAHotStandbyInRecoveryOnItsOwnPort) {
  const std::string bin_dir = PgServerOptions::default_pg_bin_dir();
  if (const std::string reason = PgServer::unavailable_reason(bin_dir); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  PgServerOptions options;
  options.emulation = Emulation::aurora;
  const PgServer server(options);
  if (const std::string reason = server.standby_unavailable_reason(); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  (void)server.sql(
      "CREATE TABLE replicated (id int PRIMARY KEY); INSERT INTO replicated VALUES (42);");
  const std::unique_ptr<PgServer> standby = server.make_standby();
  EXPECT_NE(standby->port(), server.port());
  EXPECT_EQ(standby->sql("SELECT pg_is_in_recovery();"), "t\n");
  EXPECT_EQ(standby->sql("SELECT id FROM replicated;"), "42\n");
  EXPECT_TRUE(standby->sql("SELECT pg_catalog.aurora_version();").ends_with(".1\n"));
}

TEST(Harness, TcpNeedsThePasswordAndRdsEmulationHasNoAuroraVersion) {
  const std::string bin_dir = PgServerOptions::default_pg_bin_dir();
  if (const std::string reason = PgServer::unavailable_reason(bin_dir); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  PgServerOptions options;
  options.emulation = Emulation::rds;
  PgServer server(options);
  EXPECT_EQ(server.sql("SELECT current_setting('rds.extensions', true) IS NOT NULL, "
                       "to_regproc('pg_catalog.aurora_version') IS NULL;"),
            "t|t\n");
  // psql from PATH: a server-only bin dir may have none.
  const std::vector<std::string> tcp = {"psql",
                                        "--no-password",
                                        "--no-psqlrc",
                                        "--tuples-only",
                                        "--no-align",
                                        "--host=localhost",
                                        "--port=" + std::to_string(server.port()),
                                        "--username=postgres",
                                        "--dbname=postgres",
                                        "--command=SELECT 'over tcp';"};
  ProcessOptions with_password;
  with_password.inherit_pg_env = InheritPgEnv::no;
  with_password.env["PGPASSWORD"] = std::string(PgServer::kAdminPassword);
  const ProcessResult good = run_process(tcp, with_password);
  EXPECT_EQ(good.exit_code, 0) << describe_result(good);
  EXPECT_EQ(good.out, "over tcp\n");

  ProcessOptions wrong_password = with_password;
  wrong_password.env["PGPASSWORD"] = "wrong";
  const ProcessResult bad = run_process(tcp, wrong_password);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("password authentication failed"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace cdcpreflight::integration
