// `activity.long_transactions`: what on the server is in the way of a new
// slot. Creating a logical slot waits for every running transaction to end,
// and the initial snapshot with it.
#include <fmt/format.h>

#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"

namespace cdcpreflight::checks {

namespace {

std::string duration(std::int64_t seconds) {
  if (seconds >= 86400) {
    return fmt::format("{}d {}h", seconds / 86400, seconds % 86400 / 3600);
  }
  if (seconds >= 3600) {
    return fmt::format("{}h {}min", seconds / 3600, seconds % 3600 / 60);
  }
  if (seconds >= 60) {
    return fmt::format("{}min", seconds / 60);
  }
  return fmt::format("{}s", seconds);
}

}  // namespace

std::string describe_transaction(const OpenTransaction& transaction) {
  return fmt::format("pid {} ({}, user {}, {}): open for {}, query started {}", transaction.pid,
                     transaction.backend_type.empty() ? "backend" : transaction.backend_type,
                     transaction.user.empty() ? "?" : transaction.user,
                     transaction.state.empty() ? "state unknown" : transaction.state,
                     duration(transaction.age_seconds),
                     transaction.query_start.empty() ? "?" : transaction.query_start);
}

CheckResult long_transactions(const Facts& facts, const Scope& scope) {
  const std::int64_t threshold = 60LL * scope.request.long_tx_minutes;
  const ActivityFacts& activity = facts.activity;
  std::vector<std::string> details;
  Remediation fix;
  for (const OpenTransaction& transaction : activity.transactions) {
    if (transaction.age_seconds >= threshold) {
      details.push_back(describe_transaction(transaction));
      fix.steps.push_back(fmt::format(
          "End pid {} (commit it in its application, or SELECT pg_terminate_backend({});).",
          transaction.pid, transaction.pid));
    }
  }
  for (const PreparedTransaction& prepared : activity.prepared) {
    if (prepared.age_seconds >= threshold) {
      details.push_back(
          fmt::format("prepared transaction {} (owner {}, database {}): prepared {} ago",
                      quote_literal(prepared.gid), prepared.owner, prepared.database,
                      duration(prepared.age_seconds)));
      fix.steps.push_back(
          fmt::format("Finish it: COMMIT PREPARED {0}; or ROLLBACK PREPARED {0}; "
                      "(in database {1}).",
                      quote_literal(prepared.gid), prepared.database));
    }
  }
  const std::string minutes =
      count_of(static_cast<std::size_t>(scope.request.long_tx_minutes), "minute", "minutes");
  if (details.empty()) {
    // Without pg_read_all_stats other roles' sessions are hidden, but pg_locks
    // still shows which of them hold a transaction id, what creating a slot
    // waits for: only those are unknown.
    if (!activity.can_read_all_stats && activity.hidden_transactions > 0) {
      const std::string login = facts.connection.connected_as;
      Remediation grant;
      grant.sql.push_back(fmt::format("GRANT pg_read_all_stats TO {};", quote_identifier(login)));
      return make_result(
          Status::error,
          fmt::format("{} of other roles hold a transaction id whose age is hidden from {}: "
                      "pg_read_all_stats would show it",
                      count_of(static_cast<std::size_t>(activity.hidden_transactions), "session",
                               "sessions"),
                      login),
          {}, std::move(grant));
    }
    std::vector<std::string> seen;
    if (!activity.can_read_all_stats) {
      seen.push_back(
          "Other roles' sessions are hidden (no pg_read_all_stats), but none of them holds a "
          "transaction id (pg_locks): nothing of theirs blocks creating a slot.");
    }
    return make_result(Status::pass,
                       fmt::format("no transaction has been open for {} or more", minutes),
                       std::move(seen));
  }
  if (!activity.can_read_all_stats) {
    details.push_back("Other roles' transactions are hidden: pg_read_all_stats would show them.");
  }
  std::string summary = fmt::format(
      "{} open for {} or more: they block creating the slot and the initial snapshot",
      count_of(fix.steps.size(), "transaction has been", "transactions have been"), minutes);
  return make_result(Status::warn, std::move(summary), std::move(details), std::move(fix));
}

}  // namespace cdcpreflight::checks
