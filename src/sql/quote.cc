#include "cdcpreflight/sql_quote.h"

namespace cdcpreflight {

namespace {

std::string quote_with(std::string_view text, char quote) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += quote;
  for (const char c : text) {
    if (c == quote) {
      quoted += quote;
    }
    quoted += c;
  }
  quoted += quote;
  return quoted;
}

}  // namespace

std::string quote_identifier(std::string_view name) { return quote_with(name, '"'); }

std::string quote_qualified(std::string_view schema, std::string_view name) {
  return quote_identifier(schema) + "." + quote_identifier(name);
}

std::string quote_literal(std::string_view value) { return quote_with(value, '\''); }

}  // namespace cdcpreflight
