// The catalog round trip: every fact group read by one set-based query or a
// few, all in one pipelined round trip inside a REPEATABLE READ READ ONLY
// transaction, each group behind a savepoint, so one failing query (a lock
// wait past statement_timeout, a privilege) costs only its group. On Aurora a
// second round trip reads aurora_version(), which cannot be named in SQL sent
// to a server where it does not exist.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <string>
#include <string_view>

#include "cdcpreflight/facts.h"
#include "cdcpreflight/gather.h"

namespace cdcpreflight {

// The facts of every group that could be read (facts.errors names the others),
// with the connection marked lost or failed when the server broke off or
// answered in a shape PostgreSQL never gives; false then.
[[nodiscard]] bool read_catalog(PGconn* conn, const GatherOptions& options, int replication_pid,
                                std::chrono::milliseconds idle_timeout, Facts& facts);

}  // namespace cdcpreflight
