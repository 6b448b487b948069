// replication.slot_probe (--deep): a temporary pgoutput slot created, peeked
// through the publication and dropped, on a plain connection of its own opened
// by gather() together with the main one.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <string>

#include "cdcpreflight/facts.h"
#include "gather/connect.h"

namespace cdcpreflight {

// While creation waits on running transactions, `observer` (the main
// connection) looks up what blocks it. The temporary slot goes with the
// connection whatever happens.
[[nodiscard]] SlotProbeFacts probe_slot(Connected connected, PGconn* observer,
                                        const std::string& publication,
                                        int statement_timeout_seconds,
                                        std::chrono::milliseconds idle_timeout);

}  // namespace cdcpreflight
