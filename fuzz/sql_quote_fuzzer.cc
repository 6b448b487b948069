// Identifier and literal quoting (include/cdcpreflight/sql_quote.h) on arbitrary
// bytes. Properties, checked by a reference reading of PostgreSQL's lexer (scan.l):
// the quoted text is exactly one token, whatever SQL follows it (but the same
// quote), and that token reads back as the input; quote_qualified is two such
// tokens around a dot. The Unicode-escape form (U&"…", U&'…') is used exactly
// when the input holds a character printable() would escape (or, in a literal, a
// backslash), and then no such character is left raw. A plain literal also reads
// back with standard_conforming_strings off (where the server refuses a U& one).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "cdcpreflight/sql_quote.h"
#include "util/printable.h"
#include "util/utf8.h"

namespace {

using cdcpreflight::is_hidden;
using cdcpreflight::utf8_code_point;
using cdcpreflight::utf8_sequence_length;

struct Token {
  std::string value;
  std::size_t length = 0;  // bytes of SQL the token spans
};

enum class Backslash { literal, escapes };

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// `digits` hexadecimal digits at `at`, or nullopt.
std::optional<char32_t> hex(std::string_view sql, std::size_t at, std::size_t digits) {
  if (at + digits > sql.size()) {
    return std::nullopt;
  }
  char32_t value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = sql[at + i];
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                             : -1;
    if (digit < 0) {
      return std::nullopt;
    }
    value = value * 16 + static_cast<char32_t>(digit);
  }
  return value;
}

// The token at the start of `sql`, delimited by `quote` (doubled inside) and
// optionally prefixed by U& (then \XXXX, \+XXXXXX and \\ are escapes, as the
// server reads them with the default UESCAPE), or nullopt when `sql` does not
// start with a complete one. With Backslash::escapes (a plain '…' literal when
// standard_conforming_strings is off) a backslash escapes the next byte.
std::optional<Token> read_quoted(std::string_view sql, char quote, Backslash backslash) {
  const bool unicode = sql.size() >= 3 && (sql[0] == 'U' || sql[0] == 'u') && sql[1] == '&';
  const std::size_t open = unicode ? 2 : 0;
  if (sql.size() <= open || sql[open] != quote) {
    return std::nullopt;
  }
  Token token;
  for (std::size_t at = open + 1; at < sql.size(); ++at) {
    const char c = sql[at];
    if (unicode && c == '\\') {
      if (at + 1 < sql.size() && sql[at + 1] == '\\') {
        token.value += '\\';
        ++at;
        continue;
      }
      const bool long_form = at + 1 < sql.size() && sql[at + 1] == '+';
      const std::optional<char32_t> code = hex(sql, at + (long_form ? 2 : 1), long_form ? 6 : 4);
      if (!code || *code > 0x10FFFF || (*code >= 0xD800 && *code <= 0xDFFF)) {
        return std::nullopt;  // the server refuses it: "invalid Unicode escape"
      }
      append_utf8(token.value, *code);
      at += long_form ? 7 : 4;
    } else if (!unicode && backslash == Backslash::escapes && c == '\\') {
      if (at + 1 == sql.size()) {
        return std::nullopt;
      }
      token.value += sql[++at];  // \n and friends do not occur below: no backslash
    } else if (c == quote) {
      if (at + 1 < sql.size() && sql[at + 1] == quote) {
        token.value += quote;
        ++at;
      } else {
        token.length = at + 1;
        return token;
      }
    } else {
      token.value += c;
    }
  }
  return std::nullopt;  // unbalanced: the quote never closes
}

// Whether `text` holds a character printable() would escape (a byte that is not
// UTF-8 aside), or, when `backslash_too`, a backslash.
bool holds_hidden(std::string_view text, bool backslash_too) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) {
      ++at;
      continue;
    }
    const char32_t c = utf8_code_point(text, at, length);
    if (is_hidden(c) || (backslash_too && c == '\\')) {
      return true;
    }
    at += length;
  }
  return false;
}

// `quoted` is one whole token reading back as `expected`, also with SQL after it
// (anything but its own quote, which would continue it: "" is an escaped quote);
// in the U& form exactly when `expected` needs it, and then without a raw
// character that printable() would escape.
void expect_round_trip(const std::string& quoted, std::string_view expected, char quote,
                       Backslash backslash) {
  const bool unicode = quoted.starts_with("U&");
  if (unicode != holds_hidden(expected, quote == '\'') || holds_hidden(quoted, false)) {
    std::abort();
  }
  const std::string other_quoted = quote == '"' ? "'x'" : "\"x\"";
  for (const std::string& after : {std::string(), std::string(" x"), std::string(";"),
                                   std::string(".y"), std::string(")"), other_quoted}) {
    const std::string sql = quoted + after;
    const std::optional<Token> token = read_quoted(sql, quote, backslash);
    if (!token || token->value != expected || token->length != quoted.size()) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cdcpreflight;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  expect_round_trip(quote_identifier(text), text, '"', Backslash::literal);
  const std::string literal = quote_literal(text);
  expect_round_trip(literal, text, '\'', Backslash::literal);
  if (!literal.starts_with("U&")) {
    expect_round_trip(literal, text, '\'', Backslash::escapes);
  }

  // schema.table, split where the input says (its first byte).
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  const std::string_view schema = text.substr(0, split);
  const std::string_view table = text.substr(split);
  const std::string qualified = quote_qualified(schema, table);
  const std::optional<Token> first = read_quoted(qualified, '"', Backslash::literal);
  if (!first || first->value != schema || qualified.size() <= first->length ||
      qualified[first->length] != '.') {
    std::abort();
  }
  const std::string rest = qualified.substr(first->length + 1);
  expect_round_trip(rest, table, '"', Backslash::literal);
  return 0;
}
