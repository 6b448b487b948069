// The quoting of every name in generated SQL (include/cdcpreflight/sql_quote.h),
// read back by a real server: the seeds of fuzz/corpus/sql_quote plus generated
// hostile names, among them every control character, which take the U&"…" /
// U&'…' form. Read-only: SELECTs, no object created.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cdcpreflight/sql_quote.h"
#include "session.h"
#include "suite_server.h"

namespace cdcpreflight::integration {
namespace {

// NAMEDATALEN - 1: the bytes of a name the server keeps.
constexpr std::size_t kMaxNameBytes = 63;

struct Name {
  std::string label;  // where it comes from, for failure messages
  std::string text;
};

bool valid_utf8(const std::string& text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const auto lead = static_cast<unsigned char>(text[at]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xE  ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 0;
    if (length == 0 || at + length > text.size()) return false;
    for (std::size_t i = 1; i < length; ++i) {
      if ((static_cast<unsigned char>(text[at + i]) >> 6) != 0x2) return false;
    }
    at += length;
  }
  return true;
}

// What a UTF8 database can hold: no NUL, valid UTF-8.
bool server_can_hold(const std::string& text) {
  return text.find('\0') == std::string::npos && valid_utf8(text);
}

// The name the server keeps of an identifier: at most 63 bytes, cut before a
// character that does not fit whole (pg_mbcliplen).
std::string truncated_as_the_server_does(const std::string& name) {
  if (name.size() <= kMaxNameBytes) return name;
  std::size_t end = kMaxNameBytes;
  while (end > 0 && (static_cast<unsigned char>(name[end]) >> 6) == 0x2) --end;
  return name.substr(0, end);
}

std::vector<Name> hostile_names() {
  std::vector<Name> names;
  const std::filesystem::path corpus =
      std::filesystem::path(CDCP_SOURCE_DIR) / "fuzz" / "corpus" / "sql_quote";
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::ifstream file(entry.path(), std::ios::binary);
    names.push_back({"corpus " + entry.path().filename().string(),
                     std::string(std::istreambuf_iterator<char>(file), {})});
  }
  std::sort(names.begin(), names.end(),
            [](const Name& a, const Name& b) { return a.label < b.label; });
  // Every ASCII byte, and every C1 control (U+0080 to U+009F, as UTF-8), inside,
  // alone and doubled at both ends.
  std::vector<Name> characters;
  for (int c = 1; c < 128; ++c) {
    characters.push_back({"byte " + std::to_string(c), std::string(1, static_cast<char>(c))});
  }
  for (int c = 0x80; c <= 0x9F; ++c) {
    characters.push_back({"C1 " + std::to_string(c), {'\xC2', static_cast<char>(c)}});
  }
  for (const Name& one : characters) {
    names.push_back({one.label, "a" + one.text + "b"});
    names.push_back({one.label + " alone", one.text});
    names.push_back(
        {one.label + " doubled at the ends", one.text + one.text + "x" + one.text + one.text});
  }
  const std::vector<Name> generated = {
      {"quotes", "'\"''\"\"'"},
      {"backslashes", "\\\\n\\'\\\""},
      {"dollar quotes", "$$ $a$ $$"},
      {"newlines", "line\nbreak\r\n"},
      {"unicode", "Ünïcode 名前 🐘"},
      {"right-to-left override", "\xE2\x80\xAEltr"},
      {"bidirectional controls",
       "\xD8\x9C\xE2\x80\x8E\xE2\x80\x8F\xE2\x80\xAA\xE2\x81\xA6\xE2\x81\xA9"},
      {"line and paragraph separators",
       "a\xE2\x80\xA8"
       "b\xE2\x80\xA9"},
      {"noncharacters", "\xEF\xBF\xBE\xEF\xBF\xBF"},
      {"OSC 52", "\x1b]52;c;cHduZWQ=\x07"},
      {"backslashes around controls", "\\\x1b\\\\\r\\"},
      {"escape-like text beside a control", "\\001B\\+00001B\x1b"},
      {"psql meta-command after a line break", "x\n\\! touch /tmp/x\r\\q"},
      {"psql variables with a control", ":x :'x' :\"x\"\x1b"},
      {"spaces", " leading and trailing "},
      {"upper case", "MixedCase"},
      {"reserved word", "user"},
      {"63 bytes", std::string(63, 'x')},
      {"64 bytes", std::string(64, 'y')},
      {"63 bytes ending in a 2-byte character", std::string(61, 'a') + "é"},
      {"a 2-byte character across byte 63", std::string(62, 'a') + "é"},
      {"a 4-byte character across byte 63", std::string(61, 'b') + "🐘"},
      {"63 bytes of 3-byte characters",
       [] {
         std::string text;
         for (int i = 0; i < 21; ++i) text += "名";
         return text;
       }()},
      {"a 3-byte character across byte 63", std::string(62, 'c') + "名"},
  };
  names.insert(names.end(), generated.begin(), generated.end());
  return names;
}

class QuotingRoundTrip : public ServerSuite {
 protected:
  static void SetUpTestSuite() { start_server(PgServerOptions{}); }
  static void TearDownTestSuite() { stop_server(); }
};

TEST_F(QuotingRoundTrip, LiteralsReadBackAsTheExactString) {
  Session session(server());
  std::size_t tried = 0;
  for (const Name& name : hostile_names()) {
    if (!server_can_hold(name.text)) continue;
    SCOPED_TRACE(name.label);
    ++tried;
    EXPECT_EQ(session.exec("SELECT " + quote_literal(name.text)), name.text);
  }
  EXPECT_GT(tried, 400U);
}

// The U& forms: what the names of a hostile database use.
TEST_F(QuotingRoundTrip, ControlCharactersTakeTheUnicodeForm) {
  std::size_t identifiers = 0;
  std::size_t literals = 0;
  for (const Name& name : hostile_names()) {
    if (!server_can_hold(name.text)) continue;
    identifiers += quote_identifier(name.text).starts_with("U&\"") ? 1U : 0U;
    literals += quote_literal(name.text).starts_with("U&'") ? 1U : 0U;
  }
  EXPECT_GT(identifiers, 200U);
  EXPECT_GT(literals, identifiers);  // a backslash too
}

// quote_literal assumes standard_conforming_strings (on by default since
// PostgreSQL 9.1), which a database or a role may still turn off: a plain literal
// (no backslash) reads the same then, and a U& one (any backslash or control
// character) is refused, never read as another string.
TEST_F(QuotingRoundTrip, LiteralsReadBackOrAreRefusedWithStandardConformingStringsOff) {
  Session session(server());
  (void)session.exec("SET standard_conforming_strings = off; SET escape_string_warning = off");
  ASSERT_EQ(session.exec("SHOW standard_conforming_strings"), "off");
  std::size_t plain = 0;
  std::size_t refused = 0;
  for (const Name& name : hostile_names()) {
    if (!server_can_hold(name.text)) continue;
    SCOPED_TRACE(name.label);
    const std::string literal = quote_literal(name.text);
    if (literal.starts_with("U&")) {
      ++refused;
      EXPECT_THROW((void)session.exec("SELECT " + literal), std::runtime_error);
    } else {
      ++plain;
      EXPECT_EQ(literal.find('\\'), std::string::npos);
      EXPECT_EQ(session.exec("SELECT " + literal), name.text);
    }
  }
  EXPECT_GT(plain, 200U);
  EXPECT_GT(refused, 200U);
}

TEST_F(QuotingRoundTrip, IdentifiersNameTheColumnExactly) {
  Session session(server());
  std::size_t tried = 0;
  std::size_t truncated = 0;
  for (const Name& name : hostile_names()) {
    if (!server_can_hold(name.text) || name.text.empty()) continue;  // "" is not a name
    SCOPED_TRACE(name.label);
    ++tried;
    const std::string column = session.column_name("SELECT 1 AS " + quote_identifier(name.text));
    if (name.text.size() <= kMaxNameBytes) {
      EXPECT_EQ(column, name.text);
    } else {
      ++truncated;
      EXPECT_EQ(column, truncated_as_the_server_does(name.text));
    }
  }
  EXPECT_GT(tried, 400U);
  EXPECT_GE(truncated, 4U);
}

// parse_ident() is the server's reading of a qualified name, without looking
// anything up; it does not read U&"…", so a qualified name in that form is read
// as a column reference instead: "schema"."table" names column "table" of a
// subquery aliased "schema".
TEST_F(QuotingRoundTrip, QualifiedNamesSplitIntoTheirTwoParts) {
  Session session(server());
  std::vector<Name> names;
  for (const Name& name : hostile_names()) {
    if (server_can_hold(name.text) && !name.text.empty()) names.push_back(name);
  }
  ASSERT_GT(names.size(), 2U);
  std::size_t unicode_form = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Name& schema = names[i];
    const Name& table = names[(i * 7 + 3) % names.size()];
    SCOPED_TRACE(schema.label + " . " + table.label);
    const std::string qualified = quote_qualified(schema.text, table.text);
    if (qualified.find("U&") == std::string::npos) {
      const std::string parts =
          session.exec("SELECT array_to_json(parse_ident(" + quote_literal(qualified) + "))");
      EXPECT_EQ(nlohmann::json::parse(parts), nlohmann::json::array({schema.text, table.text}));
    } else {
      ++unicode_form;
      const std::string column = session.column_name(
          "SELECT " + qualified + " FROM (SELECT 42 AS " + quote_identifier(table.text) + ") AS " +
          quote_identifier(schema.text));
      EXPECT_EQ(column, truncated_as_the_server_does(table.text));
    }
  }
  EXPECT_GT(unicode_form, 200U);
}

}  // namespace
}  // namespace cdcpreflight::integration
