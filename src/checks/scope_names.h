// --table SCHEMA.TABLE parsing, shared by the command line (to refuse a bad
// name up front) and scope resolution.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cdcpreflight {

struct TableName {
  std::string schema;
  std::string table;
};

// SCHEMA.TABLE, either part optionally double-quoted as in SQL ("my.schema"."T""x");
// unquoted parts are taken as written. nullopt when there is no schema part or
// the quoting is broken.
[[nodiscard]] std::optional<TableName> parse_table_name(std::string_view text);

}  // namespace cdcpreflight
