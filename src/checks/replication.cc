// `replication.connect`, `replication.slot_probe`: proofs at the protocol
// level. The first opens a replication=database connection as ClickPipes does
// and runs IDENTIFY_SYSTEM (writes nothing); the second (--deep) creates a
// temporary pgoutput slot, peeks through the publication and drops it.
#include <fmt/format.h>

#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "util/text.h"

namespace cdcpreflight::checks {

namespace {

std::string live_only() { return "needs a live server (not checked from a snapshot)"; }

}  // namespace

CheckResult replication_connect(const Facts& facts, const Scope& /*scope*/) {
  const ReplicationConnectFacts& probe = facts.replication_connect;
  if (!probe.attempted) {
    return make_result(Status::skip, live_only());
  }
  std::vector<std::string> details;
  const std::string& login = facts.connection.connected_as;
  if (!facts.user.empty() && facts.user != login) {
    details.push_back(fmt::format("opened as the login role {}, not as {}", login, facts.user));
  }
  if (probe.ok) {
    details.push_back(
        fmt::format("system identifier {}, timeline {}", probe.system_identifier, probe.timeline));
    return make_result(Status::pass, "a replication connection opens and answers IDENTIFY_SYSTEM",
                       std::move(details));
  }
  details.push_back(probe.message);
  Remediation fix;
  fix.docs = setup_docs(facts);
  const std::string& message = probe.message;
  const Endpoint endpoint = classify_host(facts.connection.host);
  std::string summary;
  if (endpoint.kind == EndpointKind::proxy || contains(message, "unsupported startup parameter") ||
      contains(message, "pgbouncer") || contains(message, "PgBouncer")) {
    summary = "a pooler (PgBouncer, RDS Proxy) answered: it cannot carry replication connections";
    fix.steps.push_back(
        "Point ClickPipes at the database itself (the cluster writer endpoint), "
        "not at a connection pooler.");
  } else if (contains(message, "pg_hba.conf")) {
    // A logical replication connection (replication=database) is matched by
    // its database name in pg_hba.conf; the `replication` keyword is for
    // physical replication only.
    summary = "pg_hba.conf rejects the replication connection";
    fix.steps.push_back(
        fmt::format("Allow {} to connect to this database from ClickPipes' addresses in "
                    "pg_hba.conf (a logical replication connection is matched by database "
                    "name, like any other), then reload.",
                    login));
    fix.sql.push_back("SELECT pg_reload_conf();");
  } else if (contains(message, "max_wal_senders")) {
    // The server refuses a WAL sender only after authentication and the
    // privilege check: what this check proves held. Whether a sender is free
    // for ClickPipes is settings.replication_capacity's question, answered
    // without the tool's own connections and those of other cdc-preflight runs,
    // which hold one for a moment only.
    details.push_back("the login and the replication privilege were accepted first");
    return make_result(Status::skip,
                       "every WAL sender was busy when the tool tried, so IDENTIFY_SYSTEM did not "
                       "run (see settings.replication_capacity)",
                       std::move(details));
  } else if (contains(message, "too many")) {
    summary = "the server had no connection slot free (max_connections or the role's limit)";
  } else if (probe.sqlstate == kInsufficientPrivilege || contains(message, "permission denied") ||
             contains(message, "must be superuser or replication role") ||
             contains(message, "REPLICATION")) {
    summary = fmt::format("{} may not open a replication connection", login);
    fix.sql.push_back(
        is_aws(facts) ? fmt::format("GRANT rds_replication TO {};", quote_identifier(login))
                      : fmt::format("ALTER ROLE {} WITH REPLICATION;", quote_identifier(login)));
  } else {
    summary = "a replication connection failed";
  }
  return make_result(Status::fail, std::move(summary), std::move(details), std::move(fix));
}

CheckResult slot_probe(const Facts& facts, const Scope& /*scope*/) {
  const SlotProbeFacts& probe = facts.slot_probe;
  if (!facts.deep) {
    return make_result(Status::skip, "runs only with --deep (it creates a temporary slot)");
  }
  if (!probe.attempted) {
    return make_result(Status::skip, live_only());
  }
  if (probe.ok) {
    return make_result(
        Status::pass,
        fmt::format("a temporary pgoutput slot was created, {} peeked through {}, "
                    "and dropped",
                    count_of(static_cast<std::size_t>(probe.changes_peeked), "change", "changes"),
                    facts.publication));
  }
  std::vector<std::string> details;
  Remediation fix;
  if (probe.timed_out && !probe.blockers.empty()) {
    std::string pids;
    for (const OpenTransaction& blocker : probe.blockers) {
      pids += (pids.empty() ? "" : ", ") + std::to_string(blocker.pid);
      details.push_back(describe_transaction(blocker));
      fix.steps.push_back(fmt::format(
          "End pid {} (commit it in its application, or SELECT pg_terminate_backend({});), then "
          "run again.",
          blocker.pid, blocker.pid));
    }
    return make_result(Status::fail,
                       fmt::format("creating the slot was blocked by transaction pid {} until the "
                                   "statement timeout",
                                   pids),
                       std::move(details), std::move(fix));
  }
  details.push_back(probe.message);
  if (probe.timed_out) {
    fix.steps.push_back(
        "Creating a slot waits for every running transaction to end: run again "
        "with a longer --statement-timeout, or when they have ended.");
  }
  return make_result(Status::fail,
                     probe.timed_out ? "creating the slot did not finish before the statement "
                                       "timeout"
                                     : "the slot probe failed: " + probe.message,
                     std::move(details), std::move(fix));
}

}  // namespace cdcpreflight::checks
