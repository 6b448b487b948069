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
      {"connection", "Connects to the database", {}, true, checks::connection},
      {"server.version", "PostgreSQL 12 or later", {server}, true, checks::server_version},
      {"server.platform", "Platform detected", {server}, false, checks::server_platform},
      {"endpoint.writer",
       "Connected to the writer through an endpoint that follows it",
       {server},
       true,
       checks::endpoint_writer},
      {"settings.logical_replication",
       "Logical replication is enabled (wal_level = logical)",
       {server},
       true,
       checks::logical_replication},
      {"settings.wal_sender_timeout",
       "wal_sender_timeout is 0",
       {server},
       true,
       checks::wal_sender_timeout},
      {"role.replication",
       "The user may stream replication",
       {server, role},
       true,
       checks::role_replication},
      {"grants.schema_usage",
       "The user has USAGE on every scoped schema",
       {role, schemas, tables},
       true,
       checks::schema_usage},
      {"grants.table_select",
       "The user can SELECT every scoped table",
       {role, schemas, tables},
       true,
       checks::table_select},
      {"publication.exists",
       "The publication exists",
       {server, publication, tables},
       true,
       checks::publication_exists},
      {"publication.tables",
       "Every scoped table is published",
       {server, publication, tables},
       true,
       checks::publication_tables},
      {"tables.replica_identity",
       "Every scoped table has a primary key or a replica identity",
       {tables},
       true,
       checks::replica_identity},
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
