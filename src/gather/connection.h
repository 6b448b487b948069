// The libpq wrapper: connecting with psql's rules, classifying failures, and
// running statements in pipelined round trips with a client-side deadline.
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cdcpreflight/facts.h"
#include "cdcpreflight/gather.h"

namespace cdcpreflight {

struct PgConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// A -d value that libpq would expand (conninfo string or URI) and cannot parse:
// a usage error, raised before any network step.
struct InvalidConninfo : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Rejects a -d conninfo string or URI that libpq cannot parse (InvalidConninfo),
// before any network step.
void check_connect_options(const ConnectOptions& options);

struct Connected {
  PgConn conn;  // null when the connection failed
  ConnectionFacts facts;
};

enum class Replication { no, database };

// Connects as psql would (-d may hold a conninfo string or URI whose fields
// override -h/-p/-U) once per entry of `kinds` (Replication::database: as a
// logical replication client), all at the same time: PQconnectStartParams, then
// PQconnectPoll for all of them in one poll() loop. Each is bounded by
// connect_timeout per host and address tried, as libpq's blocking connect is
// (one difference: an address that times out ends the attempt, where the
// blocking connect would try the host's next address). The first connection is
// the one that matters: when it fails, the others are closed unfinished and
// returned without a connection and with empty facts. Throws InvalidConninfo
// for settings libpq cannot use.
[[nodiscard]] std::vector<Connected> connect_together(const ConnectOptions& options,
                                                      const std::vector<Replication>& kinds);

// Classifies libpq's connection error text.
[[nodiscard]] ConnectionFailure classify_connection_error(std::string_view message);

// One statement of a round trip, with text parameters (nullopt is SQL NULL).
struct Statement {
  std::string sql;
  std::vector<std::optional<std::string>> params;
};

struct StatementOutcome {
  PgResult result;   // set when the statement succeeded
  QueryError error;  // otherwise
  [[nodiscard]] bool ok() const { return result != nullptr; }
};

// Sends statements in pipeline mode as one round trip. Statements are grouped
// in segments, each closed by a Sync: an error skips the rest of its segment
// only. Reading is bounded by `idle_timeout` without any answer.
class RoundTrip {
 public:
  // Returns the index of the statement's outcome.
  std::size_t add(Statement statement);
  void end_segment();

  // False when the connection broke or the server stopped answering; the
  // reason is then in `failure`.
  [[nodiscard]] bool run(PGconn* conn, std::chrono::milliseconds idle_timeout);

  [[nodiscard]] StatementOutcome& outcome(std::size_t index) { return outcomes_[index]; }
  [[nodiscard]] const std::string& failure() const { return failure_; }

 private:
  std::vector<Statement> statements_;
  std::vector<std::size_t> segment_ends_;  // statement counts at each Sync
  std::vector<StatementOutcome> outcomes_;
  std::string failure_;
};

// The SQLSTATE and primary message of a failed result, scrubbed of secrets.
[[nodiscard]] QueryError error_of(const PGresult* result);

// Runs one statement outside a pipeline, bounded like RoundTrip. Without
// parameters it uses the simple query protocol, the only one a replication
// connection accepts. `failure` says why when the connection broke.
[[nodiscard]] StatementOutcome run_one(PGconn* conn, const Statement& statement,
                                       std::chrono::milliseconds idle_timeout,
                                       std::string& failure);

// run_one in two halves, so that the statement runs while the caller does
// something else: send_one sends it without waiting for the answer (false, with
// `failure`, when it could not), collect_one reads the answer.
[[nodiscard]] bool send_one(PGconn* conn, const Statement& statement, std::string& failure);
[[nodiscard]] StatementOutcome collect_one(PGconn* conn, std::chrono::milliseconds idle_timeout,
                                           std::string& failure);

// While alive, a SIGINT/SIGTERM cancels the connection's running query
// (cancel_running_queries), so that the server stops waiting for a client that
// is gone: a temporary slot being created is then dropped at once.
class CancelOnSignal {
 public:
  explicit CancelOnSignal(PGconn* conn);
  ~CancelOnSignal();
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;

 private:
  std::atomic<PGcancel*>* slot_ = nullptr;
};

// Async-signal-safe (PQcancel is): for the SIGINT/SIGTERM handler.
void cancel_running_queries() noexcept;

}  // namespace cdcpreflight
