#include "cdcpreflight/gather.h"

#include <chrono>
#include <ctime>

#include <spdlog/spdlog.h>

#include "gather/cancel.h"
#include "gather/catalog.h"
#include "gather/connect.h"
#include "gather/replication_probe.h"
#include "gather/slot_probe.h"
#include "util/printable.h"
#include "version.h"

namespace cdcpreflight {

namespace {

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

Facts gather(const ConnectOptions& connect_options, const GatherOptions& options) {
  Facts facts;
  facts.tool_version = kToolVersion;
  facts.gathered_at = now_utc();
  facts.publication = options.publication;
  facts.user = options.user;
  facts.deep = options.deep;

  // The main connection, the replication connection (replication.connect) and,
  // with --deep, the slot probe's are opened at the same time: one connection
  // set-up of wall time, not one per connection.
  std::vector<Replication> kinds = {Replication::no, Replication::database};
  if (options.deep) {
    kinds.push_back(Replication::no);
  }
  std::vector<Connected> connections = connect_together(connect_options, kinds);
  facts.connection = std::move(connections[0].facts);
  resolve_user(facts);
  if (!facts.connection.connected) {
    spdlog::debug("connection failed: {}", printable(facts.connection.failure_message));
    return facts;
  }
  PGconn* conn = connections[0].conn.get();
  const CancelOnSignal cancel_on_signal(conn);
  const std::chrono::milliseconds idle_timeout{
      1000LL * (options.statement_timeout_seconds + connect_options.connect_timeout_seconds)};

  // The tool's own WAL sender is not counted as one in use.
  const int replication_pid = connections[1].conn ? PQbackendPID(connections[1].conn.get()) : 0;
  // IDENTIFY_SYSTEM goes out now and is answered while the catalog is read.
  ReplicationProbe replication(std::move(connections[1]));
  const auto started = std::chrono::steady_clock::now();
  if (!read_catalog(conn, options, replication_pid, idle_timeout, facts)) {
    return facts;
  }
  facts.replication_connect = replication.finish(idle_timeout);
  if (options.deep) {
    facts.slot_probe = probe_slot(std::move(connections[2]), conn, options.publication,
                                  options.statement_timeout_seconds, idle_timeout);
  }
  spdlog::debug("gathered {} schemas and {} tables in {} ms", facts.schemas.size(),
                facts.tables.size(),
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count());
  return facts;
}

}  // namespace cdcpreflight
