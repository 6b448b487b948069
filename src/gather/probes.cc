#include "gather/probes.h"

#include <poll.h>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cdcpreflight/sql_quote.h"
#include "gather/connection.h"
#include "gather/queries.h"

namespace cdcpreflight {

namespace {

constexpr std::chrono::milliseconds kBlockerPollInterval{250};

std::string text_of(const PGresult* result, int column) { return PQgetvalue(result, 0, column); }

std::vector<OpenTransaction> read_blockers(const PGresult* result) {
  std::vector<OpenTransaction> blockers;
  for (int row = 0; row < PQntuples(result); ++row) {
    OpenTransaction& blocker = blockers.emplace_back();
    blocker.pid = std::atoi(PQgetvalue(result, row, 0));
    blocker.user = PQgetvalue(result, row, 1);
    blocker.backend_type = PQgetvalue(result, row, 2);
    blocker.state = PQgetvalue(result, row, 3);
    blocker.age_seconds = std::strtoll(PQgetvalue(result, row, 4), nullptr, 10);
    blocker.query_start = PQgetvalue(result, row, 5);
  }
  return blockers;
}

}  // namespace

ReplicationProbe::ReplicationProbe(Connected connected) : connected_(std::move(connected)) {
  if (!connected_.conn) {
    return;
  }
  cancel_on_signal_.emplace(connected_.conn.get());
  if (!send_one(connected_.conn.get(), {"IDENTIFY_SYSTEM", {}}, failure_)) {
    connected_.conn.reset();
  }
}

ReplicationConnectFacts ReplicationProbe::finish(std::chrono::milliseconds idle_timeout) {
  ReplicationConnectFacts facts;
  facts.attempted = true;
  if (!connected_.conn) {
    facts.message = failure_.empty() ? connected_.facts.failure_message : failure_;
    cancel_on_signal_.reset();
    return facts;
  }
  std::string failure;
  const StatementOutcome outcome = collect_one(connected_.conn.get(), idle_timeout, failure);
  cancel_on_signal_.reset();
  connected_.conn.reset();
  if (!outcome.ok()) {
    facts.sqlstate = outcome.error.sqlstate;
    facts.message = outcome.error.message;
    return facts;
  }
  const PGresult* result = outcome.result.get();
  if (PQntuples(result) != 1 || PQnfields(result) < 2) {
    facts.message = "IDENTIFY_SYSTEM returned an unexpected result";
    return facts;
  }
  facts.ok = true;
  facts.system_identifier = text_of(result, 0);
  facts.timeline = std::atoi(PQgetvalue(result, 0, 1));
  return facts;
}

SlotProbeFacts probe_slot(Connected connected, PGconn* observer, const std::string& publication,
                          int statement_timeout_seconds, std::chrono::milliseconds idle_timeout) {
  SlotProbeFacts facts;
  facts.attempted = true;
  if (!connected.conn) {
    facts.message = connected.facts.failure_message;
    return facts;
  }
  PGconn* conn = connected.conn.get();
  const CancelOnSignal cancel_on_signal(conn);
  std::string failure;
  const StatementOutcome timeout = run_one(
      conn, {fmt::format("SET statement_timeout = {}", 1000 * statement_timeout_seconds), {}},
      idle_timeout, failure);
  if (!timeout.ok()) {
    facts.message = timeout.error.message;
    return facts;
  }
  const std::string slot = fmt::format("cdc_preflight_probe_{}", PQbackendPID(conn));
  const std::string backend_pid = std::to_string(PQbackendPID(conn));

  // Creating a logical slot waits for the transactions running at that moment
  // to end; meanwhile the observer asks which backends the creation waits on.
  const std::string create = queries::create_probe_slot();
  const std::vector<const char*> create_params{slot.c_str()};
  const Oid text_type = 25;
  if (PQsendQueryParams(conn, create.c_str(), 1, &text_type, create_params.data(), nullptr, nullptr,
                        0) == 0) {
    facts.message = PQerrorMessage(conn);
    return facts;
  }
  const auto deadline = std::chrono::steady_clock::now() + idle_timeout;
  while (PQisBusy(conn) == 1) {
    pollfd descriptor{PQsocket(conn), POLLIN, 0};
    const int ready = poll(&descriptor, 1, static_cast<int>(kBlockerPollInterval.count()));
    if (ready < 0 && errno != EINTR) {
      facts.message = "poll failed";
      return facts;
    }
    if (ready > 0 && PQconsumeInput(conn) == 0) {
      facts.message = PQerrorMessage(conn);
      return facts;
    }
    if (ready == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        facts.timed_out = true;
        facts.message = "the server did not answer";
        return facts;
      }
      std::string observer_failure;
      const StatementOutcome blockers =
          run_one(observer, {queries::blockers(), {backend_pid}}, idle_timeout, observer_failure);
      if (blockers.ok() && PQntuples(blockers.result.get()) > 0) {
        facts.blockers = read_blockers(blockers.result.get());
      }
    }
  }
  StatementOutcome created;
  while (PGresult* raw = PQgetResult(conn)) {
    PgResult result(raw);
    if (PQresultStatus(raw) == PGRES_TUPLES_OK) {
      created.result = std::move(result);
    } else {
      created.error = error_of(raw);
    }
  }
  if (!created.ok()) {
    facts.sqlstate = created.error.sqlstate;
    facts.message = created.error.message;
    facts.timed_out = facts.sqlstate == "57014";
    if (!facts.timed_out) {
      facts.blockers.clear();
    }
    return facts;
  }
  facts.blockers.clear();
  spdlog::debug("created temporary slot {}", slot);

  const StatementOutcome peeked =
      run_one(conn, {queries::peek_probe_slot(), {slot, quote_identifier(publication)}},
              idle_timeout, failure);
  if (!peeked.ok()) {
    facts.sqlstate = peeked.error.sqlstate;
    facts.message = peeked.error.message;
    return facts;  // the temporary slot goes with the connection
  }
  facts.changes_peeked = std::strtoll(PQgetvalue(peeked.result.get(), 0, 0), nullptr, 10);
  const StatementOutcome dropped =
      run_one(conn, {queries::drop_probe_slot(), {slot}}, idle_timeout, failure);
  if (!dropped.ok()) {
    facts.sqlstate = dropped.error.sqlstate;
    facts.message = dropped.error.message;
    return facts;
  }
  facts.ok = true;
  return facts;
}

}  // namespace cdcpreflight
