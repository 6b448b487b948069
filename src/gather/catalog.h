// The catalog round trip. Everything goes out at once in libpq's pipeline mode
// on the main connection: the session settings (the safe search_path first,
// statement_timeout, default_transaction_read_only, jit off, and from
// PostgreSQL 14 client_connection_check_interval, so that a session whose
// client is gone does not stay queued on a lock; each tuning setting in a
// segment of its own, so a server refusing one costs nothing else), then one
// REPEATABLE READ READ ONLY transaction in which each fact group (server, role,
// schemas, tables, publication, default_privileges, activity) is a segment
// behind a savepoint: one failing query (a lock wait past statement_timeout, a
// privilege) costs only its group, whose checks then say `error`. On Aurora a
// second round trip reads aurora_version(), which cannot be named in SQL sent
// to a server where it does not exist.
//
// The queries are set-based (privileges evaluated by the server for the role,
// sizes from pg_class.relpages), never one per table: a full non-deep check
// costs one connection set-up and one round trip (two on Aurora) whatever the
// catalog's size (RoundTrips in tests/integration counts them).
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
