// Gathering: the only code that talks to a server. Connects with libpq and
// fills Facts in a fixed number of round trips, inside a read-only transaction.
#pragma once

#include <string>

#include "cdcpreflight/facts.h"

namespace cdcpreflight {

struct ConnectOptions {
  // psql-style: each empty value leaves libpq to its PG* variables and defaults.
  std::string host;
  std::string port;
  std::string username;
  std::string dbname;    // a database name, a conninfo string or a postgres:// URI
  std::string password;  // from -W; never from a flag value
  int connect_timeout_seconds = 10;
};

struct GatherOptions {
  std::string user;         // the role to evaluate; empty: the login role
  std::string publication;  // the publication to look up
  int statement_timeout_seconds = 30;
  bool deep = false;  // also create and drop a temporary slot (replication.slot_probe)
};

// Never throws for server-side conditions: a failed connection is
// facts.connection.failure, a failed query is an entry of facts.errors.
[[nodiscard]] Facts gather(const ConnectOptions& connect, const GatherOptions& options);

}  // namespace cdcpreflight
