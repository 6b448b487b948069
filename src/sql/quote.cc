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

namespace {

bool is_plain_identifier(std::string_view name) {
  if (name.empty() || !((name.front() >= 'a' && name.front() <= 'z') || name.front() == '_')) {
    return false;
  }
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string display_identifier(std::string_view name) {
  return is_plain_identifier(name) ? std::string(name) : quote_identifier(name);
}

std::string display_name(std::string_view schema, std::string_view name) {
  return display_identifier(schema) + "." + display_identifier(name);
}

}  // namespace cdcpreflight
