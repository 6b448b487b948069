// `grants.schema_usage`, `grants.table_select`: the initial load reads every
// scoped table with SELECT, which needs USAGE on its schema. Privileges are
// those of the role ClickPipes connects as (--user), evaluated by the server.
#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "remediation/docs.h"

namespace cdcpreflight::checks {

namespace {

CheckResult role_missing(const Facts& facts) {
  return make_result(Status::skip,
                     fmt::format("role {} does not exist (see role.login)", facts.role.name));
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
  const std::set<std::string_view> whole_schemas(scope.whole_schemas.begin(),
                                                 scope.whole_schemas.end());
  std::set<std::string_view> schema_grants;  // schemas granted as a whole
  for (const std::size_t index : scope.tables) {
    const TableFacts& table = facts.tables[index];
    if (table.select) {
      continue;
    }
    details.push_back(display_name(table));
    if (whole_schemas.count(table.schema) > 0) {
      if (schema_grants.insert(table.schema).second) {
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

// `grants.default_privileges`: tables created after the pipe starts must be
// readable too. New tables get the default privileges of the role that creates
// them: the owner's entry for all schemas merged with its entry for the schema.
CheckResult default_privileges(const Facts& facts, const Scope& scope) {
  const RoleFacts& role = facts.role;
  if (!role.exists) {
    return role_missing(facts);
  }
  if (role.superuser) {
    return make_result(Status::pass,
                       fmt::format("{} is a superuser: it reads every table", role.name));
  }
  const auto covered = [&](const std::string& owner, const std::string& schema) {
    return std::any_of(facts.default_privileges.begin(), facts.default_privileges.end(),
                       [&](const DefaultPrivilegeFacts& entry) {
                         return entry.owner == owner && entry.grants_select &&
                                (entry.schema.empty() || entry.schema == schema);
                       });
  };
  // Per scoped schema: the roles owning its scoped tables (the schema's owner
  // when it has none), less the ones whose privileges the user has.
  std::map<std::string, std::set<std::string>> owners;  // schema -> owners
  std::set<std::pair<std::string, std::string>> owned_by_user;
  for (const std::size_t index : scope.schemas) {
    owners[facts.schemas[index].name];
  }
  for (const std::size_t index : scope.tables) {
    const TableFacts& table = facts.tables[index];
    owners[table.schema].insert(table.owner);
    if (table.owned_by_role) {
      owned_by_user.emplace(table.schema, table.owner);
    }
  }
  for (const std::size_t index : scope.schemas) {
    const SchemaFacts& schema = facts.schemas[index];
    if (owners[schema.name].empty()) {
      owners[schema.name].insert(schema.owner);
    }
  }
  std::vector<std::string> details;
  Remediation fix;
  const std::string user = quote_identifier(role.name);
  std::size_t checked = 0;
  for (const auto& [schema, schema_owners] : owners) {
    for (const std::string& owner : schema_owners) {
      if (owner == role.name || owned_by_user.count({schema, owner}) > 0) {
        continue;
      }
      ++checked;
      if (covered(owner, schema)) {
        continue;
      }
      details.push_back(fmt::format("{}: tables created by {}", display_identifier(schema),
                                    display_identifier(owner)));
      fix.sql.push_back(fmt::format(
          "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT ON TABLES TO {};",
          quote_identifier(owner), quote_identifier(schema), user));
    }
  }
  if (details.empty()) {
    return make_result(Status::pass,
                       fmt::format("tables created later in the scoped schemas will be readable "
                                   "by {}",
                                   role.name),
                       {fmt::format("{} checked", count_of(checked, "owner", "owners"))});
  }
  fix.steps.push_back(
      "ALTER DEFAULT PRIVILEGES FOR ROLE needs membership in that role (or superuser); run "
      "each statement as that owner otherwise.");
  fix.docs = kDefaultPrivilegesDocs;
  std::string summary = fmt::format(
      "tables created later by {} will not be readable by {}",
      count_of(details.size(), "owner in a scoped schema", "owners in scoped schemas"), role.name);
  return make_result(Status::warn, std::move(summary), std::move(details), std::move(fix));
}

}  // namespace cdcpreflight::checks
