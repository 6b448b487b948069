// `tables.replica_identity`: every scoped table, partitions one by one, has a
// primary key or a usable replica identity.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kIdentity = "tables.replica_identity";

void no_key(TableFacts& table) { table.has_primary_key = false; }

// A single table public.t, changed by `change`, in an otherwise ready database.
CheckResult identity_of(const TableChange& change) {
  return evaluate(kIdentity, FactsBuilder().no_tables().table("public", "t", change).build());
}

TEST(ReplicaIdentity, PrimaryKeyPasses) {
  const CheckResult result = identity_of({});
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("1 table"));
  EXPECT_THAT(result.summary, HasSubstr("a primary key or a replica identity"));
}

TEST(ReplicaIdentity, FullPassesWithoutAKey) {
  const CheckResult result = identity_of([](TableFacts& table) {
    no_key(table);
    table.replica_identity = ReplicaIdentity::full;
  });
  EXPECT_EQ(result.status, Status::pass);
}

TEST(ReplicaIdentity, UsingIndexPassesWhenTheIndexExists) {
  const CheckResult result = identity_of([](TableFacts& table) {
    no_key(table);
    table.replica_identity = ReplicaIdentity::index;
    table.has_replica_identity_index = true;
  });
  EXPECT_EQ(result.status, Status::pass);
}

TEST(ReplicaIdentity, UsingIndexFailsWhenTheIndexIsGone) {
  const CheckResult result = identity_of([](TableFacts& table) {
    table.replica_identity = ReplicaIdentity::index;
    table.has_replica_identity_index = false;
  });
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, Contains("public.t (REPLICA IDENTITY USING INDEX names no index)"));
}

TEST(ReplicaIdentity, NothingFailsEvenWithAPrimaryKey) {
  const CheckResult result =
      identity_of([](TableFacts& table) { table.replica_identity = ReplicaIdentity::nothing; });
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, Contains("public.t (REPLICA IDENTITY NOTHING)"));
}

TEST(ReplicaIdentity, DefaultWithoutAPrimaryKeyFailsWithReplicaIdentityFull) {
  const CheckResult result = identity_of(no_key);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("1 table has no primary key or replica identity"));
  EXPECT_THAT(result.details, Contains("public.t (no primary key)"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER TABLE \"public\".\"t\" REPLICA IDENTITY FULL;"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("ADD PRIMARY KEY"));
}

TEST(ReplicaIdentity, QuotesHostileNamesInTheFix) {
  const CheckResult result = evaluate(
      kIdentity, FactsBuilder().no_tables().table("we\"ird schema", "it's", no_key).build());
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER TABLE \"we\"\"ird schema\".\"it's\" REPLICA IDENTITY FULL;"));
}

TEST(ReplicaIdentity, ChecksEachPartition) {
  const CheckResult result =
      evaluate(kIdentity, FactsBuilder()
                              .no_tables()
                              .partitioned_table("public", "events", no_key)
                              .partition("public", "events_2025", "public", "events")
                              .partition("public", "events_2026", "public", "events", no_key)
                              .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, Contains("public.events_2026 (no primary key)"));
  EXPECT_THAT(result.details, Not(Contains(HasSubstr("events_2025"))));
}

TEST(ReplicaIdentity, DoesNotCheckThePartitionedParentItself) {
  const CheckResult result =
      evaluate(kIdentity, FactsBuilder()
                              .no_tables()
                              .partitioned_table("public", "events", no_key)
                              .partition("public", "events_2026", "public", "events")
                              .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("1 table has"));
}

TEST(ReplicaIdentity, ChecksPartitionsOfARootNamedWithTable) {
  const CheckResult result =
      evaluate(kIdentity,
               FactsBuilder()
                   .partitioned_table("public", "events")
                   .partition("public", "events_2026", "public", "events", no_key)
                   .build(),
               with_tables({"public.events"}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, Contains("public.events_2026 (no primary key)"));
}

TEST(ReplicaIdentity, IgnoresUnloggedTables) {
  const CheckResult result = evaluate(kIdentity, FactsBuilder()
                                                     .table("public", "scratch",
                                                            [](TableFacts& table) {
                                                              no_key(table);
                                                              table.unlogged = true;
                                                            })
                                                     .build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(ReplicaIdentity, IgnoresTablesOutsideTheScope) {
  const CheckResult result = evaluate(kIdentity, FactsBuilder().table("other", "t", no_key).build(),
                                      with_schemas({"public"}));
  EXPECT_EQ(result.status, Status::pass);
}

TEST(ReplicaIdentity, SaysUpdatesAlreadyFailOnTheSourceWhenPublished) {
  const CheckResult result = identity_of(no_key);  // FOR ALL TABLES, publishing update/delete
  ASSERT_FALSE(result.details.empty());
  EXPECT_THAT(result.details[0], HasSubstr("already fail on the source"));
  EXPECT_THAT(result.details[0], HasSubstr("clickpipes_publication"));
}

TEST(ReplicaIdentity, SaysUpdatesAlreadyFailForAListedTable) {
  const CheckResult result = evaluate(
      kIdentity,
      FactsBuilder().no_tables().table("public", "t", no_key).publication_lists_tables().build());
  EXPECT_THAT(result.details, Contains(HasSubstr("already fail on the source")));
}

TEST(ReplicaIdentity, NoSourceFailureWhenTheTableIsNotPublished) {
  const CheckResult result = evaluate(kIdentity, FactsBuilder()
                                                     .no_tables()
                                                     .table("public", "t",
                                                            [](TableFacts& table) {
                                                              no_key(table);
                                                              table.published = false;
                                                            })
                                                     .publication_lists_tables()
                                                     .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre("public.t (no primary key)"));
}

TEST(ReplicaIdentity, NoSourceFailureWhenThePublicationPublishesOnlyInserts) {
  const CheckResult result = evaluate(kIdentity, FactsBuilder()
                                                     .no_tables()
                                                     .table("public", "t", no_key)
                                                     .publication([](PublicationFacts& p) {
                                                       p.update = false;
                                                       p.delete_ = false;
                                                     })
                                                     .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre("public.t (no primary key)"));
}

TEST(ReplicaIdentity, NoSourceFailureWithoutAPublication) {
  const CheckResult result = evaluate(
      kIdentity, FactsBuilder().no_tables().table("public", "t", no_key).no_publication().build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre("public.t (no primary key)"));
}

// A partition is published through its listed root (pg_publication_rel lists
// the root only): PostgreSQL rejects UPDATE on the partition all the same.
TEST(ReplicaIdentity, SaysUpdatesAlreadyFailForAPartitionOfAListedRoot) {
  const CheckResult result =
      evaluate(kIdentity, FactsBuilder()
                              .no_tables()
                              .partitioned_table("public", "events")
                              .partition("public", "events_2026", "public", "events",
                                         [](TableFacts& table) {
                                           no_key(table);
                                           table.published = false;
                                         })
                              .publication_lists_tables()
                              .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, Contains(HasSubstr("already fail on the source")));
}

}  // namespace
}  // namespace cdcpreflight::testing
