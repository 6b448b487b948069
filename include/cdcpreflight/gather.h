// Gathering: the only code that talks to a server. Connects with libpq and
// fills Facts in a fixed number of round trips, inside a read-only transaction.
#pragma once

#include <stdexcept>
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

// A connection setting libpq cannot use (a -d string it cannot parse, a port
// that is no number): a usage error, found before any network step. Its
// message is masked.
struct InvalidConninfo : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Rejects a -d conninfo string or URI that libpq cannot parse (InvalidConninfo),
// so that a usage error is found before anything else is done.
void check_connect_options(const ConnectOptions& options);

// The host the connection will ask for, without any network step: the -d
// conninfo's or URI's host, else -h, else PGHOST (the first of a list); empty
// for the default socket (or a host named only in a service file).
[[nodiscard]] std::string requested_host(const ConnectOptions& options);

// Never throws for server-side conditions: a failed connection is
// facts.connection.failure, a failed query is an entry of facts.errors. Throws
// InvalidConninfo for a setting libpq refuses as it starts connecting.
[[nodiscard]] Facts gather(const ConnectOptions& connect, const GatherOptions& options);

// The version of the libpq the tool runs with, e.g. "15.10" (PQlibVersion).
[[nodiscard]] std::string libpq_version();

// Async-signal-safe, for a SIGINT/SIGTERM handler: cancels what the server is
// doing for every open connection of gather's, so that it stops waiting for a
// client that is gone (a temporary slot being created is dropped at once).
void cancel_running_queries() noexcept;

}  // namespace cdcpreflight
