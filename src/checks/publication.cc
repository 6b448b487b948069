// `publication.exists`, `publication.tables`: ClickPipes streams the tables of
// one publication; a scoped table outside it is never replicated. Unlogged
// tables are left out: no publication can hold them (tables.unlogged). Before
// PostgreSQL 13 a partitioned table cannot be added to a publication: its leaf
// partitions are published instead, each on its own.
#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "cdcpreflight/settings.h"
#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "remediation/docs.h"

namespace cdcpreflight::checks {

namespace {

// Statements list at most this many tables, so a fix stays reviewable.
constexpr std::size_t kTablesPerStatement = 50;

// The tables a publication must hold for the scope: the scoped tables, or
// before PostgreSQL 13 the leaf partitions in place of a partitioned table.
std::vector<const TableFacts*> publishable_tables(const Facts& facts, const Scope& scope) {
  const bool leaves_only = !capabilities_of(facts.server).publishes_partitioned_tables;
  std::set<std::pair<std::string, std::string>> partitioned_roots;
  std::vector<const TableFacts*> tables;
  for (const std::size_t index : scope.tables) {
    const TableFacts& table = facts.tables[index];
    if (table.unlogged) {
      continue;
    }
    if (leaves_only && table.kind == TableKind::partitioned) {
      partitioned_roots.emplace(table.schema, table.name);
    } else {
      tables.push_back(&table);
    }
  }
  if (!partitioned_roots.empty()) {
    for (const TableFacts& table : facts.tables) {
      if (table.is_partition && table.kind == TableKind::ordinary && !table.unlogged &&
          partitioned_roots.count({table.root_schema, table.root_name}) > 0) {
        tables.push_back(&table);
      }
    }
  }
  return tables;
}

std::string described(const TableFacts& table) {
  return table.is_partition ? fmt::format("{} (partition of {})", display_name(table),
                                          display_name(table.root_schema, table.root_name))
                            : display_name(table);
}

std::string table_list(const std::vector<const TableFacts*>& tables, std::size_t from,
                       std::size_t to) {
  std::string list;
  for (std::size_t i = from; i < to; ++i) {
    list += (i == from ? "" : ", ") + quote_qualified(tables[i]->schema, tables[i]->name);
  }
  return list;
}

CheckResult no_publication(const Facts& facts) {
  return make_result(Status::skip, fmt::format("publication {} does not exist (see "
                                               "publication.exists)",
                                               facts.publication));
}

}  // namespace

CheckResult publication_exists(const Facts& facts, const Scope& scope) {
  const PublicationFacts& publication = facts.publication_facts;
  if (publication.exists) {
    std::string contents = "listed tables";
    if (publication.all_tables) {
      contents = "FOR ALL TABLES";
    } else if (!publication.schemas.empty()) {
      contents = "listed tables and schemas";
    }
    return make_result(Status::pass,
                       fmt::format("publication {} exists ({})", publication.name, contents),
                       {fmt::format("owner: {}", publication.owner)});
  }
  const std::string name = quote_identifier(facts.publication);
  const std::vector<const TableFacts*> tables = publishable_tables(facts, scope);
  const bool partitioned = std::any_of(tables.begin(), tables.end(), [](const TableFacts* table) {
    return table->kind == TableKind::partitioned;
  });
  const std::string options =
      partitioned && capabilities_of(facts.server).publishes_partitioned_tables
          ? " WITH (publish_via_partition_root = true)"
          : "";
  Remediation fix;
  fix.docs = kPublicationDocs;
  if (!scope.narrowed()) {
    fix.sql.push_back(fmt::format("CREATE PUBLICATION {} FOR ALL TABLES{};", name, options));
    fix.steps.push_back(
        "FOR ALL TABLES needs a superuser (rds_superuser on Aurora and RDS) and also publishes "
        "tables created later. ClickPipes recommends publishing only the tables you need: run "
        "again with --schema/--table for a FOR TABLE statement.");
  } else if (!tables.empty()) {
    fix.sql.push_back(
        fmt::format("CREATE PUBLICATION {} FOR TABLE {}{};", name,
                    table_list(tables, 0, std::min(tables.size(), kTablesPerStatement)), options));
    for (std::size_t from = kTablesPerStatement; from < tables.size();
         from += kTablesPerStatement) {
      fix.sql.push_back(fmt::format(
          "ALTER PUBLICATION {} ADD TABLE {};", name,
          table_list(tables, from, std::min(tables.size(), from + kTablesPerStatement))));
    }
  } else {
    fix.steps.push_back("No table is in scope: check the --schema and --table names.");
  }
  // A publication ClickPipes creates itself (at pipe creation, when none is
  // given) needs the role to own each table it publishes.
  const auto owned = static_cast<std::size_t>(std::count_if(
      tables.begin(), tables.end(), [](const TableFacts* table) { return table->owned_by_role; }));
  std::vector<std::string> details{fmt::format(
      "{} owns {} of the {}: a publication ClickPipes creates itself needs the owner of each table",
      facts.user, owned, count_of(tables.size(), "scoped table", "scoped tables"))};
  return make_result(Status::fail, fmt::format("publication {} does not exist", facts.publication),
                     std::move(details), std::move(fix));
}

CheckResult publication_tables(const Facts& facts, const Scope& scope) {
  const PublicationFacts& publication = facts.publication_facts;
  if (!publication.exists) {
    return no_publication(facts);
  }
  const std::vector<const TableFacts*> tables = publishable_tables(facts, scope);
  if (publication.all_tables) {
    return make_result(Status::pass,
                       fmt::format("{} publishes all tables (FOR ALL TABLES)", publication.name));
  }
  std::vector<const TableFacts*> missing;
  for (const TableFacts* table : tables) {
    if (!table->published) {
      missing.push_back(table);
    }
  }
  if (missing.empty()) {
    return make_result(Status::pass,
                       fmt::format("{} publishes all {}", publication.name,
                                   count_of(tables.size(), "scoped table", "scoped tables")));
  }
  std::vector<std::string> details;
  Remediation fix;
  fix.docs = kPublicationDocs;
  const std::string name = quote_identifier(publication.name);
  for (std::size_t from = 0; from < missing.size(); from += kTablesPerStatement) {
    fix.sql.push_back(fmt::format(
        "ALTER PUBLICATION {} ADD TABLE {};", name,
        table_list(missing, from, std::min(missing.size(), from + kTablesPerStatement))));
  }
  details.reserve(missing.size());
  for (const TableFacts* table : missing) {
    details.push_back(described(*table));
  }
  return make_result(Status::fail,
                     fmt::format("{} does not publish {} of {}", publication.name,
                                 count_of(missing.size(), "table", "tables"),
                                 count_of(tables.size(), "scoped table", "scoped tables")),
                     std::move(details), std::move(fix));
}

// `publication.actions`: a publication that does not publish UPDATE or DELETE
// silently drops them; ClickPipes needs insert, update and delete.
CheckResult publication_actions(const Facts& facts, const Scope& /*scope*/) {
  const PublicationFacts& publication = facts.publication_facts;
  if (!publication.exists) {
    return no_publication(facts);
  }
  std::vector<std::string> missing;
  if (!publication.insert) {
    missing.emplace_back("insert");
  }
  if (!publication.update) {
    missing.emplace_back("update");
  }
  if (!publication.delete_) {
    missing.emplace_back("delete");
  }
  if (missing.empty()) {
    return make_result(Status::pass,
                       fmt::format("{} publishes insert, update, delete{}", publication.name,
                                   publication.truncate ? " and truncate" : ""));
  }
  Remediation fix;
  fix.sql.push_back(
      fmt::format("ALTER PUBLICATION {} SET (publish = 'insert, update, delete, truncate');",
                  quote_identifier(publication.name)));
  fix.docs = kPublicationDocs;
  std::string list;
  for (const std::string& action : missing) {
    list += (list.empty() ? "" : ", ") + action;
  }
  return make_result(Status::fail,
                     fmt::format("{} does not publish {}: those changes never reach ClickPipes",
                                 publication.name, list),
                     {"If leaving them out is deliberate (e.g. publish = 'insert, update' for an "
                      "append-only copy), run with --skip publication.actions."},
                     std::move(fix));
}

// `publication.partitions`: without publish_via_partition_root, changes to a
// partitioned table arrive under each partition's name, as separate tables.
CheckResult publication_partitions(const Facts& facts, const Scope& scope) {
  const PublicationFacts& publication = facts.publication_facts;
  if (!publication.exists) {
    return no_publication(facts);
  }
  std::vector<std::string> partitioned;
  for (const std::size_t index : scope.tables) {
    const TableFacts& table = facts.tables[index];
    if (table.kind == TableKind::partitioned && !table.unlogged) {
      partitioned.push_back(display_name(table));
    }
  }
  if (partitioned.empty()) {
    return make_result(Status::pass, "no partitioned table in scope");
  }
  if (!capabilities_of(facts.server).publishes_partitioned_tables) {
    return make_result(Status::skip,
                       "publish_via_partition_root exists from PostgreSQL 13: partitions are "
                       "published as themselves");
  }
  if (publication.via_root) {
    return make_result(Status::pass, fmt::format("{} publishes partitions through their root "
                                                 "(publish_via_partition_root)",
                                                 publication.name));
  }
  Remediation fix;
  fix.sql.push_back(fmt::format("ALTER PUBLICATION {} SET (publish_via_partition_root = true);",
                                quote_identifier(publication.name)));
  fix.docs = kPublicationDocs;
  std::string summary =
      fmt::format("{}: changes arrive under each partition's name, as separate tables",
                  count_of(partitioned.size(), "partitioned table is published without its root",
                           "partitioned tables are published without their root"));
  return make_result(Status::warn, std::move(summary), std::move(partitioned), std::move(fix));
}

}  // namespace cdcpreflight::checks
