// Running statements: several in one pipelined round trip, or one on its own
// (the only way a replication connection takes them). Every wait is bounded
// by `idle_timeout` without any answer from the server; results are values.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cdcpreflight/facts.h"
#include "gather/libpq.h"

namespace cdcpreflight {

// One statement, with text parameters (nullopt is SQL NULL).
struct Statement {
  std::string sql;
  std::vector<std::optional<std::string>> params;
};

struct StatementOutcome {
  PgResult result;   // set when the statement succeeded
  QueryError error;  // otherwise
  // Set when the connection broke or the server stopped answering: why.
  std::string broken;
  bool silent = false;  // the server sent nothing for idle_timeout
  [[nodiscard]] bool ok() const { return result != nullptr; }
};

// The SQLSTATE and primary message of a failed result, masked.
[[nodiscard]] QueryError error_of(const PGresult* result);

// Statements sent in pipeline mode as one round trip. Statements are grouped
// in segments, each closed by a Sync: an error skips the rest of its segment
// only.
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
  [[nodiscard]] bool send(PGconn* conn);
  [[nodiscard]] bool read(PGconn* conn, std::chrono::milliseconds idle_timeout);

  std::vector<Statement> statements_;
  std::vector<std::size_t> segment_ends_;  // statement counts at each Sync
  std::vector<StatementOutcome> outcomes_;
  std::string failure_;
};

// What to do while a statement runs long: `call` after each `every` of silence.
struct WhileWaiting {
  std::chrono::milliseconds every;
  std::function<void()> call;
};

// One statement outside a pipeline, in two halves, so that it runs while the
// caller does something else. Without parameters it uses the simple query
// protocol, the only one a replication connection accepts. send_one returns
// why the statement could not be sent, if it could not.
[[nodiscard]] std::optional<std::string> send_one(PGconn* conn, const Statement& statement);
[[nodiscard]] StatementOutcome collect_one(PGconn* conn, std::chrono::milliseconds idle_timeout,
                                           const WhileWaiting* while_waiting = nullptr);
// Both halves.
[[nodiscard]] StatementOutcome run_one(PGconn* conn, const Statement& statement,
                                       std::chrono::milliseconds idle_timeout);

}  // namespace cdcpreflight
