// `publication.exists`, `publication.tables`: ClickPipes streams the tables of
// one publication; a scoped table outside it is never replicated. Unlogged
// tables are left out: no publication can hold them (tables.unlogged). Before
// PostgreSQL 13 a partitioned table cannot be added to a publication: its leaf
// partitions are published instead, each on its own. A TimescaleDB hypertable
// keeps its rows in chunks, inheritance children in _timescaledb_internal, and
// logical decoding sends a change as one of the chunk (ClickPipes maps it back
// to the hypertable): the publication must hold the chunks too.
#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "cdcpreflight/platform.h"
#include "cdcpreflight/settings.h"
#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "remediation/docs.h"

namespace cdcpreflight::checks {

namespace {

// Statements list at most this many tables, so a fix stays reviewable.
constexpr std::size_t kTablesPerStatement = 50;

constexpr std::string_view kTimescaleChunkSchema = "_timescaledb_internal";
// FOR TABLES IN SCHEMA exists from PostgreSQL 15, and only a superuser may
// publish a schema.
constexpr int kSchemaPublicationVersion = 150000;
constexpr const char* kChunkSchemaStep =
    "Publishing a schema needs a superuser; it also publishes the chunks TimescaleDB creates "
    "later.";

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

struct Hypertable {
  const TableFacts* table = nullptr;
  std::vector<const TableFacts*> chunks;       // its chunks that a publication can hold
  std::vector<const TableFacts*> unpublished;  // those of them the publication lacks
};

bool publishes_chunk_schema(const PublicationFacts& publication) {
  return publication.all_tables || std::find(publication.schemas.begin(), publication.schemas.end(),
                                             kTimescaleChunkSchema) != publication.schemas.end();
}

// The hypertables among `tables`, with the TimescaleDB extension installed:
// the tables with inheritance children in _timescaledb_internal (its own
// internal hypertables, of compressed chunks, are not the user's).
std::vector<Hypertable> hypertables(const Facts& facts,
                                    const std::vector<const TableFacts*>& tables) {
  std::vector<Hypertable> found;
  if (facts.server.extensions.count("timescaledb") == 0) {
    return found;
  }
  std::map<std::pair<std::string_view, std::string_view>, std::size_t> index;
  for (const TableFacts* table : tables) {
    if (table->schema != kTimescaleChunkSchema) {
      index.emplace(std::pair<std::string_view, std::string_view>{table->schema, table->name},
                    index.size());
    }
  }
  std::vector<Hypertable> by_index(index.size());
  const PublicationFacts& publication = facts.publication_facts;
  const bool whole_schema = publication.exists && publishes_chunk_schema(publication);
  for (const TableFacts& table : facts.tables) {
    if (table.schema != kTimescaleChunkSchema || table.parent_name.empty() || table.unlogged) {
      continue;
    }
    const auto parent = index.find({table.parent_schema, table.parent_name});
    if (parent == index.end()) {
      continue;
    }
    Hypertable& hypertable = by_index[parent->second];
    hypertable.chunks.push_back(&table);
    if (!table.published && !whole_schema) {
      hypertable.unpublished.push_back(&table);
    }
  }
  for (const TableFacts* table : tables) {
    const auto at = index.find({table->schema, table->name});
    if (at != index.end() && !by_index[at->second].chunks.empty()) {
      by_index[at->second].table = table;
      found.push_back(std::move(by_index[at->second]));
    }
  }
  return found;
}

// "3 chunks of hypertable public.metrics", "5 chunks of hypertables a, b"
std::string chunks_of(const std::vector<const Hypertable*>& hypertables) {
  std::size_t chunks = 0;
  std::string names;
  for (const Hypertable* hypertable : hypertables) {
    chunks += hypertable->unpublished.size();
    names += (names.empty() ? "" : ", ") + display_name(*hypertable->table);
  }
  return fmt::format("{} of {} {}", count_of(chunks, "chunk", "chunks"),
                     hypertables.size() == 1 ? "hypertable" : "hypertables", names);
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
    // A hypertable's chunks join it: their schema from PostgreSQL 15, else each chunk.
    const std::vector<Hypertable> found = hypertables(facts, tables);
    std::vector<const TableFacts*> listed = tables;
    std::string chunk_schema;
    if (!found.empty()) {
      fix.docs = platform_info(Platform::timescale).setup_docs;
      if (facts.server.version_num >= kSchemaPublicationVersion) {
        chunk_schema =
            fmt::format(", TABLES IN SCHEMA {}", quote_identifier(kTimescaleChunkSchema));
      } else {
        const std::set<const TableFacts*> scoped(tables.begin(), tables.end());
        for (const Hypertable& hypertable : found) {
          std::copy_if(hypertable.chunks.begin(), hypertable.chunks.end(),
                       std::back_inserter(listed),
                       [&](const TableFacts* chunk) { return scoped.count(chunk) == 0; });
        }
      }
    }
    fix.sql.push_back(
        fmt::format("CREATE PUBLICATION {} FOR TABLE {}{}{};", name,
                    table_list(listed, 0, std::min(listed.size(), kTablesPerStatement)),
                    chunk_schema, options));
    for (std::size_t from = kTablesPerStatement; from < listed.size();
         from += kTablesPerStatement) {
      fix.sql.push_back(fmt::format(
          "ALTER PUBLICATION {} ADD TABLE {};", name,
          table_list(listed, from, std::min(listed.size(), from + kTablesPerStatement))));
    }
    if (!chunk_schema.empty()) {
      fix.steps.emplace_back(kChunkSchemaStep);
    }
    if (listed.size() > tables.size()) {
      fix.steps.emplace_back(
          "The statements list the hypertables' chunks: TimescaleDB creates new ones as data "
          "arrives, each to be added to the publication as it is created (FOR TABLES IN SCHEMA "
          "_timescaledb_internal needs PostgreSQL 15).");
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
  const std::vector<Hypertable> found = hypertables(facts, tables);
  std::vector<const Hypertable*> lacking_chunks;
  std::set<const TableFacts*> chunks;  // judged with their hypertable, not as tables of their own
  for (const Hypertable& hypertable : found) {
    chunks.insert(hypertable.chunks.begin(), hypertable.chunks.end());
    if (!hypertable.unpublished.empty()) {
      lacking_chunks.push_back(&hypertable);
    }
  }
  std::vector<const TableFacts*> missing;
  std::size_t scoped = 0;  // the tables judged as themselves
  for (const TableFacts* table : tables) {
    if (chunks.count(table) > 0) {
      continue;
    }
    ++scoped;
    if (!table->published) {
      missing.push_back(table);
    }
  }
  if (missing.empty() && lacking_chunks.empty()) {
    return make_result(
        Status::pass,
        fmt::format(
            "{} publishes all {}{}", publication.name,
            count_of(scoped, "scoped table", "scoped tables"),
            found.empty()
                ? ""
                : fmt::format(" and the {} of {}", count_of(chunks.size(), "chunk", "chunks"),
                              count_of(found.size(), "hypertable", "hypertables"))));
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
  details.reserve(missing.size() + lacking_chunks.size());
  for (const TableFacts* table : missing) {
    details.push_back(described(*table));
  }
  std::vector<std::string> parts;
  if (!missing.empty()) {
    parts.push_back(fmt::format("{} of {}", count_of(missing.size(), "table", "tables"),
                                count_of(scoped, "scoped table", "scoped tables")));
  }
  if (!lacking_chunks.empty()) {
    std::vector<const TableFacts*> unpublished;
    for (const Hypertable* hypertable : lacking_chunks) {
      details.push_back(fmt::format(
          "{} (hypertable): {} of its {} in {} are not published: changes to its rows would "
          "not reach ClickPipes",
          display_name(*hypertable->table), hypertable->unpublished.size(),
          count_of(hypertable->chunks.size(), "chunk", "chunks"), kTimescaleChunkSchema));
      unpublished.insert(unpublished.end(), hypertable->unpublished.begin(),
                         hypertable->unpublished.end());
    }
    if (facts.server.version_num >= kSchemaPublicationVersion) {
      fix.sql.push_back(fmt::format("ALTER PUBLICATION {} ADD TABLES IN SCHEMA {};", name,
                                    quote_identifier(kTimescaleChunkSchema)));
      fix.steps.emplace_back(kChunkSchemaStep);
    } else {
      for (std::size_t from = 0; from < unpublished.size(); from += kTablesPerStatement) {
        fix.sql.push_back(
            fmt::format("ALTER PUBLICATION {} ADD TABLE {};", name,
                        table_list(unpublished, from,
                                   std::min(unpublished.size(), from + kTablesPerStatement))));
      }
      fix.steps.push_back(fmt::format(
          "TimescaleDB creates new chunks as data arrives: add each to the publication as it "
          "is created (ALTER PUBLICATION … ADD TABLE), or it is not replicated. FOR TABLES IN "
          "SCHEMA {}, which would publish them all, needs PostgreSQL 15.",
          kTimescaleChunkSchema));
    }
    fix.docs = platform_info(Platform::timescale).setup_docs;
    parts.push_back(chunks_of(lacking_chunks));
  }
  return make_result(
      Status::fail,
      fmt::format("{} does not publish {}", publication.name,
                  parts.size() == 1 ? parts.front() : parts.front() + ", nor " + parts.back()),
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
