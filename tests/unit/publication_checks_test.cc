// `publication.exists` and `publication.tables`: the publication ClickPipes
// streams, and that it holds every scoped table. `publication.actions` and
// `publication.partitions`: what it publishes, and under which name.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr const char* kExists = "publication.exists";
constexpr const char* kTables = "publication.tables";

void unpublished(TableFacts& table) { table.published = false; }
void unlogged(TableFacts& table) {
  table.unlogged = true;
  table.published = false;
}

// --- publication.exists

TEST(PublicationExists, PassesWhenItExists) {
  const CheckResult result = evaluate(kExists, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("clickpipes_publication exists (FOR ALL TABLES)"));
}

TEST(PublicationExists, SaysWhenItListsTables) {
  const CheckResult result = evaluate(kExists, FactsBuilder().publication_lists_tables().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("(listed tables)"));
}

TEST(PublicationExists, FailsWithForAllTablesWhenNotNarrowed) {
  const CheckResult result = evaluate(kExists, FactsBuilder().no_publication().build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("clickpipes_publication does not exist"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE PUBLICATION \"clickpipes_publication\" FOR ALL TABLES;"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("--schema/--table"));
}

TEST(PublicationExists, FailsWithForTableListWhenNarrowed) {
  const CheckResult result =
      evaluate(kExists, FactsBuilder().no_publication().build(), with_schemas({"public"}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE PUBLICATION \"clickpipes_publication\" FOR TABLE "
                          "\"public\".\"orders\", \"public\".\"customers\";"));
}

// A publication ClickPipes creates itself needs table ownership: the failure
// says how many of the scoped tables the role owns.
TEST(PublicationExists, SaysHowManyScopedTablesTheRoleOwns) {
  const CheckResult result = evaluate(
      kExists, FactsBuilder()
                   .no_publication()
                   .change_table("public", "orders", [](TableFacts& t) { t.owned_by_role = true; })
                   .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre(HasSubstr("owns 1 of the 2 scoped tables")));
}

TEST(PublicationExists, UsesTheNameGivenWithPublication) {
  Facts facts = FactsBuilder().no_publication().build();
  facts.publication = "my \"pub\"";
  const CheckResult result = evaluate(kExists, facts, with_tables({"public.orders"}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(
      result.remediation.sql,
      ElementsAre("CREATE PUBLICATION \"my \"\"pub\"\"\" FOR TABLE \"public\".\"orders\";"));
}

TEST(PublicationExists, PublishesViaRootWithAPartitionedTableOn13AndLater) {
  const CheckResult result = evaluate(
      kExists, FactsBuilder().no_publication().partitioned_table("public", "events").build());
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE PUBLICATION \"clickpipes_publication\" FOR ALL TABLES WITH "
                          "(publish_via_partition_root = true);"));
}

TEST(PublicationExists, PublishesViaRootInANarrowedList) {
  const CheckResult result = evaluate(
      kExists, FactsBuilder().no_publication().partitioned_table("public", "events").build(),
      with_tables({"public.events"}));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE PUBLICATION \"clickpipes_publication\" FOR TABLE "
                          "\"public\".\"events\" WITH (publish_via_partition_root = true);"));
}

TEST(PublicationExists, NoPublishViaRootOnPostgresql12) {
  const CheckResult result = evaluate(kExists, FactsBuilder()
                                                   .version(120015)
                                                   .no_publication()
                                                   .partitioned_table("public", "events")
                                                   .build());
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE PUBLICATION \"clickpipes_publication\" FOR ALL TABLES;"));
}

TEST(PublicationExists, NoPublishViaRootWithoutAPartitionedTable) {
  const CheckResult result = evaluate(kExists, FactsBuilder().no_publication().build());
  EXPECT_THAT(result.remediation.sql, ElementsAre(Not(HasSubstr("publish_via_partition_root"))));
}

TEST(PublicationExists, LeavesUnloggedTablesOutOfTheList) {
  const CheckResult result = evaluate(
      kExists, FactsBuilder().no_publication().table("public", "scratch", unlogged).build(),
      with_schemas({"public"}));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE PUBLICATION \"clickpipes_publication\" FOR TABLE "
                          "\"public\".\"orders\", \"public\".\"customers\";"));
}

TEST(PublicationExists, NarrowedToNothingSaysToCheckTheNames) {
  const CheckResult result =
      evaluate(kExists, FactsBuilder().no_publication().build(), with_schemas({"nosuch"}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.remediation.sql, IsEmpty());
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("No table is in scope"));
}

TEST(PublicationExists, ALongListIsSplitIntoStatementsOf50Tables) {
  FactsBuilder builder;
  builder.no_tables().no_publication();
  for (int i = 0; i < 120; ++i) {
    builder.table("app", "t" + std::to_string(i));
  }
  const CheckResult result = evaluate(kExists, builder.build(), with_schemas({"app"}));
  ASSERT_THAT(result.remediation.sql, SizeIs(3));
  EXPECT_THAT(result.remediation.sql[0], HasSubstr("CREATE PUBLICATION"));
  EXPECT_THAT(result.remediation.sql[0], HasSubstr("\"app\".\"t49\";"));
  EXPECT_THAT(result.remediation.sql[1],
              HasSubstr("ALTER PUBLICATION \"clickpipes_publication\" ADD TABLE \"app\".\"t50\","));
  EXPECT_THAT(result.remediation.sql[2], HasSubstr("ADD TABLE \"app\".\"t100\","));
  EXPECT_THAT(result.remediation.sql[2], HasSubstr("\"app\".\"t119\";"));
}

// --- publication.tables

TEST(PublicationTables, SkipsWhenThereIsNoPublication) {
  const CheckResult result = evaluate(kTables, FactsBuilder().no_publication().build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("publication.exists"));
}

TEST(PublicationTables, PassesForAllTables) {
  Facts facts = FactsBuilder().build();
  for (TableFacts& table : facts.tables) {
    table.published = false;  // FOR ALL TABLES covers them whatever each row says
  }
  const CheckResult result = evaluate(kTables, facts);
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("FOR ALL TABLES"));
}

TEST(PublicationTables, PassesWhenEveryScopedTableIsListed) {
  const CheckResult result = evaluate(kTables, FactsBuilder().publication_lists_tables().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("all 2 scoped tables"));
}

TEST(PublicationTables, FailsListingTheMissingWithAlterPublication) {
  const CheckResult result = evaluate(kTables, FactsBuilder()
                                                   .publication_lists_tables()
                                                   .change_table("public", "orders", unpublished)
                                                   .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("does not publish 1 table of 2 scoped tables"));
  EXPECT_THAT(result.details, ElementsAre("public.orders"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER PUBLICATION \"clickpipes_publication\" ADD TABLE "
                          "\"public\".\"orders\";"));
}

// Before PostgreSQL 13 a partitioned table cannot be in a publication: its
// partitions are published one by one.
TEST(PublicationTables, OnPostgresql12APartitionedTableIsPublishedThroughItsPartitions) {
  const CheckResult result =
      evaluate(kTables, FactsBuilder()
                            .version(120015)
                            .publication_lists_tables()
                            .no_tables()
                            .partitioned_table("public", "events", unpublished)
                            .partition("public", "events_2026", "public", "events")
                            .build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(PublicationTables, OnPostgresql12AMissingPartitionIsAddedByItself) {
  const CheckResult result =
      evaluate(kTables, FactsBuilder()
                            .version(120015)
                            .publication_lists_tables()
                            .no_tables()
                            .partitioned_table("public", "events", unpublished)
                            .partition("public", "events_2025", "public", "events")
                            .partition("public", "events_2026", "public", "events", unpublished)
                            .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre("public.events_2026 (partition of public.events)"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER PUBLICATION \"clickpipes_publication\" ADD TABLE "
                          "\"public\".\"events_2026\";"));
}

TEST(PublicationTables, From13APartitionedTableIsPublishedThroughItsRoot) {
  const CheckResult result =
      evaluate(kTables, FactsBuilder()
                            .version(130011)
                            .publication_lists_tables()
                            .no_tables()
                            .partitioned_table("public", "events", unpublished)
                            .partition("public", "events_2026", "public", "events")
                            .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER PUBLICATION \"clickpipes_publication\" ADD TABLE "
                          "\"public\".\"events\";"));
}

TEST(PublicationExists, OnPostgresql12ANarrowedListNamesThePartitions) {
  const CheckResult result = evaluate(kExists,
                                      FactsBuilder()
                                          .version(120015)
                                          .no_publication()
                                          .no_tables()
                                          .partitioned_table("public", "events")
                                          .partition("public", "events_2026", "public", "events")
                                          .build(),
                                      with_tables({"public.events"}));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE PUBLICATION \"clickpipes_publication\" FOR TABLE "
                          "\"public\".\"events_2026\";"));
}

TEST(PublicationTables, IgnoresTablesOutsideTheScope) {
  const CheckResult result = evaluate(kTables,
                                      FactsBuilder()
                                          .publication_lists_tables()
                                          .change_table("public", "orders", unpublished)
                                          .build(),
                                      with_tables({"public.customers"}));
  EXPECT_EQ(result.status, Status::pass);
}

TEST(PublicationTables, IgnoresUnloggedTables) {
  const CheckResult result = evaluate(
      kTables,
      FactsBuilder().publication_lists_tables().table("public", "scratch", unlogged).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("all 2 scoped tables"));
}

TEST(PublicationTables, ALongListIsSplitIntoStatementsOf50Tables) {
  FactsBuilder builder;
  builder.no_tables().publication_lists_tables();
  for (int i = 0; i < 101; ++i) {
    builder.table("app", "t" + std::to_string(i), unpublished);
  }
  const CheckResult result = evaluate(kTables, builder.build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, SizeIs(101));
  ASSERT_THAT(result.remediation.sql, SizeIs(3));
  EXPECT_THAT(result.remediation.sql[0], HasSubstr("ADD TABLE \"app\".\"t0\","));
  EXPECT_THAT(result.remediation.sql[0], HasSubstr("\"app\".\"t49\";"));
  EXPECT_THAT(result.remediation.sql[1], HasSubstr("ADD TABLE \"app\".\"t50\","));
  EXPECT_EQ(result.remediation.sql[2],
            "ALTER PUBLICATION \"clickpipes_publication\" ADD TABLE \"app\".\"t100\";");
}

// --- publication.actions

constexpr const char* kActions = "publication.actions";

TEST(PublicationActions, SkipsWhenThereIsNoPublication) {
  const CheckResult result = evaluate(kActions, FactsBuilder().no_publication().build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("see publication.exists"));
}

TEST(PublicationActions, PassesPublishingInsertUpdateDeleteAndTruncate) {
  const CheckResult result = evaluate(kActions, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "clickpipes_publication publishes insert, update, delete and truncate");
}

TEST(PublicationActions, TruncateIsNotRequired) {
  const CheckResult result =
      evaluate(kActions,
               FactsBuilder().publication([](PublicationFacts& p) { p.truncate = false; }).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "clickpipes_publication publishes insert, update, delete");
}

TEST(PublicationActions, MissingUpdateAndDeleteFailsWithSetPublish) {
  const CheckResult result = evaluate(kActions, FactsBuilder()
                                                    .publication([](PublicationFacts& p) {
                                                      p.update = false;
                                                      p.delete_ = false;
                                                    })
                                                    .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("does not publish update, delete"));
  EXPECT_THAT(result.summary, HasSubstr("never reach ClickPipes"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER PUBLICATION \"clickpipes_publication\" SET (publish = 'insert, "
                          "update, delete, truncate');"));
  EXPECT_THAT(details_text(result), HasSubstr("--skip publication.actions"));
}

TEST(PublicationActions, MissingInsertFails) {
  const CheckResult result = evaluate(
      kActions, FactsBuilder().publication([](PublicationFacts& p) { p.insert = false; }).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("does not publish insert:"));
}

TEST(PublicationActions, SkipOptionKeepsADeliberateInsertOnlyPublication) {
  ScopeRequest options = default_options();
  options.skip = {"publication.actions"};
  const CheckResult result = evaluate(kActions,
                                      FactsBuilder()
                                          .publication([](PublicationFacts& p) {
                                            p.update = false;
                                            p.delete_ = false;
                                          })
                                          .build(),
                                      options);
  EXPECT_EQ(result.status, Status::skip);
}

// --- publication.partitions

constexpr const char* kPartitions = "publication.partitions";

FactsBuilder with_partitioned_events() {
  FactsBuilder builder;
  builder.partitioned_table("public", "events")
      .partition("public", "events_2026", "public", "events");
  return builder;
}

TEST(PublicationPartitions, SkipsWhenThereIsNoPublication) {
  const CheckResult result =
      evaluate(kPartitions, with_partitioned_events().no_publication().build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("does not exist"));
}

TEST(PublicationPartitions, PassesWithoutAPartitionedTableInScope) {
  const CheckResult result =
      evaluate(kPartitions,
               FactsBuilder().publication([](PublicationFacts& p) { p.via_root = false; }).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "no partitioned table in scope");
}

TEST(PublicationPartitions, PassesPublishingViaTheRoot) {
  const CheckResult result = evaluate(kPartitions, with_partitioned_events().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("publish_via_partition_root"));
}

TEST(PublicationPartitions, WarnsWithoutViaRootWithTheFix) {
  const CheckResult result =
      evaluate(kPartitions, with_partitioned_events()
                                .publication([](PublicationFacts& p) { p.via_root = false; })
                                .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("1 partitioned table is published without its root"));
  EXPECT_THAT(result.summary, HasSubstr("as separate tables"));
  EXPECT_THAT(result.details, ElementsAre("public.events"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER PUBLICATION \"clickpipes_publication\" SET "
                          "(publish_via_partition_root = true);"));
}

TEST(PublicationPartitions, SkipsBeforePostgresql13) {
  const CheckResult result =
      evaluate(kPartitions, with_partitioned_events()
                                .version(120015)
                                .publication([](PublicationFacts& p) { p.via_root = false; })
                                .build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("PostgreSQL 13"));
}

TEST(PublicationPartitions, IgnoresAnUnloggedPartitionedTable) {
  const CheckResult result =
      evaluate(kPartitions,
               FactsBuilder()
                   .partitioned_table("public", "scratch", [](TableFacts& t) { t.unlogged = true; })
                   .publication([](PublicationFacts& p) { p.via_root = false; })
                   .build());
  EXPECT_EQ(result.status, Status::pass);
}

}  // namespace
}  // namespace cdcpreflight::testing
