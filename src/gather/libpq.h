// What every part of gather shares of libpq: owning handles, and libpq's own
// words made fit to show (one line, masked where a password can be) at the
// place they are read.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>

namespace cdcpreflight {

struct PgConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

[[nodiscard]] inline std::string value_or_empty(const char* value) {
  return value != nullptr ? value : "";
}

// A message of libpq's or the server's (they end with a newline and may span
// lines) as one line, its passwords masked.
[[nodiscard]] std::string libpq_message(std::string_view text);

// libpq_message of the connection's last error.
[[nodiscard]] std::string libpq_error(const PGconn* conn);

}  // namespace cdcpreflight
