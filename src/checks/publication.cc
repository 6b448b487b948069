// `publication.exists`, `publication.tables`: ClickPipes streams the tables of
// one publication; a scoped table outside it is never replicated. Unlogged
// tables are left out: no publication can hold them (tables.unlogged). Before
// PostgreSQL 13 a partitioned table cannot be added to a publication: its leaf
// partitions are published instead, each on its own.
#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "checks/docs.h"

namespace cdcpreflight::checks {

namespace {

// Statements list at most this many tables, so a fix stays reviewable.
constexpr std::size_t kTablesPerStatement = 50;

constexpr int kPartitionedPublicationsFrom = 130000;

// The tables a publication must hold for the scope: the scoped tables, or
// before PostgreSQL 13 the leaf partitions in place of a partitioned table.
std::vector<const TableFacts*> publishable_tables(const Facts& facts, const Scope& scope) {
  const bool leaves_only = facts.server.version_num < kPartitionedPublicationsFrom;
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
  const std::string name = quote_identifier(scope.options.publication);
  const std::vector<const TableFacts*> tables = publishable_tables(facts, scope);
  const bool partitioned = std::any_of(tables.begin(), tables.end(), [](const TableFacts* table) {
    return table->kind == TableKind::partitioned;
  });
  const std::string options =
      partitioned && facts.server.version_num >= kPartitionedPublicationsFrom
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
  return make_result(Status::fail,
                     fmt::format("publication {} does not exist", scope.options.publication), {},
                     std::move(fix));
}

CheckResult publication_tables(const Facts& facts, const Scope& scope) {
  const PublicationFacts& publication = facts.publication_facts;
  if (!publication.exists) {
    return make_result(Status::skip, fmt::format("publication {} does not exist (see "
                                                 "publication.exists)",
                                                 scope.options.publication));
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

}  // namespace cdcpreflight::checks
