// Resolves --schema/--table against the facts: which tables ClickPipes would
// read (partitions represented by their root) and which need a replica identity.
#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "cdcpreflight/check.h"
#include "checks/scope_names.h"

namespace cdcpreflight {

namespace {

std::string key(std::string_view schema, std::string_view name) {
  std::string joined(schema);
  joined += '\0';
  joined += name;
  return joined;
}

// Which root tables (not partitions) are in scope, by index into facts.tables,
// and the --table names found.
struct RootsInScope {
  std::vector<bool> in_scope;
  std::unordered_map<std::string, std::size_t> root_index;  // key -> index in facts.tables
  std::vector<std::string> missing_tables;
};

RootsInScope roots_in_scope(const Facts& facts, const ScopeRequest& request, bool narrowed,
                            const std::set<std::string>& named_schemas) {
  // --table names, as (schema, table) keys; unparsable ones were refused by the CLI.
  std::unordered_map<std::string, std::string> named_tables;  // key -> as written
  for (const std::string& written : request.tables) {
    if (const auto name = parse_table_name(written)) {
      named_tables.emplace(key(name->schema, name->table), written);
    }
  }
  std::unordered_set<std::string> found_tables;
  RootsInScope roots;
  roots.in_scope.assign(facts.tables.size(), false);
  for (std::size_t i = 0; i < facts.tables.size(); ++i) {
    const TableFacts& table = facts.tables[i];
    if (table.is_partition) {
      continue;
    }
    const std::string table_key = key(table.schema, table.name);
    roots.root_index.emplace(table_key, i);
    bool wanted = !narrowed || named_schemas.count(table.schema) > 0;
    if (named_tables.count(table_key) > 0) {
      wanted = true;
      found_tables.insert(table_key);
    }
    roots.in_scope[i] = wanted;
  }
  // A partition named with --table stands for its root.
  for (const TableFacts& table : facts.tables) {
    if (!table.is_partition || named_tables.count(key(table.schema, table.name)) == 0) {
      continue;
    }
    if (const auto root = roots.root_index.find(key(table.root_schema, table.root_name));
        root != roots.root_index.end()) {
      roots.in_scope[root->second] = true;
      found_tables.insert(key(table.schema, table.name));
    }
  }
  for (const auto& [table_key, written] : named_tables) {
    if (found_tables.count(table_key) == 0) {
      roots.missing_tables.push_back(written);
    }
  }
  std::sort(roots.missing_tables.begin(), roots.missing_tables.end());
  return roots;
}

// The scoped tables and the tables whose replica identity matters, and the
// schemas holding scoped tables.
std::set<std::string> place_tables(const Facts& facts, const RootsInScope& roots, Scope& scope) {
  std::set<std::string> scoped_schemas;
  for (std::size_t i = 0; i < facts.tables.size(); ++i) {
    const TableFacts& table = facts.tables[i];
    if (!table.is_partition && roots.in_scope[i]) {
      scope.tables.push_back(i);
      scoped_schemas.insert(table.schema);
    }
    bool root_in_scope = roots.in_scope[i];
    if (table.is_partition) {
      const auto root = roots.root_index.find(key(table.root_schema, table.root_name));
      root_in_scope = root != roots.root_index.end() && roots.in_scope[root->second];
    }
    if (root_in_scope && table.kind == TableKind::ordinary && !table.unlogged) {
      scope.identity_tables.push_back(i);
    }
  }
  return scoped_schemas;
}

}  // namespace

Scope resolve_scope(const Facts& facts, const ScopeRequest& request) {
  Scope scope;
  scope.request = request;
  const std::set<std::string> named_schemas(request.schemas.begin(), request.schemas.end());
  RootsInScope roots = roots_in_scope(facts, request, scope.narrowed(), named_schemas);
  scope.missing_tables = std::move(roots.missing_tables);
  std::set<std::string> scoped_schemas = place_tables(facts, roots, scope);
  scoped_schemas.insert(named_schemas.begin(), named_schemas.end());

  std::set<std::string> existing_schemas;
  for (std::size_t i = 0; i < facts.schemas.size(); ++i) {
    existing_schemas.insert(facts.schemas[i].name);
    if (scoped_schemas.count(facts.schemas[i].name) > 0) {
      scope.schemas.push_back(i);
    }
  }
  for (const std::string& schema : request.schemas) {
    if (existing_schemas.count(schema) == 0) {
      scope.missing_schemas.push_back(schema);
    }
  }
  for (const std::string& schema : scoped_schemas) {
    if (request.tables.empty() || named_schemas.count(schema) > 0) {
      scope.whole_schemas.push_back(schema);
    }
  }
  return scope;
}

namespace {

// Reads one part from `text` at `at`; advances `at` past it.
std::optional<std::string> read_part(std::string_view text, std::size_t& at) {
  std::string part;
  if (at < text.size() && text[at] == '"') {
    ++at;
    while (true) {
      if (at >= text.size()) {
        return std::nullopt;  // unterminated quote
      }
      if (text[at] == '"') {
        if (at + 1 < text.size() && text[at + 1] == '"') {
          part += '"';
          at += 2;
          continue;
        }
        ++at;
        break;
      }
      part += text[at++];
    }
  } else {
    while (at < text.size() && text[at] != '.') {
      if (text[at] == '"') {
        return std::nullopt;
      }
      part += text[at++];
    }
  }
  if (part.empty()) {
    return std::nullopt;
  }
  return part;
}

}  // namespace

std::optional<TableName> parse_table_name(std::string_view text) {
  std::size_t at = 0;
  auto schema = read_part(text, at);
  if (!schema || at >= text.size() || text[at] != '.') {
    return std::nullopt;
  }
  ++at;
  auto table = read_part(text, at);
  if (!table || at != text.size()) {
    return std::nullopt;
  }
  return TableName{std::move(*schema), std::move(*table)};
}

}  // namespace cdcpreflight
