// The live proofs beyond catalog reads: a replication connection, and (--deep)
// a temporary slot. Each uses a connection of its own, opened by gather()
// together with the main connection (connect_together).
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "cdcpreflight/facts.h"
#include "cdcpreflight/gather.h"
#include "gather/connection.h"

namespace cdcpreflight {

// IDENTIFY_SYSTEM on a replication=database connection, in two halves so that
// it runs while the main connection's round trip does: the constructor sends
// it without waiting, finish() reads the answer (or says why the connection
// failed) and closes the connection.
class ReplicationProbe {
 public:
  explicit ReplicationProbe(Connected connected);
  [[nodiscard]] ReplicationConnectFacts finish(std::chrono::milliseconds idle_timeout);

 private:
  Connected connected_;
  std::optional<CancelOnSignal> cancel_on_signal_;
  std::string failure_;  // why IDENTIFY_SYSTEM could not be sent
};

// Creates a temporary pgoutput slot on `connected` (a plain connection of its
// own), peeks through `publication`, drops it. While creation waits, `observer`
// (the main connection) looks up what blocks it.
[[nodiscard]] SlotProbeFacts probe_slot(Connected connected, PGconn* observer,
                                        const std::string& publication,
                                        int statement_timeout_seconds,
                                        std::chrono::milliseconds idle_timeout);

}  // namespace cdcpreflight
