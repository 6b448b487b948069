// `tables.replica_identity`: UPDATE and DELETE are decoded with the row's
// replica identity: a primary key, an index marked REPLICA IDENTITY, or FULL.
// Without one, PostgreSQL already rejects UPDATE and DELETE on a table in a
// publication that publishes them. Each partition needs its own (the check runs
// on the leaf that holds the row), so partitions are checked one by one.
#include <set>
#include <utility>

#include <fmt/format.h>

#include "cdcpreflight/platform.h"
#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "remediation/docs.h"

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

// `tables.toast`: with a key as replica identity, an UPDATE that leaves a value
// stored out of line (TOAST) unchanged does not log it, and it reaches
// ClickPipes empty. Only a table that both can store values out of line and
// does (evidence: its TOAST relation holds data) is warned about; one that
// could but holds none yet is named in the details: no warning without
// evidence.
CheckResult toast(const Facts& facts, const Scope& scope) {
  std::vector<std::string> affected;
  std::vector<std::string> could;
  Remediation fix;
  for (const std::size_t index : scope.identity_tables) {
    const TableFacts& table = facts.tables[index];
    // A table without a usable replica identity is tables.replica_identity's
    // failure, whose fix (REPLICA IDENTITY FULL) is this one's too.
    if (!table.has_toastable_columns || table.replica_identity == ReplicaIdentity::full ||
        !identity_problem(table).empty()) {
      continue;
    }
    if (!table.toast_holds_data) {
      could.push_back(fmt::format("{} could store values out of line, but holds none yet",
                                  display_name(table)));
      continue;
    }
    affected.push_back(display_name(table));
    fix.sql.push_back(fmt::format("ALTER TABLE {} REPLICA IDENTITY FULL;",
                                  quote_qualified(table.schema, table.name)));
  }
  if (affected.empty()) {
    return make_result(Status::pass,
                       "no scoped table without REPLICA IDENTITY FULL stores values out of line "
                       "(TOAST)",
                       std::move(could));
  }
  fix.steps.push_back(
      "REPLICA IDENTITY FULL logs the whole old row on every UPDATE and DELETE: more WAL. "
      "Keep the default where the large columns never change after INSERT.");
  fix.docs = kToastDocs;
  std::string summary = fmt::format(
      "{} values out of line (TOAST) without REPLICA IDENTITY FULL: unchanged TOAST values "
      "arrive empty on UPDATE",
      count_of(affected.size(), "table stores", "tables store"));
  affected.insert(affected.end(), could.begin(), could.end());
  return make_result(Status::warn, std::move(summary), std::move(affected), std::move(fix));
}

// `tables.generated_columns`: pgoutput does not send generated columns (from
// PostgreSQL 18 it sends the stored ones when the publication has
// publish_generated_columns = stored; virtual ones never), so they arrive
// empty; one in the primary key or the replica identity index leaves the key
// of every change incomplete.
CheckResult generated_columns(const Facts& facts, const Scope& scope) {
  const bool stored_sent = facts.publication_facts.publishes_generated_columns;
  std::vector<std::string> missing;
  std::vector<std::string> in_key;
  Remediation fix;
  for (const std::size_t index : scope.tables) {
    const TableFacts& table = facts.tables[index];
    std::vector<std::string> columns = table.virtual_generated_columns;
    if (!stored_sent) {
      columns.insert(columns.begin(), table.generated_columns.begin(),
                     table.generated_columns.end());
    }
    if (columns.empty()) {
      continue;
    }
    std::string names;
    for (const std::string& column : columns) {
      names += (names.empty() ? "" : ", ") + display_identifier(column);
    }
    missing.push_back(fmt::format("{} ({})", display_name(table), names));
    if (table.generated_in_key) {
      in_key.push_back(display_name(table));
    }
  }
  if (missing.empty()) {
    return make_result(Status::pass, "no scoped table has a generated column pgoutput leaves out");
  }
  fix.docs = kGeneratedColumnsDocs;
  fix.steps.push_back(
      "Compute the column in ClickHouse instead (a MATERIALIZED or ALIAS column over the "
      "replicated ones), or make it an ordinary column filled by the application or a trigger.");
  if (facts.server.version_num >= 180000 && !stored_sent) {
    fix.sql.push_back(fmt::format("ALTER PUBLICATION {} SET (publish_generated_columns = stored);",
                                  quote_identifier(facts.publication)));
    fix.steps.push_back(
        "On PostgreSQL 18, publish_generated_columns = stored sends the stored generated "
        "columns (virtual ones are never sent).");
  }
  if (!in_key.empty()) {
    // PostgreSQL 18 refuses UPDATE and DELETE on a published table whose
    // replica identity holds an unpublished generated column.
    const bool refused_on_source =
        facts.server.version_num >= 180000 &&
        (facts.publication_facts.update || facts.publication_facts.delete_);
    std::string summary = fmt::format(
        "{} a generated column in its key: {}", count_of(in_key.size(), "table has", "tables have"),
        refused_on_source ? "UPDATE and DELETE on it already fail on the source (PostgreSQL 18 "
                            "refuses them while the publication leaves the column out)"
                          : "changes arrive without their key");
    for (const std::string& table : in_key) {
      missing.insert(missing.begin(), fmt::format("{}: a generated column is in its primary "
                                                  "key or replica identity index",
                                                  table));
    }
    return make_result(Status::fail, std::move(summary), std::move(missing), std::move(fix));
  }
  std::string summary =
      fmt::format("{} generated columns that pgoutput does not send: they arrive empty",
                  count_of(missing.size(), "table has", "tables have"));
  return make_result(Status::warn, std::move(summary), std::move(missing), std::move(fix));
}

// `tables.names`: ClickPipes does not support a dot in a schema or table name.
CheckResult names(const Facts& facts, const Scope& scope) {
  std::vector<std::string> details;
  Remediation fix;
  for (const std::size_t index : scope.schemas) {
    const SchemaFacts& schema = facts.schemas[index];
    if (schema.name.find('.') != std::string::npos) {
      details.push_back(fmt::format("schema {}", display_identifier(schema.name)));
      fix.steps.push_back(fmt::format("ALTER SCHEMA {} RENAME TO <new name without a dot>;",
                                      quote_identifier(schema.name)));
    }
  }
  for (const std::size_t index : scope.tables) {
    const TableFacts& table = facts.tables[index];
    if (table.name.find('.') != std::string::npos) {
      details.push_back(fmt::format("table {}", display_name(table)));
      fix.steps.push_back(fmt::format("ALTER TABLE {} RENAME TO <new name without a dot>;",
                                      quote_qualified(table.schema, table.name)));
    }
  }
  if (details.empty()) {
    return make_result(Status::pass, "no scoped schema or table name contains a dot");
  }
  fix.steps.insert(fix.steps.begin(),
                   "Rename them (applications using the old names must follow), or leave them "
                   "out of the pipe with --schema/--table and the publication.");
  std::string summary = fmt::format("{} a dot, which ClickPipes does not support",
                                    count_of(details.size(), "name contains", "names contain"));
  return make_result(Status::fail, std::move(summary), std::move(details), std::move(fix));
}

// `tables.unlogged`: unlogged tables write no WAL, so logical decoding never
// sees their changes.
CheckResult unlogged(const Facts& facts, const Scope& scope) {
  std::vector<std::string> details;
  Remediation fix;
  for (const std::size_t index : scope.tables) {
    const TableFacts& table = facts.tables[index];
    if (table.unlogged) {
      details.push_back(display_name(table));
      fix.sql.push_back(
          fmt::format("ALTER TABLE {} SET LOGGED;", quote_qualified(table.schema, table.name)));
    }
  }
  if (details.empty()) {
    return make_result(Status::pass, "no scoped table is UNLOGGED");
  }
  fix.steps.push_back(
      "SET LOGGED rewrites the table under an ACCESS EXCLUSIVE lock: plan a window for large "
      "tables, then add it to the publication (publication.tables).");
  fix.docs = kAlterTableDocs;
  std::string summary = fmt::format("{} UNLOGGED: {} never replicated",
                                    count_of(details.size(), "table is", "tables are"),
                                    details.size() == 1 ? "it is" : "they are");
  return make_result(Status::warn, std::move(summary), std::move(details), std::move(fix));
}

// `tables.rls`: row-level security filters what ClickPipes reads, without an
// error: rows would be silently missing.
CheckResult row_security(const Facts& facts, const Scope& scope) {
  const RoleFacts& role = facts.role;
  if (!role.exists) {
    return make_result(Status::skip,
                       fmt::format("role {} does not exist (see role.login)", role.name));
  }
  if (role.superuser || role.bypass_rls) {
    return make_result(Status::pass, fmt::format("{} bypasses row-level security ({})", role.name,
                                                 role.superuser ? "superuser" : "BYPASSRLS"));
  }
  std::vector<std::string> details;
  Remediation fix;
  for (const std::size_t index : scope.tables) {
    const TableFacts& table = facts.tables[index];
    // Owners bypass their tables' policies unless FORCE ROW LEVEL SECURITY.
    if (table.row_security && (!table.owned_by_role || table.force_row_security) &&
        !table.policy_reads_all) {
      details.push_back(display_name(table));
      fix.sql.push_back(
          fmt::format("CREATE POLICY cdc_read_all ON {} FOR SELECT TO {} USING (true);",
                      quote_qualified(table.schema, table.name), quote_identifier(role.name)));
    }
  }
  if (details.empty()) {
    return make_result(Status::pass, "no scoped table filters rows for " + role.name);
  }
  if (platform_of(facts) == Platform::supabase) {
    // The Supabase setup guide's way; there postgres may give BYPASSRLS.
    fix.sql = {fmt::format("ALTER ROLE {} BYPASSRLS;", quote_identifier(role.name))};
    fix.steps = {
        "The Supabase setup guide lets the ClickPipes role bypass row-level security; run "
        "it as postgres."};
    fix.docs = platform_info(Platform::supabase).setup_docs;
  } else {
    fix.steps.push_back(fmt::format(
        "Or let the role bypass every policy: ALTER ROLE {} BYPASSRLS (needs a superuser).",
        quote_identifier(role.name)));
    fix.docs = kRowSecurityDocs;
  }
  std::string summary =
      fmt::format("{} row-level security that {} does not bypass: rows would be silently missing",
                  count_of(details.size(), "table has", "tables have"), role.name);
  return make_result(Status::warn, std::move(summary), std::move(details), std::move(fix));
}

}  // namespace cdcpreflight::checks
