// quote_identifier / quote_qualified / quote_literal: nothing from a server is
// spliced unquoted into generated SQL.
#include <gtest/gtest.h>

#include "cdcpreflight/sql_quote.h"

namespace cdcpreflight {
namespace {

TEST(QuoteIdentifier, AlwaysQuotes) { EXPECT_EQ(quote_identifier("orders"), "\"orders\""); }

TEST(QuoteIdentifier, DoublesEmbeddedQuotes) {
  EXPECT_EQ(quote_identifier("we\"ird schema"), "\"we\"\"ird schema\"");
}

TEST(QuoteIdentifier, KeepsUnicodeAsIs) { EXPECT_EQ(quote_identifier("Ünïcode"), "\"Ünïcode\""); }

TEST(QuoteIdentifier, KeepsStatementSeparatorsInsideTheQuotes) {
  EXPECT_EQ(quote_identifier("a;drop table x"), "\"a;drop table x\"");
}

TEST(QuoteIdentifier, LeavesSingleQuotesAndBackslashesAlone) {
  EXPECT_EQ(quote_identifier("it's"), "\"it's\"");
  EXPECT_EQ(quote_identifier("a\\b\\"), "\"a\\b\\\"");
}

TEST(QuoteIdentifier, EmptyNameGivesAnEmptyQuotedIdentifier) {
  EXPECT_EQ(quote_identifier(""), "\"\"");
}

// What printable() would escape is written as a Unicode escape, so that the
// statement carries no raw control character yet names the same object.
TEST(QuoteIdentifier, EscapesControlCharactersInTheUnicodeForm) {
  EXPECT_EQ(quote_identifier("esc\x1b[2J"), R"(U&"esc\001B[2J")");
  EXPECT_EQ(quote_identifier("cr\rlf\ntab\tdel\x7f"), R"(U&"cr\000Dlf\000Atab\0009del\007F")");
  EXPECT_EQ(quote_identifier("csi\xc2\x9b"), R"(U&"csi\009B")");
  EXPECT_EQ(quote_identifier("ls\xe2\x80\xa8rlo\xe2\x80\xae"), R"(U&"ls\2028rlo\202E")");
  EXPECT_EQ(quote_identifier("non\xef\xbf\xbe\xef\xbf\xbf"), R"(U&"non\FFFE\FFFF")");
}

// In the Unicode form a backslash is the escape character: it is doubled; a
// double quote is doubled as always; every other character stays as it is.
TEST(QuoteIdentifier, DoublesBackslashesAndQuotesInTheUnicodeForm) {
  EXPECT_EQ(quote_identifier("\\! touch \"x\"\x1b é"), R"(U&"\\! touch ""x""\001B é")");
}

// Bytes that are not UTF-8 have no escape: they stay raw, as the server holds them.
TEST(QuoteIdentifier, KeepsBytesThatAreNotUtf8Raw) {
  EXPECT_EQ(quote_identifier("caf\xe9"), "\"caf\xe9\"");
  EXPECT_EQ(quote_identifier("caf\xe9\x1b"), "U&\"caf\xe9\\001B\"");
}

TEST(QuoteQualified, QuotesEachPart) {
  EXPECT_EQ(quote_qualified("my.schema", "T\"x"), "\"my.schema\".\"T\"\"x\"");
}

TEST(QuoteLiteral, DoublesSingleQuotes) { EXPECT_EQ(quote_literal("it's"), "'it''s'"); }

// Read only with standard_conforming_strings on, where the plain literal would be
// too; with it off, the server refuses U&'…' where it would misread '…'.
TEST(QuoteLiteral, WritesABackslashInTheUnicodeForm) {
  EXPECT_EQ(quote_literal("C:\\path\\"), R"(U&'C:\\path\\')");
}

TEST(QuoteLiteral, LeavesDoubleQuotesAndSemicolonsAlone) {
  EXPECT_EQ(quote_literal("we\"ird; drop table x"), "'we\"ird; drop table x'");
}

TEST(QuoteLiteral, EscapesControlCharactersInTheUnicodeForm) {
  EXPECT_EQ(quote_literal("it's\x1b]52;c;x\x07\n"), R"(U&'it''s\001B]52;c;x\0007\000A')");
  EXPECT_EQ(quote_literal("a\xe2\x80\xa8"
                          "b\\"),
            R"(U&'a\2028b\\')");
}

TEST(QuoteLiteral, KeepsUnicodeAndEmpty) {
  EXPECT_EQ(quote_literal("Ünïcode"), "'Ünïcode'");
  EXPECT_EQ(quote_literal(""), "''");
}

}  // namespace
}  // namespace cdcpreflight
