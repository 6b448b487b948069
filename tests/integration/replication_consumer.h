// A consumer that replicates the way ClickPipes' engine (PeerDB) does, as the
// ClickPipes role connects (a Login over TCP to localhost, with login_env's
// password and TLS: verify-full with the server's CA):
//   1. a `replication=database` connection, answering IDENTIFY_SYSTEM;
//   2. a temporary pgoutput slot that exports its snapshot;
//   3. the initial load, on a second, ordinary connection: every table that
//      pg_publication_tables lists for the publication, copied under that
//      snapshot (row-level security applies as it does to the role);
//   4. the slot's stream (START_REPLICATION, pgoutput protocol version 1, the
//      publication), decoded by PgoutputDecoder (pgoutput.h), keepalives
//      answered when the server asks.
// What each test's verdict is proven against: the rows the initial load saw,
// the relations changes arrived under, the columns that arrived without a value.
//
// Limits: one load and one pass of the stream per consumer, nothing written
// anywhere, no restart from a saved position, text tuples only; the
// publication's name must be a plain identifier (the replication command's
// string literal has no U& form). libpq still reads the runner's PG* variables
// for keywords the Login does not set (PGOPTIONS, PGSSLCERT…).
//
// Every step is bounded (libpq's connect_timeout, then a deadline per step);
// a failure or an overrun throws std::runtime_error naming the step and the
// server's message. Nothing is left behind: the slot is temporary, and whoever
// ends the replication session (stream_until_now() or the destructor) waits
// until the server no longer lists it.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "pgoutput.h"
#include "scenario.h"

namespace cdcpreflight::integration {

class ReplicationConsumer {
 public:
  // Connects, creates the slot and makes the initial load.
  explicit ReplicationConsumer(const Login& login, std::string_view publication = kPublication);
  // Closes what is still open and waits, as stream_until_now() does, until the
  // temporary slot is gone (a test failure if it stays).
  ~ReplicationConsumer();
  ReplicationConsumer(const ReplicationConsumer&) = delete;
  ReplicationConsumer& operator=(const ReplicationConsumer&) = delete;
  ReplicationConsumer(ReplicationConsumer&&) = delete;
  ReplicationConsumer& operator=(ReplicationConsumer&&) = delete;

  // IDENTIFY_SYSTEM's answer.
  [[nodiscard]] const std::string& system_identifier() const { return system_identifier_; }
  // The rows the initial load copied, by "schema.table" (unquoted), for every
  // table pg_publication_tables lists for the publication under the snapshot.
  [[nodiscard]] const std::map<std::string, long>& snapshot_rows() const { return snapshot_rows_; }

  // Streams the slot from its consistent point until every transaction
  // committed before this call has arrived, then ends the replication session
  // and waits until its temporary slot is gone. Once per consumer.
  //
  // "Before this call" is the WAL insert position read at the call (not
  // pg_current_wal_lsn(), the write position, which lags behind asynchronous
  // commits), followed by a commit of the consumer's own (txid_current(): a
  // transaction id, no change) whose record ends past it. The walsender decodes
  // in commit order and says how far it has decoded in its keepalives, so a
  // Commit or a keepalive (outside a transaction) at or past that position
  // means all that committed before has been sent, even where PostgreSQL 15+
  // sends nothing of a transaction that publishes nothing.
  [[nodiscard]] DecodedStream stream_until_now(std::chrono::seconds timeout = kStepTimeout);

 private:
  static constexpr std::chrono::seconds kStepTimeout{20};

  struct Closer {
    void operator()(PGconn* conn) const { PQfinish(conn); }
  };
  using Connection = std::unique_ptr<PGconn, Closer>;

  void identify_system(std::chrono::steady_clock::time_point deadline);
  void create_slot(std::chrono::steady_clock::time_point deadline);
  void copy_snapshot(std::chrono::steady_clock::time_point deadline);
  void end_streaming(std::chrono::steady_clock::time_point deadline);
  void close(std::chrono::steady_clock::time_point deadline);

  std::string publication_;
  std::string slot_name_;
  std::string system_identifier_;
  std::string consistent_point_;
  std::string snapshot_name_;
  std::map<std::string, long> snapshot_rows_;
  Connection replication_;
  Connection ordinary_;
};

}  // namespace cdcpreflight::integration
