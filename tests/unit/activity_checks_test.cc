// `activity.long_transactions`: nothing open long enough to block creating the
// slot and the initial snapshot. `slots.inactive`: no slot left behind holding
// WAL and a place ClickPipes may need.
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

constexpr const char* kLong = "activity.long_transactions";
constexpr const char* kSlots = "slots.inactive";

ScopeRequest long_tx_minutes(int minutes) {
  ScopeRequest options = default_options();
  options.long_tx_minutes = minutes;
  return options;
}

// --- activity.long_transactions

TEST(LongTransactions, PassesWithNoOpenTransaction) {
  const CheckResult result = evaluate(kLong, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "no transaction has been open for 5 minutes or more");
}

TEST(LongTransactions, ATransactionOpenForMoreThanFiveMinutesWarns) {
  const CheckResult result = evaluate(kLong, FactsBuilder()
                                                 .transaction(4242, 12 * 60,
                                                              [](OpenTransaction& t) {
                                                                t.user = "etl";
                                                                t.state = "idle in transaction";
                                                                t.query_start =
                                                                    "2026-11-25T11:48:00Z";
                                                              })
                                                 .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("1 transaction has been open for 5 minutes or more"));
  EXPECT_THAT(result.summary, HasSubstr("block creating the slot"));
  ASSERT_EQ(result.details.size(), 1U);
  const std::string& detail = result.details[0];
  EXPECT_THAT(detail, HasSubstr("pid 4242"));
  EXPECT_THAT(detail, HasSubstr("user etl"));
  EXPECT_THAT(detail, HasSubstr("idle in transaction"));
  EXPECT_THAT(detail, HasSubstr("open for 12min"));
  EXPECT_THAT(detail, HasSubstr("query started 2026-11-25T11:48:00Z"));
  EXPECT_THAT(result.remediation.steps,
              ElementsAre(HasSubstr("SELECT pg_terminate_backend(4242);")));
}

TEST(LongTransactions, ShowsLongAgesInHoursAndDays) {
  const CheckResult result = evaluate(kLong, FactsBuilder()
                                                 .transaction(1, 2 * 3600 + 5 * 60)
                                                 .transaction(2, 3 * 86400 + 4 * 3600)
                                                 .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("2 transactions have been open"));
  EXPECT_THAT(details_text(result), HasSubstr("open for 2h 5min"));
  EXPECT_THAT(details_text(result), HasSubstr("open for 3d 4h"));
}

TEST(LongTransactions, ATransactionUnderTheThresholdPasses) {
  const CheckResult result = evaluate(kLong, FactsBuilder().transaction(4242, 4 * 60).build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(LongTransactions, ATransactionAtExactlyTheThresholdWarns) {
  const CheckResult result = evaluate(kLong, FactsBuilder().transaction(4242, 5 * 60).build());
  EXPECT_EQ(result.status, Status::warn);
}

TEST(LongTransactions, LongTxMinutesOneCatchesATwoMinuteTransaction) {
  const Facts facts = FactsBuilder().transaction(4242, 2 * 60).build();
  EXPECT_EQ(evaluate(kLong, facts).status, Status::pass);
  const CheckResult result = evaluate(kLong, facts, long_tx_minutes(1));
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("open for 1 minute or more"));
  EXPECT_THAT(details_text(result), HasSubstr("pid 4242"));
}

TEST(LongTransactions, AnOldPreparedTransactionWarnsWithCommitOrRollbackPrepared) {
  const CheckResult result = evaluate(kLong, FactsBuilder().prepared("xfer-42", 2 * 3600).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("1 transaction has been open"));
  EXPECT_THAT(result.details,
              ElementsAre("prepared transaction 'xfer-42' (owner app, database app): prepared "
                          "2h 0min ago"));
  ASSERT_EQ(result.remediation.steps.size(), 1U);
  EXPECT_THAT(result.remediation.steps[0], HasSubstr("COMMIT PREPARED 'xfer-42';"));
  EXPECT_THAT(result.remediation.steps[0], HasSubstr("ROLLBACK PREPARED 'xfer-42';"));
  EXPECT_THAT(result.remediation.steps[0], HasSubstr("in database app"));
}

TEST(LongTransactions, ARecentPreparedTransactionPasses) {
  const CheckResult result = evaluate(kLong, FactsBuilder().prepared("xfer-42", 60).build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(LongTransactions, QuotesAHostileGid) {
  const CheckResult result = evaluate(kLong, FactsBuilder().prepared("it's", 3600).build());
  EXPECT_THAT(result.remediation.steps, ElementsAre(HasSubstr("COMMIT PREPARED 'it''s';")));
}

TEST(LongTransactions, HiddenSessionsWithNothingVisibleIsAnErrorNamingPgReadAllStats) {
  const CheckResult result =
      evaluate(kLong, FactsBuilder().connected_as("admin").stats_hidden().build());
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("hidden from admin"));
  EXPECT_THAT(result.summary, HasSubstr("pg_read_all_stats"));
  EXPECT_THAT(result.remediation.sql, ElementsAre("GRANT pg_read_all_stats TO \"admin\";"));
}

// The least-privilege role of the setup guide: other roles' sessions hidden,
// but pg_locks shows that none of them holds a transaction id: nothing is in
// the way of a slot, and that is no error.
TEST(LongTransactions, HiddenSessionsNoneOfWhichHoldsATransactionIdPass) {
  const CheckResult result = evaluate(kLong, FactsBuilder().stats_hidden(0).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.details, ElementsAre(HasSubstr("none of them holds a transaction id")));
  EXPECT_TRUE(report_of(FactsBuilder().stats_hidden(0).build(), Strict::yes).summary.ready);
}

TEST(LongTransactions, HiddenSessionsCountAsAWarningInTheReport) {
  const Report report = report_of(FactsBuilder().stats_hidden().build());
  EXPECT_EQ(report.summary.error, 1);
  EXPECT_EQ(report.summary.fail, 0);
  EXPECT_TRUE(report.summary.ready);
}

TEST(LongTransactions, HiddenSessionsBlockWithStrict) {
  const Report report = report_of(FactsBuilder().stats_hidden().build(), Strict::yes);
  EXPECT_FALSE(report.summary.ready);
}

TEST(LongTransactions, HiddenSessionsAndAVisibleOldOneWarnWithANote) {
  const CheckResult result =
      evaluate(kLong, FactsBuilder().stats_hidden().transaction(4242, 3600).build());
  EXPECT_EQ(result.status, Status::warn);
  ASSERT_EQ(result.details.size(), 2U);
  EXPECT_THAT(result.details[0], HasSubstr("pid 4242"));
  EXPECT_THAT(result.details[1], HasSubstr("hidden"));
  EXPECT_THAT(result.details[1], HasSubstr("pg_read_all_stats"));
}

TEST(LongTransactions, UnreadableActivityIsAnError) {
  const CheckResult result = evaluate(
      kLong, FactsBuilder().query_error(FactGroup::activity, "42501", "permission denied").build());
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("activity catalogs"));
}

// --- slots.inactive

TEST(InactiveSlots, PassesWithoutSlots) {
  const CheckResult result = evaluate(kSlots, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "no inactive replication slot (0 in all)");
}

TEST(InactiveSlots, AnInactiveLogicalSlotWarnsWithEverythingAboutItAndTheDrop) {
  const CheckResult result = evaluate(kSlots, FactsBuilder()
                                                  .slot("old_pipe",
                                                        [](ReplicationSlotFacts& s) {
                                                          s.active = false;
                                                          s.retained_bytes =
                                                              5LL * 1024 * 1024 * 1024;
                                                        })
                                                  .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("1 replication slot is inactive or invalidated"));
  ASSERT_EQ(result.details.size(), 1U);
  const std::string& detail = result.details[0];
  EXPECT_THAT(detail, HasSubstr("old_pipe"));
  EXPECT_THAT(detail, HasSubstr("plugin pgoutput"));
  EXPECT_THAT(detail, HasSubstr("database app"));
  EXPECT_THAT(detail, HasSubstr("inactive"));
  EXPECT_THAT(detail, HasSubstr("retains 5.0 GB of WAL"));
  EXPECT_THAT(result.remediation.steps,
              ElementsAre(HasSubstr("SELECT pg_drop_replication_slot('old_pipe');")));
  EXPECT_THAT(result.remediation.sql, IsEmpty());
}

// An inactive ClickPipes slot is slots.clickpipes' to judge (its pipe may be
// paused): slots.inactive neither warns about it nor proposes dropping it.
TEST(InactiveSlots, AnInactiveClickPipesSlotIsLeftToSlotsClickpipes) {
  const CheckResult result = evaluate(
      kSlots, FactsBuilder()
                  .slot("peerflow_slot_orders", [](ReplicationSlotFacts& s) { s.active = false; })
                  .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary,
            "no inactive replication slot (1 in all; slots.clickpipes judges the 1 of ClickPipes)");
  EXPECT_THAT(result.remediation.steps, IsEmpty());
}

TEST(InactiveSlots, AnInactivePhysicalSlotWarnsWithoutPluginOrDatabase) {
  const CheckResult result = evaluate(kSlots, FactsBuilder()
                                                  .slot("standby_1",
                                                        [](ReplicationSlotFacts& s) {
                                                          s.active = false;
                                                          s.plugin.clear();
                                                          s.database.clear();
                                                          s.slot_type = "physical";
                                                          s.retained_bytes.reset();
                                                        })
                                                  .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.details, ElementsAre("standby_1 (physical slot): inactive"));
}

TEST(InactiveSlots, AnActiveSlotPasses) {
  const CheckResult result = evaluate(kSlots, FactsBuilder().slot("live_pipe").build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("1 in all"));
}

TEST(InactiveSlots, ATemporarySlotIsIgnored) {
  const CheckResult result = evaluate(kSlots, FactsBuilder()
                                                  .slot("pg_temp_probe",
                                                        [](ReplicationSlotFacts& s) {
                                                          s.active = false;
                                                          s.temporary = true;
                                                        })
                                                  .build());
  EXPECT_EQ(result.status, Status::pass);
}

TEST(InactiveSlots, AnInvalidatedSlotWarnsEvenWhenActive) {
  const CheckResult result = evaluate(
      kSlots, FactsBuilder()
                  .slot("lost_pipe", [](ReplicationSlotFacts& s) { s.wal_status = "lost"; })
                  .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(details_text(result), HasSubstr("invalidated (wal_status lost)"));
  EXPECT_THAT(result.remediation.steps,
              ElementsAre(HasSubstr("pg_drop_replication_slot('lost_pipe')")));
}

TEST(InactiveSlots, ListsOnlyTheSlotsInTheWay) {
  const CheckResult result =
      evaluate(kSlots, FactsBuilder()
                           .slot("live_pipe")
                           .slot("old_a", [](ReplicationSlotFacts& s) { s.active = false; })
                           .slot("old_b", [](ReplicationSlotFacts& s) { s.active = false; })
                           .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("2 replication slots are inactive"));
  EXPECT_EQ(result.details.size(), 2U);
  EXPECT_THAT(details_text(result), Not(HasSubstr("live_pipe")));
}

TEST(InactiveSlots, QuotesASlotNameInTheDrop) {
  const CheckResult result = evaluate(
      kSlots,
      FactsBuilder().slot("it's", [](ReplicationSlotFacts& s) { s.active = false; }).build());
  EXPECT_THAT(result.remediation.steps, Contains(HasSubstr("pg_drop_replication_slot('it''s')")));
}

}  // namespace
}  // namespace cdcpreflight::testing
