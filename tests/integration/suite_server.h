// One PostgreSQL server per test suite: ctest runs each suite in its own
// process (see CMakeLists.txt), started once before its first test, stopped after
// its last. Each test then works in its own database (and role, when it changes
// role memberships, which are cluster-wide).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "pg_server.h"

namespace cdcpreflight::integration {

class ServerSuite : public ::testing::Test {
 protected:
  // From SetUpTestSuite(): starts the server, then runs prepare on it (roles
  // shared by the suite's tests). Failures are reported by every test's SetUp.
  static void start_server(const PgServerOptions& options,
                           const std::function<void(PgServer&)>& prepare = {}) {
    error_.clear();
    skip_reason_ = PgServer::unavailable_reason(options.bin_dir);
    if (!skip_reason_.empty()) return;
    try {
      server_ = std::make_unique<PgServer>(options);
      if (prepare) prepare(*server_);
    } catch (const std::exception& failure) {
      error_ = failure.what();
      server_.reset();
    }
  }

  // start_server(), for a suite about servers older than `major`: from a bin dir
  // of a newer major, every test skips, saying so, and no server is started.
  static void start_server_older_than(int major, const PgServerOptions& options,
                                      const std::function<void(PgServer&)>& prepare = {}) {
    if (PgServer::unavailable_reason(options.bin_dir).empty()) {
      int found = 0;
      try {
        found = PgServer::major_version_of(options.bin_dir);
      } catch (const std::exception& failure) {
        error_ = failure.what();
        skip_reason_.clear();
        return;
      }
      if (found >= major) {
        error_.clear();
        skip_reason_ = "the server is PostgreSQL " + std::to_string(found) +
                       "; this suite is about servers older than " + std::to_string(major) +
                       " (set CDCP_PG_BINDIR to the bin dir of one, as the matrix entry "
                       "integration.pg11.* does)";
        return;
      }
    }
    start_server(options, prepare);
  }

  // From TearDownTestSuite().
  static void stop_server() { server_.reset(); }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(error_.empty()) << "the suite's server did not start:\n" << error_;
    ASSERT_NE(server_, nullptr);
  }

  [[nodiscard]] static PgServer& server() { return *server_; }

  // Aurora with logical replication in effect and wal_sender_timeout = 0, as the
  // ClickPipes Aurora guide leaves it.
  [[nodiscard]] static PgServerOptions ready_aurora() {
    PgServerOptions options;
    options.emulation = Emulation::aurora;
    options.conf_lines = {"rds.logical_replication = on", "wal_level = logical",
                          "wal_sender_timeout = 0"};
    return options;
  }

  // A freshly created Aurora cluster: default cluster parameter group.
  [[nodiscard]] static PgServerOptions fresh_aurora() {
    PgServerOptions options;
    options.emulation = Emulation::aurora;
    return options;
  }

 private:
  static inline std::unique_ptr<PgServer> server_;
  static inline std::string error_;
  static inline std::string skip_reason_;
};

}  // namespace cdcpreflight::integration
