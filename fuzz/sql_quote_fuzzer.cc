// Identifier and literal quoting (include/cdcpreflight/sql_quote.h) on arbitrary
// bytes. Properties, checked by a reference reading of PostgreSQL's lexer (scan.l):
// the quoted text is exactly one token, whatever SQL follows it (but the same
// quote), and that token reads back as the input; quote_qualified is two such
// tokens around a dot. A literal without a backslash also reads back with
// standard_conforming_strings off.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "cdcpreflight/sql_quote.h"

namespace {

struct Token {
  std::string value;
  std::size_t length = 0;  // bytes of SQL the token spans
};

enum class Backslash { literal, escapes };

// The token at the start of `sql`, delimited by `quote` (doubled inside), or nullopt
// when `sql` does not start with a complete one. With Backslash::escapes (a plain
// '…' literal when standard_conforming_strings is off) a backslash escapes the next
// byte.
std::optional<Token> read_quoted(std::string_view sql, char quote, Backslash backslash) {
  if (sql.empty() || sql.front() != quote) {
    return std::nullopt;
  }
  Token token;
  for (std::size_t at = 1; at < sql.size(); ++at) {
    const char c = sql[at];
    if (backslash == Backslash::escapes && c == '\\') {
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

// `quoted` is one whole token reading back as `expected`, also with SQL after it
// (anything but its own quote, which would continue it: "" is an escaped quote).
void expect_round_trip(const std::string& quoted, std::string_view expected, char quote,
                       Backslash backslash) {
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
  expect_round_trip(quote_literal(text), text, '\'', Backslash::literal);
  if (text.find('\\') == std::string_view::npos) {
    expect_round_trip(quote_literal(text), text, '\'', Backslash::escapes);
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
