// A libpq connection of the test's own, held open while the tool runs: another
// client of the server, e.g. one that keeps a transaction open.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "pg_server.h"

namespace cdcpreflight::integration {

class Session {
 public:
  // As the admin over the server's unix socket, in dbname. Throws
  // std::runtime_error when it cannot connect.
  explicit Session(const PgServer& server, std::string_view dbname = "postgres");
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;

  // Runs SQL (one or more statements); returns the first column of the last
  // result's first row, or "" when it has none. Throws std::runtime_error on an
  // error.
  std::string exec(std::string_view sql);

  // Runs one query; returns the name the server gave its first column
  // (PQfname). Throws std::runtime_error on an error.
  std::string column_name(std::string_view sql);

  // The server process serving this session (pg_backend_pid()).
  [[nodiscard]] int backend_pid() const;

 private:
  PGconn* conn_ = nullptr;
};

// A session that opened a transaction, took a transaction id (what makes
// logical slot creation wait for it) and holds it until destroyed.
class HeldTransaction {
 public:
  explicit HeldTransaction(const PgServer& server, std::string_view dbname = "postgres");
  [[nodiscard]] int pid() const { return session_.backend_pid(); }

 private:
  Session session_;
};

}  // namespace cdcpreflight::integration
