// Safe SQL for remediations: every identifier and literal the tool prints goes
// through these, so nothing read from a server is ever spliced unquoted.
#pragma once

#include <string>
#include <string_view>

namespace cdcpreflight {

// Always double-quotes, doubling embedded quotes: we"ird -> "we""ird".
[[nodiscard]] std::string quote_identifier(std::string_view name);

// "schema"."table"
[[nodiscard]] std::string quote_qualified(std::string_view schema, std::string_view name);

// A standard-conforming string literal: it's -> 'it''s'. A backslash stays a
// backslash (standard_conforming_strings is on in every supported version).
[[nodiscard]] std::string quote_literal(std::string_view value);

// A name as a user reads it: bare when it is a plain lower-case identifier,
// quoted otherwise ("We""ird"."Table").
[[nodiscard]] std::string display_identifier(std::string_view name);
[[nodiscard]] std::string display_name(std::string_view schema, std::string_view name);

}  // namespace cdcpreflight
