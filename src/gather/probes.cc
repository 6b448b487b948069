#include "gather/probes.h"

#include <poll.h>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cdcpreflight/sql_quote.h"
#include "gather/connection.h"
#include "gather/queries.h"
#include "gather/rows.h"
#include "util/secrets.h"

namespace cdcpreflight {

namespace {

constexpr std::chrono::milliseconds kBlockerPollInterval{250};

std::vector<OpenTransaction> read_blockers(const PGresult* result) {
  std::vector<OpenTransaction> blockers;
  for_each_row(result, [&](const Row& row) {
    blockers.push_back({row.integer_in("pid", 0, INT32_MAX), row.text("user"),
                        row.text("backend_type"), row.text("state"), row.integer("age_seconds"),
                        row.text("query_start")});
  });
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
  try {
    const Row row = Row::only(outcome.result.get());
    facts.system_identifier = row.text("systemid");
    facts.timeline = row.integer_in("timeline", 0, INT32_MAX);
  } catch (const UnexpectedAnswer& error) {
    facts.message = fmt::format("IDENTIFY_SYSTEM returned an unexpected result: {}", error.what());
    return facts;
  }
  facts.ok = true;
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
  // One round trip of session settings, the safe search_path first, as on the
  // main connection: the probe calls functions, which must resolve from
  // pg_catalog only. From PostgreSQL 14 a probe whose tool is gone must not
  // wait on for a lock; a server that refuses that setting costs nothing else.
  RoundTrip session;
  const std::size_t search_path = session.add({queries::kSafeSearchPath, {}});
  const std::size_t timeout =
      session.add({queries::statement_timeout(statement_timeout_seconds), {}});
  session.end_segment();
  if (PQserverVersion(conn) >= queries::kClientConnectionCheckFrom) {
    session.add({queries::kClientConnectionCheck, {}});
    session.end_segment();
  }
  if (!session.run(conn, idle_timeout)) {
    facts.message = session.failure();
    return facts;
  }
  for (const std::size_t required : {search_path, timeout}) {
    if (!session.outcome(required).ok()) {
      facts.message = session.outcome(required).error.message;
      return facts;
    }
  }
  const std::string slot = fmt::format("{}{}", kProbeSlotPrefix, PQbackendPID(conn));
  const std::string backend_pid = std::to_string(PQbackendPID(conn));

  // Creating a logical slot waits for the transactions running at that moment
  // to end; meanwhile the observer asks which backends the creation waits on.
  const std::string create = queries::create_probe_slot();
  const std::vector<const char*> create_params{slot.c_str()};
  const Oid text_type = 25;
  if (PQsendQueryParams(conn, create.c_str(), 1, &text_type, create_params.data(), nullptr, nullptr,
                        0) == 0) {
    facts.message = mask_inline_passwords(PQerrorMessage(conn));
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
      facts.message = mask_inline_passwords(PQerrorMessage(conn));
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
        try {
          facts.blockers = read_blockers(blockers.result.get());
        } catch (const UnexpectedAnswer& error) {
          spdlog::debug("could not read what blocks the slot: {}", error.what());
        }
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
  try {
    facts.changes_peeked = Row::only(peeked.result.get()).integer("changes");
  } catch (const UnexpectedAnswer& error) {
    facts.message = fmt::format("peeking the slot returned an unexpected result: {}", error.what());
    return facts;
  }
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
