// resolve_scope: which tables ClickPipes would read (partitions represented by
// their root) and which need a replica identity.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> table_names(const Facts& facts, const std::vector<std::size_t>& indexes) {
  std::vector<std::string> names;
  for (const std::size_t index : indexes) {
    names.push_back(facts.tables[index].schema + "." + facts.tables[index].name);
  }
  return names;
}

std::vector<std::string> schema_names(const Facts& facts, const std::vector<std::size_t>& indexes) {
  std::vector<std::string> names;
  for (const std::size_t index : indexes) {
    names.push_back(facts.schemas[index].name);
  }
  return names;
}

// public.orders, public.events (partitioned: events_2025, events_2026),
// sales.invoices, sales.scratch (unlogged), and the empty schema `empty`.
Facts sample() {
  return FactsBuilder()
      .no_tables()
      .table("public", "orders")
      .partitioned_table("public", "events")
      .partition("public", "events_2025", "public", "events")
      .partition("public", "events_2026", "public", "events")
      .table("sales", "invoices")
      .table("sales", "scratch", [](TableFacts& t) { t.unlogged = true; })
      .schema("empty")
      .build();
}

TEST(ResolveScope, DefaultScopeHasEveryTableWithPartitionsRepresentedByTheirRoot) {
  const Facts facts = sample();
  const Scope scope = resolve_scope(facts, default_options());
  EXPECT_THAT(table_names(facts, scope.tables),
              ElementsAre("public.orders", "public.events", "sales.invoices", "sales.scratch"));
  EXPECT_FALSE(scope.narrowed());
}

TEST(ResolveScope, DefaultScopeHasTheSchemasHoldingTables) {
  const Facts facts = sample();
  const Scope scope = resolve_scope(facts, default_options());
  EXPECT_THAT(schema_names(facts, scope.schemas), ElementsAre("public", "sales"));
  EXPECT_THAT(scope.whole_schemas, ElementsAre("public", "sales"));
}

TEST(ResolveScope, IdentityTablesAreThePartitionsNotTheRootAndNotUnlogged) {
  const Facts facts = sample();
  const Scope scope = resolve_scope(facts, default_options());
  EXPECT_THAT(table_names(facts, scope.identity_tables),
              UnorderedElementsAre("public.orders", "public.events_2025", "public.events_2026",
                                   "sales.invoices"));
}

TEST(ResolveScope, SchemaOptionNarrowsToThatSchema) {
  const Facts facts = sample();
  const Scope scope = resolve_scope(facts, with_schemas({"sales"}));
  EXPECT_TRUE(scope.narrowed());
  EXPECT_THAT(table_names(facts, scope.tables), ElementsAre("sales.invoices", "sales.scratch"));
  EXPECT_THAT(schema_names(facts, scope.schemas), ElementsAre("sales"));
  EXPECT_THAT(scope.whole_schemas, ElementsAre("sales"));
}

TEST(ResolveScope, ANamedSchemaWithoutTablesIsStillScoped) {
  const Facts facts = sample();
  const Scope scope = resolve_scope(facts, with_schemas({"empty"}));
  EXPECT_THAT(scope.tables, IsEmpty());
  EXPECT_THAT(schema_names(facts, scope.schemas), ElementsAre("empty"));
  EXPECT_THAT(scope.missing_schemas, IsEmpty());
}

TEST(ResolveScope, TableOptionNarrowsToThatTable) {
  const Facts facts = sample();
  const Scope scope = resolve_scope(facts, with_tables({"public.orders"}));
  EXPECT_THAT(table_names(facts, scope.tables), ElementsAre("public.orders"));
  EXPECT_THAT(table_names(facts, scope.identity_tables), ElementsAre("public.orders"));
  EXPECT_THAT(schema_names(facts, scope.schemas), ElementsAre("public"));
  EXPECT_THAT(scope.whole_schemas, IsEmpty());
}

TEST(ResolveScope, SchemaAndTableOptionsAddUp) {
  const Facts facts = sample();
  ScopeRequest options = with_schemas({"sales"});
  options.tables = {"public.orders"};
  const Scope scope = resolve_scope(facts, options);
  EXPECT_THAT(table_names(facts, scope.tables),
              ElementsAre("public.orders", "sales.invoices", "sales.scratch"));
  EXPECT_THAT(scope.whole_schemas, ElementsAre("sales"));
}

TEST(ResolveScope, APartitionNamedWithTableStandsForItsRoot) {
  const Facts facts = sample();
  const Scope scope = resolve_scope(facts, with_tables({"public.events_2026"}));
  EXPECT_THAT(table_names(facts, scope.tables), ElementsAre("public.events"));
  EXPECT_THAT(table_names(facts, scope.identity_tables),
              ElementsAre("public.events_2025", "public.events_2026"));
  EXPECT_THAT(scope.missing_tables, IsEmpty());
}

TEST(ResolveScope, ARootInAnotherSchemaIsReachedFromItsPartition) {
  const Facts facts = FactsBuilder()
                          .no_tables()
                          .partitioned_table("app", "events")
                          .partition("archive", "events_2020", "app", "events")
                          .build();
  const Scope scope = resolve_scope(facts, with_tables({"archive.events_2020"}));
  EXPECT_THAT(table_names(facts, scope.tables), ElementsAre("app.events"));
  EXPECT_THAT(schema_names(facts, scope.schemas), ElementsAre("app"));
}

TEST(ResolveScope, ReportsMissingSchemasAndTablesAsWritten) {
  const Facts facts = sample();
  ScopeRequest options = with_schemas({"nosuch"});
  options.tables = {"public.nosuch", "\"Public\".\"Orders\""};
  const Scope scope = resolve_scope(facts, options);
  EXPECT_THAT(scope.missing_schemas, ElementsAre("nosuch"));
  EXPECT_THAT(scope.missing_tables, UnorderedElementsAre("public.nosuch", "\"Public\".\"Orders\""));
  EXPECT_THAT(scope.tables, IsEmpty());
}

TEST(ResolveScope, QuotedTableNamesMatchExactly) {
  const Facts facts = FactsBuilder().no_tables().table("my.schema", "T\"x").build();
  const Scope scope = resolve_scope(facts, with_tables({"\"my.schema\".\"T\"\"x\""}));
  EXPECT_THAT(table_names(facts, scope.tables), ElementsAre("my.schema.T\"x"));
  EXPECT_THAT(scope.missing_tables, IsEmpty());
}

TEST(ResolveScope, UnloggedTablesAreScopedButNeedNoIdentity) {
  const Facts facts = sample();
  const Scope scope = resolve_scope(facts, with_tables({"sales.scratch"}));
  EXPECT_THAT(table_names(facts, scope.tables), ElementsAre("sales.scratch"));
  EXPECT_THAT(scope.identity_tables, IsEmpty());
}

}  // namespace
}  // namespace cdcpreflight::testing
