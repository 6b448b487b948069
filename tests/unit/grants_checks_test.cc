// `grants.schema_usage` and `grants.table_select`: the privileges the initial
// load needs, for the role ClickPipes connects as. `grants.default_privileges`:
// tables created later by the owners of scoped tables will be readable too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kUsage = "grants.schema_usage";
constexpr const char* kSelect = "grants.table_select";

void no_select(TableFacts& table) { table.select = false; }

// --- grants.schema_usage

TEST(SchemaUsage, PassesWithUsageOnEveryScopedSchema) {
  const CheckResult result = evaluate(kUsage, FactsBuilder().table("sales", "invoices").build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("USAGE on 2 schemas"));
}

TEST(SchemaUsage, FailsListingTheSchemasWithoutUsage) {
  const CheckResult result =
      evaluate(kUsage, FactsBuilder().table("sales", "invoices").schema("sales", false).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("lacks USAGE on 1 schema"));
  EXPECT_THAT(result.details, ElementsAre("sales"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("GRANT USAGE ON SCHEMA \"sales\" TO \"clickpipes_user\";"));
}

TEST(SchemaUsage, QuotesAHostileSchemaName) {
  const CheckResult result = evaluate(
      kUsage, FactsBuilder().table("we\"ird schema", "t").schema("we\"ird schema", false).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre("\"we\"\"ird schema\""));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("GRANT USAGE ON SCHEMA \"we\"\"ird schema\" TO \"clickpipes_user\";"));
}

TEST(SchemaUsage, IgnoresSchemasOutsideTheScope) {
  const CheckResult result =
      evaluate(kUsage, FactsBuilder().table("sales", "invoices").schema("sales", false).build(),
               with_schemas({"public"}));
  EXPECT_EQ(result.status, Status::pass);
}

TEST(SchemaUsage, ReportsSchemaNamesThatDoNotExist) {
  const CheckResult result = evaluate(kUsage, FactsBuilder().build(), with_schemas({"nosuch"}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre("nosuch (no such schema)"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("--schema"));
}

TEST(SchemaUsage, SkipsWhenTheRoleDoesNotExist) {
  const CheckResult result = evaluate(kUsage, FactsBuilder().role_missing().build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("role.login"));
}

// --- grants.table_select

TEST(TableSelect, PassesWithSelectOnEveryScopedTable) {
  const CheckResult result = evaluate(kSelect, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("can SELECT all 2 tables"));
}

TEST(TableSelect, FailsListingTablesWithASchemaWideGrant) {
  const CheckResult result = evaluate(kSelect, FactsBuilder()
                                                   .change_table("public", "orders", no_select)
                                                   .change_table("public", "customers", no_select)
                                                   .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("cannot SELECT 2 tables"));
  EXPECT_THAT(result.details, ElementsAre("public.orders", "public.customers"));
  EXPECT_THAT(
      result.remediation.sql,
      ElementsAre("GRANT SELECT ON ALL TABLES IN SCHEMA \"public\" TO \"clickpipes_user\";"));
}

TEST(TableSelect, NamedSchemaGetsASchemaWideGrant) {
  const CheckResult result =
      evaluate(kSelect, FactsBuilder().change_table("public", "orders", no_select).build(),
               with_schemas({"public"}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(
      result.remediation.sql,
      ElementsAre("GRANT SELECT ON ALL TABLES IN SCHEMA \"public\" TO \"clickpipes_user\";"));
}

TEST(TableSelect, NarrowedByTableGetsPerTableGrants) {
  const CheckResult result = evaluate(kSelect,
                                      FactsBuilder()
                                          .change_table("public", "orders", no_select)
                                          .change_table("public", "customers", no_select)
                                          .build(),
                                      with_tables({"public.orders"}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre("public.orders"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("GRANT SELECT ON \"public\".\"orders\" TO \"clickpipes_user\";"));
}

TEST(TableSelect, PerTableGrantQuotesHostileNames) {
  const CheckResult result =
      evaluate(kSelect, FactsBuilder().table("my.schema", "T\"x", no_select).build(),
               with_tables({"\"my.schema\".\"T\"\"x\""}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre("\"my.schema\".\"T\"\"x\""));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("GRANT SELECT ON \"my.schema\".\"T\"\"x\" TO \"clickpipes_user\";"));
}

TEST(TableSelect, ReportsTableNamesThatDoNotExist) {
  const CheckResult result =
      evaluate(kSelect, FactsBuilder().build(), with_tables({"public.orders", "public.nosuch"}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre("public.nosuch (no such table)"));
  EXPECT_THAT(result.remediation.sql, IsEmpty());
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("--table"));
}

TEST(TableSelect, ChecksThePartitionedRootNotItsPartitions) {
  const CheckResult result =
      evaluate(kSelect, FactsBuilder()
                            .partitioned_table("public", "events")
                            .partition("public", "events_2026", "public", "events", no_select)
                            .build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(TableSelect, SkipsWhenTheRoleDoesNotExist) {
  const CheckResult result = evaluate(kSelect, FactsBuilder().role_missing().build());
  EXPECT_EQ(result.status, Status::skip);
}

TEST(TableSelect, SchemaWideGrantIsGivenOncePerSchema) {
  const CheckResult result = evaluate(kSelect, FactsBuilder()
                                                   .change_table("public", "orders", no_select)
                                                   .change_table("public", "customers", no_select)
                                                   .table("sales", "invoices", no_select)
                                                   .build());
  EXPECT_THAT(
      result.remediation.sql,
      ElementsAre("GRANT SELECT ON ALL TABLES IN SCHEMA \"public\" TO \"clickpipes_user\";",
                  "GRANT SELECT ON ALL TABLES IN SCHEMA \"sales\" TO \"clickpipes_user\";"));
  EXPECT_THAT(result.remediation.docs, HasSubstr("sql-grant"));
  EXPECT_THAT(result.details, Contains("sales.invoices"));
}

// --- grants.default_privileges

constexpr const char* kDefaults = "grants.default_privileges";

void owned_by(TableFacts& table, const char* owner) { table.owner = owner; }

TEST(DefaultPrivileges, SuperuserPasses) {
  const CheckResult result =
      evaluate(kDefaults, FactsBuilder()
                              .no_default_privileges()
                              .role([](RoleFacts& role) { role.superuser = true; })
                              .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("superuser"));
}

TEST(DefaultPrivileges, OwnerCoveredByAnEntryForAllSchemasPasses) {
  const CheckResult result = evaluate(kDefaults, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("will be readable by clickpipes_user"));
  EXPECT_THAT(result.details, ElementsAre("1 owner checked"));
}

TEST(DefaultPrivileges, OwnerCoveredByAnEntryForTheSchemaPasses) {
  const CheckResult result = evaluate(
      kDefaults,
      FactsBuilder().no_default_privileges().default_privilege("app_owner", "public").build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(DefaultPrivileges, AnEntryGrantingSelectToPublicOrAGroupOfTheUserCovers) {
  // gather sets grants_select for a grant to the user, to a role it belongs
  // to, or to PUBLIC: the check trusts the flag.
  const CheckResult result = evaluate(kDefaults, FactsBuilder()
                                                     .no_default_privileges()
                                                     .default_privilege("app_owner", "public",
                                                                        /*grants_select=*/true)
                                                     .build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(DefaultPrivileges, AnEntryThatGrantsTheUserNothingDoesNotCover) {
  const CheckResult result = evaluate(kDefaults, FactsBuilder()
                                                     .no_default_privileges()
                                                     .default_privilege("app_owner", "",
                                                                        /*grants_select=*/false)
                                                     .build());
  EXPECT_EQ(result.status, Status::warn);
}

TEST(DefaultPrivileges, AnEntryForAnotherSchemaDoesNotCover) {
  const CheckResult result = evaluate(
      kDefaults,
      FactsBuilder().no_default_privileges().default_privilege("app_owner", "sales").build());
  EXPECT_EQ(result.status, Status::warn);
}

TEST(DefaultPrivileges, AnotherOwnersEntryDoesNotCover) {
  const CheckResult result = evaluate(
      kDefaults,
      FactsBuilder().no_default_privileges().default_privilege("postgres", "public").build());
  EXPECT_EQ(result.status, Status::warn);
}

TEST(DefaultPrivileges, UncoveredOwnerWarnsWithAlterDefaultPrivilegesForThatRole) {
  const CheckResult result = evaluate(kDefaults, FactsBuilder().no_default_privileges().build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("tables created later by 1 owner in a scoped schema"));
  EXPECT_THAT(result.summary, HasSubstr("not be readable by clickpipes_user"));
  EXPECT_THAT(result.details, ElementsAre("public: tables created by app_owner"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER DEFAULT PRIVILEGES FOR ROLE \"app_owner\" IN SCHEMA \"public\" "
                          "GRANT SELECT ON TABLES TO \"clickpipes_user\";"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("membership in that role"));
}

TEST(DefaultPrivileges, ListsOnlyTheUncoveredOwnersSchemaBySchema) {
  const CheckResult result = evaluate(
      kDefaults, FactsBuilder()
                     .table("public", "events", [](TableFacts& t) { owned_by(t, "etl"); })
                     .table("sales", "invoices", [](TableFacts& t) { owned_by(t, "billing"); })
                     .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("2 owners in scoped schemas"));
  EXPECT_THAT(result.details,
              ElementsAre("public: tables created by etl", "sales: tables created by billing"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER DEFAULT PRIVILEGES FOR ROLE \"etl\" IN SCHEMA \"public\" GRANT "
                          "SELECT ON TABLES TO \"clickpipes_user\";",
                          "ALTER DEFAULT PRIVILEGES FOR ROLE \"billing\" IN SCHEMA \"sales\" "
                          "GRANT SELECT ON TABLES TO \"clickpipes_user\";"));
}

TEST(DefaultPrivileges, TablesOwnedByTheUserItselfNeedNothing) {
  const CheckResult result =
      evaluate(kDefaults, FactsBuilder()
                              .no_default_privileges()
                              .no_tables()
                              .table("public", "mine", [](TableFacts& t) { owned_by(t, kUser); })
                              .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.details, ElementsAre("0 owners checked"));
}

TEST(DefaultPrivileges, TablesOwnedByARoleTheUserBelongsToNeedNothing) {
  const CheckResult result = evaluate(kDefaults, FactsBuilder()
                                                     .no_default_privileges()
                                                     .no_tables()
                                                     .table("public", "shared",
                                                            [](TableFacts& t) {
                                                              owned_by(t, "app_group");
                                                              t.owned_by_role = true;
                                                            })
                                                     .build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(DefaultPrivileges, AnEmptySchemaIsCheckedForItsOwner) {
  Facts facts = FactsBuilder().schema("staging").build();
  facts.schemas.back().owner = "staging_owner";
  const CheckResult result = evaluate(kDefaults, facts, with_schemas({"public", "staging"}));
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.details, ElementsAre("staging: tables created by staging_owner"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER DEFAULT PRIVILEGES FOR ROLE \"staging_owner\" IN SCHEMA "
                          "\"staging\" GRANT SELECT ON TABLES TO \"clickpipes_user\";"));
}

TEST(DefaultPrivileges, QuotesHostileNames) {
  const CheckResult result =
      evaluate(kDefaults, FactsBuilder()
                              .no_default_privileges()
                              .no_tables()
                              .table("we\"ird", "t", [](TableFacts& t) { owned_by(t, "own\"er"); })
                              .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER DEFAULT PRIVILEGES FOR ROLE \"own\"\"er\" IN SCHEMA "
                          "\"we\"\"ird\" GRANT SELECT ON TABLES TO \"clickpipes_user\";"));
}

TEST(DefaultPrivileges, SkipsWhenTheRoleDoesNotExist) {
  const CheckResult result =
      evaluate(kDefaults, FactsBuilder().no_default_privileges().role_missing().build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("does not exist"));
}

}  // namespace
}  // namespace cdcpreflight::testing
