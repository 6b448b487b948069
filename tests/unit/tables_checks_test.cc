// `tables.replica_identity`: every scoped table, partitions one by one, has a
// primary key or a usable replica identity. `tables.toast`, `tables.names`,
// `tables.unlogged`, `tables.rls`: what else about a table loses changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
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

// --- tables.toast

constexpr const char* kToast = "tables.toast";

// A table that can store values out of line and does (its TOAST relation holds data).
void toastable(TableFacts& table) {
  table.has_toastable_columns = true;
  table.toast_holds_data = true;
}

TEST(Toast, ToastableColumnsWithTheDefaultIdentityWarnWithReplicaIdentityFull) {
  const CheckResult result =
      evaluate(kToast, FactsBuilder().no_tables().table("public", "docs", toastable).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("1 table stores values out of line"));
  EXPECT_THAT(result.summary, HasSubstr("arrive empty on UPDATE"));
  EXPECT_THAT(result.details, ElementsAre("public.docs"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER TABLE \"public\".\"docs\" REPLICA IDENTITY FULL;"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("more WAL"));
}

TEST(Toast, ToastableColumnsWithReplicaIdentityFullPass) {
  const CheckResult result = evaluate(kToast, FactsBuilder()
                                                  .no_tables()
                                                  .table("public", "docs",
                                                         [](TableFacts& t) {
                                                           toastable(t);
                                                           t.replica_identity =
                                                               ReplicaIdentity::full;
                                                         })
                                                  .build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(Toast, ToastableColumnsWithAnIdentityIndexWarn) {
  const CheckResult result = evaluate(kToast, FactsBuilder()
                                                  .no_tables()
                                                  .table("public", "docs",
                                                         [](TableFacts& t) {
                                                           toastable(t);
                                                           t.replica_identity =
                                                               ReplicaIdentity::index;
                                                           t.has_replica_identity_index = true;
                                                         })
                                                  .build());
  EXPECT_EQ(result.status, Status::warn);
}

// Without a usable replica identity the table is tables.replica_identity's
// failure, whose REPLICA IDENTITY FULL fixes both: not warned about twice.
TEST(Toast, ATableWithoutAReplicaIdentityIsLeftToReplicaIdentity) {
  const Facts facts = FactsBuilder()
                          .no_tables()
                          .table("public", "docs",
                                 [](TableFacts& t) {
                                   toastable(t);
                                   t.has_primary_key = false;
                                 })
                          .build();
  EXPECT_EQ(evaluate(kToast, facts).status, Status::pass);
  EXPECT_EQ(evaluate("tables.replica_identity", facts).status, Status::fail);
}

TEST(Toast, TablesWithoutToastableColumnsPass) {
  const CheckResult result = evaluate(kToast, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("no scoped table"));
}

TEST(Toast, ChecksEachPartitionNotTheRoot) {
  const CheckResult result =
      evaluate(kToast, FactsBuilder()
                           .no_tables()
                           .partitioned_table("public", "events", toastable)
                           .partition("public", "events_1", "public", "events", toastable)
                           .partition("public", "events_2", "public", "events",
                                      [](TableFacts& t) {
                                        toastable(t);
                                        t.replica_identity = ReplicaIdentity::full;
                                      })
                           .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.details, ElementsAre("public.events_1"));
}

// No warning without evidence: a table that could store values out of line but
// holds none yet is a detail of a pass.
TEST(Toast, ATableThatCouldButHoldsNoOutOfLineValueYetIsADetailNotAWarning) {
  const CheckResult result = evaluate(
      kToast, FactsBuilder()
                  .no_tables()
                  .table("public", "notes", [](TableFacts& t) { t.has_toastable_columns = true; })
                  .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.details,
              ElementsAre("public.notes could store values out of line, but holds none yet"));
  EXPECT_TRUE(result.remediation.empty());
}

// Evidence without the possibility (values out of line in a table whose
// columns can no longer hold any, after an ALTER TABLE) warns of nothing.
TEST(Toast, ATableWhoseColumnsCannotStoreOutOfLinePassesWhateverItsToastRelationHolds) {
  const CheckResult result = evaluate(
      kToast, FactsBuilder()
                  .no_tables()
                  .table("public", "amounts", [](TableFacts& t) { t.toast_holds_data = true; })
                  .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.details, IsEmpty());
}

TEST(Toast, WarnsOnlyForTheTablesWithEvidenceAndNamesTheOthers) {
  const CheckResult result = evaluate(
      kToast, FactsBuilder()
                  .no_tables()
                  .table("public", "docs", toastable)
                  .table("public", "notes", [](TableFacts& t) { t.has_toastable_columns = true; })
                  .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.details,
              ElementsAre("public.docs",
                          "public.notes could store values out of line, but holds none yet"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER TABLE \"public\".\"docs\" REPLICA IDENTITY FULL;"));
}

TEST(Toast, IgnoresUnloggedTables) {
  const CheckResult result = evaluate(kToast, FactsBuilder()
                                                  .table("public", "scratch",
                                                         [](TableFacts& t) {
                                                           toastable(t);
                                                           t.unlogged = true;
                                                         })
                                                  .build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(Toast, IgnoresTablesOutsideTheScope) {
  const CheckResult result = evaluate(
      kToast, FactsBuilder().table("other", "docs", toastable).build(), with_schemas({"public"}));
  EXPECT_EQ(result.status, Status::pass);
}

// --- tables.generated_columns

constexpr const char* kGenerated = "tables.generated_columns";

TEST(GeneratedColumns, TablesWithoutGeneratedColumnsPass) {
  const CheckResult result = evaluate(kGenerated, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(GeneratedColumns, AStoredGeneratedColumnWarnsThatItArrivesEmpty) {
  const CheckResult result =
      evaluate(kGenerated,
               FactsBuilder()
                   .table("public", "lines", [](TableFacts& t) { t.generated_columns = {"total"}; })
                   .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("1 table has generated columns"));
  EXPECT_THAT(result.summary, HasSubstr("arrive empty"));
  EXPECT_THAT(result.details, ElementsAre("public.lines (total)"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("MATERIALIZED"));
  EXPECT_THAT(result.remediation.sql, IsEmpty());  // PostgreSQL 15: no publication option
}

TEST(GeneratedColumns, AGeneratedColumnInTheKeyFails) {
  const CheckResult result = evaluate(kGenerated, FactsBuilder()
                                                      .table("public", "lines",
                                                             [](TableFacts& t) {
                                                               t.generated_columns = {"id"};
                                                               t.generated_in_key = true;
                                                             })
                                                      .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("a generated column in its key"));
  EXPECT_THAT(result.summary, HasSubstr("changes arrive without their key"));
  EXPECT_THAT(result.details, Contains(HasSubstr("primary key or replica identity index")));
}

// PostgreSQL 18 refuses UPDATE and DELETE on such a published table.
TEST(GeneratedColumns, OnPostgresql18AGeneratedColumnInTheKeyAlreadyFailsOnTheSource) {
  const auto in_key = [](TableFacts& t) {
    t.generated_columns = {"id"};
    t.generated_in_key = true;
  };
  const CheckResult result =
      evaluate(kGenerated, FactsBuilder().version(180001).table("public", "lines", in_key).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("UPDATE and DELETE on it already fail on the source"));
  const CheckResult inserts_only = evaluate(
      kGenerated, FactsBuilder()
                      .version(180001)
                      .publication([](PublicationFacts& p) { p.update = p.delete_ = false; })
                      .table("public", "lines", in_key)
                      .build());
  EXPECT_THAT(inserts_only.summary, HasSubstr("changes arrive without their key"));
}

// PostgreSQL 18: publish_generated_columns = stored sends the stored ones;
// virtual ones are never sent.
TEST(GeneratedColumns, OnPostgresql18ThePublicationOptionSendsStoredButNotVirtualOnes) {
  const auto table = [](TableFacts& t) {
    t.generated_columns = {"total"};
    t.virtual_generated_columns = {"label"};
  };
  Facts facts = FactsBuilder().version(180001).table("public", "lines", table).build();
  const CheckResult unset = evaluate(kGenerated, facts);
  EXPECT_EQ(unset.status, Status::warn);
  EXPECT_THAT(unset.details, ElementsAre("public.lines (total, label)"));
  EXPECT_THAT(unset.remediation.sql, ElementsAre("ALTER PUBLICATION \"clickpipes_publication\" SET "
                                                 "(publish_generated_columns = stored);"));
  facts.publication_facts.publishes_generated_columns = true;
  const CheckResult set = evaluate(kGenerated, facts);
  EXPECT_EQ(set.status, Status::warn);
  EXPECT_THAT(set.details, ElementsAre("public.lines (label)"));
  facts.tables.back().virtual_generated_columns.clear();
  EXPECT_EQ(evaluate(kGenerated, facts).status, Status::pass);
}

// --- tables.names

constexpr const char* kNames = "tables.names";

TEST(Names, PassesWithoutDots) {
  const CheckResult result = evaluate(kNames, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("contains a dot"));
}

TEST(Names, ADotInATableNameFailsWithARenameStep) {
  const CheckResult result = evaluate(kNames, FactsBuilder().table("public", "orders.v2").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("1 name contains a dot"));
  EXPECT_THAT(result.summary, HasSubstr("ClickPipes does not support"));
  EXPECT_THAT(result.details, ElementsAre("table public.\"orders.v2\""));
  EXPECT_THAT(result.remediation.steps,
              Contains("ALTER TABLE \"public\".\"orders.v2\" RENAME TO <new name without a dot>;"));
  EXPECT_THAT(result.remediation.steps, Contains(HasSubstr("--schema/--table")));
}

TEST(Names, ADotInASchemaNameFails) {
  const CheckResult result = evaluate(kNames, FactsBuilder().table("app.v1", "orders").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, ElementsAre("schema \"app.v1\""));
  EXPECT_THAT(result.remediation.steps,
              Contains("ALTER SCHEMA \"app.v1\" RENAME TO <new name without a dot>;"));
}

TEST(Names, TheRenamesAreStepsNotRunnableSql) {
  const CheckResult result =
      evaluate(kNames, FactsBuilder().table("app.v1", "orders").table("public", "a.b").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("2 names contain a dot"));
  EXPECT_THAT(result.remediation.sql, IsEmpty());
}

TEST(Names, IgnoresNamesOutsideTheScope) {
  const CheckResult result =
      evaluate(kNames, FactsBuilder().table("app.v1", "x.y").build(), with_schemas({"public"}));
  EXPECT_EQ(result.status, Status::pass);
}

// --- tables.unlogged

constexpr const char* kUnlogged = "tables.unlogged";

TEST(Unlogged, AnUnloggedTableWarnsWithSetLogged) {
  const CheckResult result = evaluate(
      kUnlogged,
      FactsBuilder().table("public", "scratch", [](TableFacts& t) { t.unlogged = true; }).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("1 table is UNLOGGED: it is never replicated"));
  EXPECT_THAT(result.details, ElementsAre("public.scratch"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER TABLE \"public\".\"scratch\" SET LOGGED;"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("ACCESS EXCLUSIVE"));
}

TEST(Unlogged, LoggedTablesPass) {
  const CheckResult result = evaluate(kUnlogged, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "no scoped table is UNLOGGED");
}

// --- tables.rls

constexpr const char* kRls = "tables.rls";

void with_rls(TableFacts& table) { table.row_security = true; }

TEST(RowSecurity, SuperuserPasses) {
  const CheckResult result =
      evaluate(kRls, FactsBuilder()
                         .table("public", "secrets", with_rls)
                         .role([](RoleFacts& role) { role.superuser = true; })
                         .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("bypasses row-level security (superuser)"));
}

TEST(RowSecurity, BypassRlsPasses) {
  const CheckResult result =
      evaluate(kRls, FactsBuilder()
                         .table("public", "secrets", with_rls)
                         .role([](RoleFacts& role) { role.bypass_rls = true; })
                         .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("BYPASSRLS"));
}

TEST(RowSecurity, NoRowSecurityPasses) {
  const CheckResult result = evaluate(kRls, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "no scoped table filters rows for clickpipes_user");
}

TEST(RowSecurity, ATableWithRowSecurityNotOwnedByTheUserWarnsWithAPolicy) {
  const CheckResult result =
      evaluate(kRls, FactsBuilder().table("public", "secrets", with_rls).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("1 table has row-level security"));
  EXPECT_THAT(result.summary, HasSubstr("silently missing"));
  EXPECT_THAT(result.details, ElementsAre("public.secrets"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE POLICY cdc_read_all ON \"public\".\"secrets\" FOR SELECT TO "
                          "\"clickpipes_user\" USING (true);"));
  EXPECT_THAT(remediation_text(result.remediation),
              HasSubstr("ALTER ROLE \"clickpipes_user\" BYPASSRLS"));
}

TEST(RowSecurity, APolicyLettingTheUserReadEveryRowPasses) {
  const CheckResult result = evaluate(kRls, FactsBuilder()
                                                .table("public", "secrets",
                                                       [](TableFacts& table) {
                                                         with_rls(table);
                                                         table.policy_reads_all = true;
                                                       })
                                                .build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(RowSecurity, AnOwnedTableWithoutForcePasses) {
  const CheckResult result = evaluate(kRls, FactsBuilder()
                                                .table("public", "mine",
                                                       [](TableFacts& t) {
                                                         with_rls(t);
                                                         t.owned_by_role = true;
                                                       })
                                                .build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(RowSecurity, AnOwnedTableWithForceRowLevelSecurityWarns) {
  const CheckResult result = evaluate(kRls, FactsBuilder()
                                                .table("public", "mine",
                                                       [](TableFacts& t) {
                                                         with_rls(t);
                                                         t.force_row_security = true;
                                                         t.owned_by_role = true;
                                                       })
                                                .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.details, ElementsAre("public.mine"));
}

TEST(RowSecurity, SkipsWhenTheRoleDoesNotExist) {
  const CheckResult result =
      evaluate(kRls, FactsBuilder().table("public", "secrets", with_rls).role_missing().build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("does not exist"));
}

}  // namespace
}  // namespace cdcpreflight::testing
