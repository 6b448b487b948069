// A real PgBouncer (Debian's `pgbouncer`) in front of a test server: session
// pooling on a free loopback port, scram-sha-256 for the users it is given
// (auth_file), TLS for clients with the server's own certificate. Run as the
// `postgres` account when we are root; stopped and its directory removed by the
// destructor (or by a CleanupGuard if this process dies first).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pg_server.h"
#include "process.h"

namespace cdcpreflight::integration {

class PgBouncer {
 public:
  struct User {
    std::string name;
    std::string password;
  };

  // Throws std::runtime_error when it cannot start.
  PgBouncer(const PgServer& server, const std::vector<User>& users);
  ~PgBouncer();
  PgBouncer(const PgBouncer&) = delete;
  PgBouncer& operator=(const PgBouncer&) = delete;
  PgBouncer(PgBouncer&&) = delete;
  PgBouncer& operator=(PgBouncer&&) = delete;

  // Why PgBouncer cannot be started here, or empty when it can.
  [[nodiscard]] static std::string unavailable_reason();
  // `pgbouncer --version`, first line.
  [[nodiscard]] static std::string version();

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string log() const;

 private:
  void stop() noexcept;
  [[nodiscard]] int read_pid() const;

  std::string dir_;
  std::unique_ptr<CleanupGuard> cleanup_;
  int port_ = 0;
};

}  // namespace cdcpreflight::integration
