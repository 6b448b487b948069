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

TEST(QuoteQualified, QuotesEachPart) {
  EXPECT_EQ(quote_qualified("my.schema", "T\"x"), "\"my.schema\".\"T\"\"x\"");
}

TEST(QuoteLiteral, DoublesSingleQuotes) { EXPECT_EQ(quote_literal("it's"), "'it''s'"); }

TEST(QuoteLiteral, KeepsBackslashesUnderStandardConformingStrings) {
  EXPECT_EQ(quote_literal("C:\\path\\"), "'C:\\path\\'");
}

TEST(QuoteLiteral, LeavesDoubleQuotesAndSemicolonsAlone) {
  EXPECT_EQ(quote_literal("we\"ird; drop table x"), "'we\"ird; drop table x'");
}

TEST(QuoteLiteral, KeepsUnicodeAndEmpty) {
  EXPECT_EQ(quote_literal("Ünïcode"), "'Ünïcode'");
  EXPECT_EQ(quote_literal(""), "''");
}

}  // namespace
}  // namespace cdcpreflight
