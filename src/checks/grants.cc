// `grants.schema_usage`, `grants.table_select`: the initial load reads every
// scoped table with SELECT, which needs USAGE on its schema. Privileges are
// those of the role ClickPipes connects as (--user), evaluated by the server.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "checks/docs.h"

namespace cdcpreflight::checks {

namespace {

CheckResult role_missing(const Facts& facts) {
  return make_result(Status::skip,
                     fmt::format("role {} does not exist (see role.replication)", facts.role.name));
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

CheckResult schema_usage(const Facts& facts, const Scope& scope) {
  if (!facts.role.exists) {
    return role_missing(facts);
  }
  std::vector<std::string> details;
  Remediation fix;
  for (const std::size_t index : scope.schemas) {
    const SchemaFacts& schema = facts.schemas[index];
    if (!schema.usage) {
      details.push_back(display_identifier(schema.name));
      fix.sql.push_back(fmt::format("GRANT USAGE ON SCHEMA {} TO {};",
                                    quote_identifier(schema.name),
                                    quote_identifier(facts.role.name)));
    }
  }
  for (const std::string& missing : scope.missing_schemas) {
    details.push_back(fmt::format("{} (no such schema)", missing));
  }
  if (details.empty()) {
    return make_result(Status::pass,
                       fmt::format("{} has USAGE on {}", facts.role.name,
                                   count_of(scope.schemas.size(), "schema", "schemas")));
  }
  fix.docs = kGrantDocs;
  if (!scope.missing_schemas.empty()) {
    fix.steps.push_back("Check the --schema names: some do not exist.");
  }
  std::string summary = fmt::format("{} lacks USAGE on {}", facts.role.name,
                                    count_of(details.size(), "schema", "schemas"));
  return make_result(Status::fail, std::move(summary), std::move(details), std::move(fix));
}

CheckResult table_select(const Facts& facts, const Scope& scope) {
  if (!facts.role.exists) {
    return role_missing(facts);
  }
  const std::string role = quote_identifier(facts.role.name);
  std::vector<std::string> details;
  Remediation fix;
  std::vector<std::string> schema_grants;  // schemas granted as a whole, in order
  for (const std::size_t index : scope.tables) {
    const TableFacts& table = facts.tables[index];
    if (table.select) {
      continue;
    }
    details.push_back(display_name(table));
    if (contains(scope.whole_schemas, table.schema)) {
      if (!contains(schema_grants, table.schema)) {
        schema_grants.push_back(table.schema);
        fix.sql.push_back(fmt::format("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {};",
                                      quote_identifier(table.schema), role));
      }
    } else {
      fix.sql.push_back(fmt::format("GRANT SELECT ON {} TO {};",
                                    quote_qualified(table.schema, table.name), role));
    }
  }
  for (const std::string& missing : scope.missing_tables) {
    details.push_back(fmt::format("{} (no such table)", missing));
  }
  if (details.empty()) {
    return make_result(Status::pass, fmt::format("{} can SELECT all {}", facts.role.name,
                                                 count_of(scope.tables.size(), "table", "tables")));
  }
  fix.docs = kGrantDocs;
  if (!scope.missing_tables.empty()) {
    fix.steps.push_back("Check the --table names (SCHEMA.TABLE): some do not exist.");
  }
  std::string summary = fmt::format("{} cannot SELECT {}", facts.role.name,
                                    count_of(details.size(), "table", "tables"));
  return make_result(Status::fail, std::move(summary), std::move(details), std::move(fix));
}

}  // namespace cdcpreflight::checks
