// Connecting as psql would, several connections at the same time, and
// classifying why a connection failed.
#pragma once

#include <string_view>
#include <vector>

#include "cdcpreflight/facts.h"
#include "cdcpreflight/gather.h"
#include "gather/libpq.h"

namespace cdcpreflight {

struct Connected {
  PgConn conn;  // null when the connection failed
  ConnectionFacts facts;
};

enum class Replication { no, database };

// Connects once per entry of `kinds` (Replication::database: as a logical
// replication client, which also pins the safe search_path as a startup
// option), all at the same time: PQconnectStartParams, then PQconnectPoll for
// all of them in one poll() loop. Each is bounded by connect_timeout per host
// and address tried, as libpq's blocking connect is (one difference: an
// address that times out ends the attempt, where the blocking connect would
// try the host's next address; and libpq resolves a host name inside
// PQconnectStartParams, so the connections' DNS lookups, usually answered from
// a cache after the first, run one after the other). The first connection is
// the one that matters:
// when it fails, the others are closed unfinished and returned without a
// connection and with empty facts. Throws InvalidConninfo for settings libpq
// cannot use. Every connection's notices go to the log, escaped.
[[nodiscard]] std::vector<Connected> connect_together(const ConnectOptions& options,
                                                      const std::vector<Replication>& kinds);

// Classifies libpq's connection error text.
[[nodiscard]] ConnectionFailure classify_connection_error(std::string_view message);

}  // namespace cdcpreflight
