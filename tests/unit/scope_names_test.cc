// parse_table_name: --table SCHEMA.TABLE, either part optionally quoted.
#include <gtest/gtest.h>

#include "checks/scope_names.h"

namespace cdcpreflight {
namespace {

TEST(ParseTableName, PlainSchemaAndTable) {
  const auto name = parse_table_name("public.t");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->schema, "public");
  EXPECT_EQ(name->table, "t");
}

TEST(ParseTableName, UnquotedPartsAreTakenAsWritten) {
  const auto name = parse_table_name("Public.Orders");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->schema, "Public");
  EXPECT_EQ(name->table, "Orders");
}

TEST(ParseTableName, QuotedPartsMayHoldDotsAndDoubledQuotes) {
  const auto name = parse_table_name("\"my.schema\".\"T\"\"x\"");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->schema, "my.schema");
  EXPECT_EQ(name->table, "T\"x");
}

TEST(ParseTableName, QuotedAndUnquotedPartsMix) {
  const auto name = parse_table_name("public.\"Big Table\"");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->schema, "public");
  EXPECT_EQ(name->table, "Big Table");
}

TEST(ParseTableName, MissingSchemaIsRefused) {
  EXPECT_FALSE(parse_table_name("orders").has_value());
  EXPECT_FALSE(parse_table_name(".orders").has_value());
  EXPECT_FALSE(parse_table_name("\"orders\"").has_value());
}

TEST(ParseTableName, MissingTableIsRefused) {
  EXPECT_FALSE(parse_table_name("public.").has_value());
  EXPECT_FALSE(parse_table_name("public.\"\"").has_value());
}

TEST(ParseTableName, BrokenQuotingIsRefused) {
  EXPECT_FALSE(parse_table_name("\"public.orders").has_value());
  EXPECT_FALSE(parse_table_name("public.\"orders").has_value());
  EXPECT_FALSE(parse_table_name("pub\"lic.orders").has_value());
  EXPECT_FALSE(parse_table_name("\"public\"x.orders").has_value());
}

TEST(ParseTableName, MoreThanTwoPartsIsRefused) {
  EXPECT_FALSE(parse_table_name("db.public.orders").has_value());
}

TEST(ParseTableName, EmptyIsRefused) { EXPECT_FALSE(parse_table_name("").has_value()); }

}  // namespace
}  // namespace cdcpreflight
