// replication.connect's proof: IDENTIFY_SYSTEM on a replication=database
// connection, opened by gather() together with the main connection.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "cdcpreflight/facts.h"
#include "gather/cancel.h"
#include "gather/connect.h"

namespace cdcpreflight {

// In two halves, so that it runs while the main connection's round trip does:
// the constructor sends IDENTIFY_SYSTEM without waiting, finish() reads the
// answer (or says why the connection failed) and closes the connection.
class ReplicationProbe {
 public:
  explicit ReplicationProbe(Connected connected);
  [[nodiscard]] ReplicationConnectFacts finish(std::chrono::milliseconds idle_timeout);

 private:
  Connected connected_;
  std::optional<CancelOnSignal> cancel_on_signal_;
  std::string failure_;  // why IDENTIFY_SYSTEM could not be sent
};

}  // namespace cdcpreflight
