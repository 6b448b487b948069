#include "gather/slot_probe.h"

#include <climits>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cdcpreflight/sql_quote.h"
#include "gather/cancel.h"
#include "gather/queries.h"
#include "gather/round_trip.h"
#include "gather/rows.h"

namespace cdcpreflight {

namespace {

constexpr std::chrono::milliseconds kBlockerPollInterval{250};

std::vector<OpenTransaction> read_blockers(const PGresult* result) {
  std::vector<OpenTransaction> blockers;
  for_each_row(result, [&](const Row& row) { blockers.push_back(open_transaction_of(row)); });
  return blockers;
}

// One round trip of session settings, the safe search_path first, as on the
// main connection: the probe calls functions, which must resolve from
// pg_catalog only. From PostgreSQL 14 a probe whose tool is gone must not wait
// on for a lock; a server that refuses that setting costs nothing else.
// Returns why the session could not be set up, if it could not.
std::optional<std::string> set_up_session(PGconn* conn, int statement_timeout_seconds,
                                          std::chrono::milliseconds idle_timeout) {
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
    return session.failure();
  }
  for (const std::size_t required : {search_path, timeout}) {
    if (!session.outcome(required).ok()) {
      return session.outcome(required).error.message;
    }
  }
  return std::nullopt;
}

// Creates the slot. Creating a logical slot waits for the transactions running
// at that moment to end; meanwhile the observer asks which backends it waits
// on. False, with facts filled in, when it was not created.
bool create_slot(PGconn* conn, PGconn* observer, const std::string& slot,
                 std::chrono::milliseconds idle_timeout, SlotProbeFacts& facts) {
  if (std::optional<std::string> failure = send_one(conn, {queries::create_probe_slot(), {slot}})) {
    facts.message = *failure;
    return false;
  }
  const std::string backend_pid = std::to_string(PQbackendPID(conn));
  const WhileWaiting look_up_blockers{
      kBlockerPollInterval, [&] {
        const StatementOutcome blockers =
            run_one(observer, {queries::blockers(), {backend_pid}}, idle_timeout);
        if (!blockers.ok() || PQntuples(blockers.result.get()) == 0) {
          return;
        }
        try {
          facts.blockers = read_blockers(blockers.result.get());
        } catch (const UnexpectedAnswer& error) {
          spdlog::debug("could not read what blocks the slot: {}", error.what());
        }
      }};
  const StatementOutcome created = collect_one(conn, idle_timeout, &look_up_blockers);
  if (created.silent) {
    facts.timed_out = true;
    facts.message = "the server did not answer";
    return false;
  }
  if (!created.ok()) {
    facts.sqlstate = created.error.sqlstate;
    facts.message = created.error.message;
    facts.timed_out = facts.sqlstate == kQueryCanceled;
    if (!facts.timed_out) {
      facts.blockers.clear();
    }
    return false;
  }
  facts.blockers.clear();
  spdlog::debug("created temporary slot {}", slot);
  return true;
}

// Peeks the slot's changes through the publication, then drops it. False,
// with facts filled in, when either failed.
bool peek_and_drop(PGconn* conn, const std::string& slot, const std::string& publication,
                   std::chrono::milliseconds idle_timeout, SlotProbeFacts& facts) {
  const StatementOutcome peeked = run_one(
      conn, {queries::peek_probe_slot(), {slot, quote_identifier(publication)}}, idle_timeout);
  if (!peeked.ok()) {
    facts.sqlstate = peeked.error.sqlstate;
    facts.message = peeked.error.message;
    return false;
  }
  try {
    facts.changes_peeked = Row::only(peeked.result.get()).integer("changes");
  } catch (const UnexpectedAnswer& error) {
    facts.message = fmt::format("peeking the slot returned an unexpected result: {}", error.what());
    return false;
  }
  const StatementOutcome dropped =
      run_one(conn, {queries::drop_probe_slot(), {slot}}, idle_timeout);
  if (!dropped.ok()) {
    facts.sqlstate = dropped.error.sqlstate;
    facts.message = dropped.error.message;
    return false;
  }
  return true;
}

}  // namespace

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
  if (std::optional<std::string> failure =
          set_up_session(conn, statement_timeout_seconds, idle_timeout)) {
    facts.message = std::move(*failure);
    return facts;
  }
  const std::string slot = fmt::format("{}{}", kProbeSlotPrefix, PQbackendPID(conn));
  facts.ok = create_slot(conn, observer, slot, idle_timeout, facts) &&
             peek_and_drop(conn, slot, publication, idle_timeout, facts);
  return facts;
}

}  // namespace cdcpreflight
