#include <algorithm>

#include <fmt/format.h>

#include "cdcpreflight/check.h"
#include "checks/checks.h"
#include "checks/common.h"

namespace cdcpreflight {

namespace {

using enum FactGroup;

const std::vector<CheckDefinition>& definitions() {
  static const std::vector<CheckDefinition> catalogue{
      {.id = "connection",
       .title = "Connects to the database",
       .why = "Everything else is read through this connection.",
       .warns = "",
       .fails = "it cannot connect, with the cause classified: DNS, refused, timeout (security "
                "group, ClickPipes static IPs, PrivateLink), authentication (password, pg_hba), "
                "TLS, database missing, or the connection lost mid-run",
       .needs = {},
       .evaluate = checks::connection},
      {.id = "server.version",
       .title = "PostgreSQL 12 or later",
       .why = "ClickPipes reads PostgreSQL 12 and later.",
       .warns = "on 17.5, 16.9, 15.13, 14.18 and 13.21, which have a logical decoding bug "
                "(\"invalid memory alloc request size\") fixed in the next minor release",
       .fails = "the server is older than 12",
       .needs = {server},
       .evaluate = checks::server_version},
      {.id = "server.platform",
       .title = "Platform detected",
       .why = "Fixes differ between Aurora, RDS and self-managed PostgreSQL: says which this is "
              "(Aurora when aurora_version() exists, RDS when rds.extensions is set).",
       .warns = "",
       .fails = "",
       .needs = {server},
       .evaluate = checks::server_platform},
      {.id = "endpoint.writer",
       .title = "Connected to the writer through an endpoint that follows it",
       .why = "Logical replication runs on the writer only, and the slot must be reached again "
              "after a failover.",
       .warns = "the host is an instance endpoint, a custom endpoint, an Aurora Limitless shard "
                "group or an IP address, none of which follows the writer on failover",
       .fails = "the server is in recovery (a reader or a Global Database secondary), or the host "
                "is a reader endpoint (.cluster-ro-) or an RDS Proxy (.proxy-)",
       .needs = {server},
       .evaluate = checks::endpoint_writer},
      {.id = "settings.logical_replication",
       .title = "Logical replication is enabled (wal_level = logical)",
       .why = "CDC decodes the write-ahead log, which needs wal_level = logical (on Aurora and "
              "RDS: rds.logical_replication = 1, a static parameter).",
       .warns = "wal_level is logical but a changed wal_level waits for a restart",
       .fails = "it is off (the fix: the DB cluster parameter group and a writer reboot on "
                "Aurora, the DB parameter group on RDS, ALTER SYSTEM elsewhere), or a reboot is "
                "pending",
       .needs = {server},
       .evaluate = checks::logical_replication},
      {.id = "settings.wal_sender_timeout",
       .title = "wal_sender_timeout is 0",
       .why = "The Aurora setup guide sets 0 so that the server does not end a replication "
              "connection that is busy on the ClickPipes side.",
       .warns = "it is 5 minutes or more (tolerated by the ClickPipes FAQ)",
       .fails = "it is shorter",
       .needs = {server},
       .evaluate = checks::wal_sender_timeout},
      {.id = "role.replication",
       .title = "The user may stream replication",
       .why = "Creating and streaming a replication slot needs the replication privilege.",
       .warns = "",
       .fails = "the role is not a member of rds_replication (Aurora, RDS), lacks REPLICATION "
                "(elsewhere), or does not exist",
       .needs = {server, role},
       .evaluate = checks::role_replication},
      {.id = "grants.schema_usage",
       .title = "The user has USAGE on every scoped schema",
       .why = "Reading a table needs USAGE on its schema.",
       .warns = "",
       .fails = "USAGE is missing on a scoped schema, or a --schema does not exist",
       .needs = {role, schemas, tables},
       .evaluate = checks::schema_usage},
      {.id = "grants.table_select",
       .title = "The user can SELECT every scoped table",
       .why = "The initial load reads every table with SELECT.",
       .warns = "",
       .fails = "SELECT is missing on a scoped table, or a --table does not exist",
       .needs = {role, schemas, tables},
       .evaluate = checks::table_select},
      {.id = "publication.exists",
       .title = "The publication exists",
       .why = "ClickPipes streams the tables of one publication.",
       .warns = "",
       .fails = "it does not exist (the fix creates it for the scope)",
       .needs = {server, publication, tables},
       .evaluate = checks::publication_exists},
      {.id = "publication.tables",
       .title = "Every scoped table is published",
       .why = "A table outside the publication is never replicated.",
       .warns = "",
       .fails = "a scoped table is not in the publication (FOR ALL TABLES, listed, or FOR TABLES "
                "IN SCHEMA; before PostgreSQL 13 a partitioned table through its partitions)",
       .needs = {server, publication, tables},
       .evaluate = checks::publication_tables},
      {.id = "tables.replica_identity",
       .title = "Every scoped table has a primary key or a replica identity",
       .why = "UPDATE and DELETE are decoded with the row's replica identity; without one they "
              "already fail on the source once the table is published.",
       .warns = "",
       .fails = "a scoped table or partition has no primary key and no REPLICA IDENTITY FULL or "
                "USING INDEX",
       .needs = {tables},
       .evaluate = checks::replica_identity},
  };
  return catalogue;
}

std::string explain(const QueryError& error, FactGroup group) {
  if (error.sqlstate == "42501") {
    return fmt::format("the role may not read the {} catalogs: {}", to_string(group),
                       error.message);
  }
  if (error.sqlstate == "57014") {
    return fmt::format(
        "reading the {} catalogs hit the statement timeout (a lock held by "
        "another session?): {}",
        to_string(group), error.message);
  }
  return fmt::format("could not read the {} catalogs: {}", to_string(group), error.message);
}

}  // namespace

std::span<const CheckDefinition> catalogue() { return definitions(); }

const CheckDefinition* find_check(std::string_view id) {
  const auto& all = definitions();
  const auto found = std::find_if(all.begin(), all.end(),
                                  [&](const CheckDefinition& check) { return check.id == id; });
  return found == all.end() ? nullptr : &*found;
}

const char* to_string(Status status) {
  switch (status) {
    case Status::pass:
      return "pass";
    case Status::warn:
      return "warn";
    case Status::fail:
      return "fail";
    case Status::skip:
      return "skip";
    case Status::error:
      return "error";
  }
  return "error";
}

std::vector<CheckResult> run_checks(const Facts& facts, const Scope& scope) {
  const bool connected =
      facts.connection.connected && facts.connection.failure == ConnectionFailure::none;
  std::vector<CheckResult> results;
  for (const CheckDefinition& check : definitions()) {
    CheckResult result;
    const auto& skip = scope.options.skip;
    const auto missing_group = std::find_if(check.needs.begin(), check.needs.end(),
                                            [&](FactGroup g) { return facts.errors.count(g) > 0; });
    if (std::find(skip.begin(), skip.end(), check.id) != skip.end()) {
      result = make_result(Status::skip, "skipped with --skip");
    } else if (!connected && check.id != "connection") {
      result = make_result(Status::skip, "not checked: no connection to the database");
    } else if (missing_group != check.needs.end()) {
      result = make_result(Status::error, explain(facts.errors.at(*missing_group), *missing_group));
    } else {
      result = check.evaluate(facts, scope);
    }
    result.id = check.id;
    result.title = check.title;
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace cdcpreflight
