#include "cdcpreflight/sql_quote.h"

#include <fmt/format.h>

#include "util/printable.h"
#include "util/utf8.h"

namespace cdcpreflight {

namespace {

// True when a character of `text` must not be written raw: one printable()
// would escape, or (in a literal) a backslash.
bool needs_unicode_form(std::string_view text, char quote) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) {
      ++at;
      continue;
    }
    const char32_t c = utf8_code_point(text, at, length);
    if (is_hidden(c) || (quote == '\'' && c == '\\')) {
      return true;
    }
    at += length;
  }
  return false;
}

std::string quote_with(std::string_view text, char quote) {
  const bool unicode_form = needs_unicode_form(text, quote);
  std::string quoted;
  quoted.reserve(text.size() + 4);
  if (unicode_form) {
    quoted += "U&";
  }
  quoted += quote;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) {
      // Not UTF-8: there is no escape for it. It stays raw, as the server holds it.
      quoted += text[at];
      ++at;
      continue;
    }
    const char32_t c = utf8_code_point(text, at, length);
    if (c == static_cast<unsigned char>(quote)) {
      quoted += quote;
    }
    if (unicode_form && c == '\\') {
      quoted += "\\\\";
    } else if (unicode_form && is_hidden(c)) {
      quoted += c <= 0xFFFF ? fmt::format("\\{:04X}", static_cast<unsigned>(c))
                            : fmt::format("\\+{:06X}", static_cast<unsigned>(c));
    } else {
      quoted.append(text.substr(at, length));
    }
    at += length;
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
