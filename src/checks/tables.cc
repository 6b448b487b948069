// `tables.replica_identity`: UPDATE and DELETE are decoded with the row's
// replica identity: a primary key, an index marked REPLICA IDENTITY, or FULL.
// Without one, PostgreSQL already rejects UPDATE and DELETE on a table in a
// publication that publishes them. Each partition needs its own (the check runs
// on the leaf that holds the row), so partitions are checked one by one.
#include <set>
#include <utility>

#include <fmt/format.h>

#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "checks/docs.h"

namespace cdcpreflight::checks {

namespace {

// Why the table has no usable replica identity, or empty when it has one.
std::string identity_problem(const TableFacts& table) {
  switch (table.replica_identity) {
    case ReplicaIdentity::full:
      return {};
    case ReplicaIdentity::index:
      return table.has_replica_identity_index ? std::string{}
                                              : "REPLICA IDENTITY USING INDEX names no index";
    case ReplicaIdentity::nothing:
      return "REPLICA IDENTITY NOTHING";
    case ReplicaIdentity::default_key:
      return table.has_primary_key ? std::string{} : "no primary key";
  }
  return {};
}

}  // namespace

CheckResult replica_identity(const Facts& facts, const Scope& scope) {
  // A partition is published when its root is (pg_publication_rel holds the root).
  std::set<std::pair<std::string, std::string>> published_roots;
  for (const TableFacts& table : facts.tables) {
    if (!table.is_partition && table.published) {
      published_roots.emplace(table.schema, table.name);
    }
  }
  std::vector<std::string> details;
  Remediation fix;
  std::size_t published = 0;
  for (const std::size_t index : scope.identity_tables) {
    const TableFacts& table = facts.tables[index];
    const std::string problem = identity_problem(table);
    if (problem.empty()) {
      continue;
    }
    details.push_back(fmt::format("{} ({})", display_name(table), problem));
    fix.sql.push_back(fmt::format("ALTER TABLE {} REPLICA IDENTITY FULL;",
                                  quote_qualified(table.schema, table.name)));
    if (table.published || facts.publication_facts.all_tables ||
        (table.is_partition && published_roots.count({table.root_schema, table.root_name}) > 0)) {
      ++published;
    }
  }
  if (details.empty()) {
    return make_result(Status::pass, fmt::format("{} a primary key or a replica identity",
                                                 scope.identity_tables.size() == 1
                                                     ? std::string("the 1 table has")
                                                     : fmt::format("all {} tables have",
                                                                   scope.identity_tables.size())));
  }
  const std::size_t count = details.size();
  if (published > 0 && (facts.publication_facts.update || facts.publication_facts.delete_)) {
    details.insert(details.begin(),
                   fmt::format("UPDATE and DELETE on {} of them already fail on the source: "
                               "publication {} publishes them",
                               published, facts.publication_facts.name));
  }
  fix.steps.push_back(
      "Better still, add a primary key (ALTER TABLE … ADD PRIMARY KEY (…)): REPLICA IDENTITY "
      "FULL logs the whole old row on every UPDATE and DELETE.");
  fix.docs = kReplicaIdentityDocs;
  return make_result(Status::fail,
                     fmt::format("{} no primary key or replica identity: UPDATE and DELETE "
                                 "cannot be replicated",
                                 count_of(count, "table has", "tables have")),
                     std::move(details), std::move(fix));
}

}  // namespace cdcpreflight::checks
