// The live proofs beyond catalog reads: a replication connection, and (--deep)
// a temporary slot. Each uses a connection of its own.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <string>

#include "cdcpreflight/facts.h"
#include "cdcpreflight/gather.h"

namespace cdcpreflight {

// Opens a replication=database connection and runs IDENTIFY_SYSTEM.
[[nodiscard]] ReplicationConnectFacts probe_replication_connection(
    const ConnectOptions& options, std::chrono::milliseconds idle_timeout);

// Creates a temporary pgoutput slot, peeks through `publication`, drops it.
// While creation waits, `observer` (the main connection) looks up what blocks it.
[[nodiscard]] SlotProbeFacts probe_slot(const ConnectOptions& options, PGconn* observer,
                                        const std::string& publication,
                                        int statement_timeout_seconds,
                                        std::chrono::milliseconds idle_timeout);

}  // namespace cdcpreflight
