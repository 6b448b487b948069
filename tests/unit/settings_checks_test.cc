// `settings.logical_replication` and `settings.wal_sender_timeout`, with the
// platform's way of changing a parameter: the DB cluster parameter group and a
// writer reboot on Aurora, the DB parameter group on RDS, ALTER SYSTEM elsewhere.
// `settings.replication_capacity` and `settings.wal_retention`: room for a
// slot and a WAL sender, and slots that are not invalidated.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kLogical = "settings.logical_replication";
constexpr const char* kTimeout = "settings.wal_sender_timeout";

// Aurora before rds.logical_replication is turned on.
FactsBuilder aurora_without_logical_replication() {
  FactsBuilder builder;
  builder.setting("wal_level", "replica").setting("rds.logical_replication", "off");
  return builder;
}

FactsBuilder postgresql() {
  FactsBuilder builder;
  builder.platform(Platform::postgresql).host("db.example.com");
  return builder;
}

// --- settings.logical_replication

TEST(LogicalReplication, PassesOnAuroraWithWalLevelLogicalAndTheRdsFlagOn) {
  const CheckResult result = evaluate(kLogical, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("rds.logical_replication = on"));
}

// Aurora's enhanced logical replication is shown; switching it invalidates
// every logical slot, which the fix says.
TEST(LogicalReplication, AuroraShowsEnhancedLogicalReplicationAndWarnsAboutSwitchingIt) {
  const CheckResult passing = evaluate(
      kLogical, FactsBuilder().setting("aurora.enhanced_logical_replication", "off").build());
  EXPECT_EQ(passing.status, Status::pass);
  EXPECT_THAT(passing.details, Contains("aurora.enhanced_logical_replication = off"));
  const CheckResult failing =
      evaluate(kLogical, FactsBuilder()
                             .setting("aurora.enhanced_logical_replication", "off")
                             .setting("rds.logical_replication", "off")
                             .setting("wal_level", "replica")
                             .build());
  EXPECT_EQ(failing.status, Status::fail);
  EXPECT_THAT(remediation_text(failing.remediation),
              HasSubstr("invalidates every logical slot on the writer"));
}

TEST(LogicalReplication, PassesOnPostgresqlWithWalLevelLogical) {
  const CheckResult result = evaluate(kLogical, postgresql().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "wal_level = logical");
}

TEST(LogicalReplication, AuroraOffFailsWithTheClusterParameterGroupAndReboot) {
  const CheckResult result = evaluate(kLogical, aurora_without_logical_replication().build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("rds.logical_replication is off"));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("DB cluster parameter group"));
  EXPECT_THAT(fix, HasSubstr("Reboot the writer"));
  EXPECT_THAT(fix, HasSubstr("rds.logical_replication = 1"));
  EXPECT_THAT(fix, HasSubstr("ParameterName=rds.logical_replication,ParameterValue=1"));
  EXPECT_THAT(fix, HasSubstr("aurora-postgresql15"));
}

TEST(LogicalReplication, AuroraCommandsUseTheClusterAndRegionOfTheHost) {
  const CheckResult result = evaluate(kLogical, aurora_without_logical_replication().build());
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("--db-cluster-identifier mydb"));
  EXPECT_THAT(fix, HasSubstr("--region us-east-1"));
  EXPECT_THAT(fix, HasSubstr("aws rds reboot-db-instance"));
  EXPECT_THAT(fix, Not(HasSubstr("<cluster-id>")));
  EXPECT_THAT(fix, Not(HasSubstr("<region>")));
}

TEST(LogicalReplication, AuroraCommandsUsePlaceholdersWhenTheHostRevealsNothing) {
  const CheckResult result =
      evaluate(kLogical, aurora_without_logical_replication().host("10.0.0.5").build());
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("--db-cluster-identifier <cluster-id>"));
  EXPECT_THAT(fix, HasSubstr("--region <region>"));
}

TEST(LogicalReplication, RdsOffFailsWithTheDbParameterGroupOfTheInstance) {
  const CheckResult result =
      evaluate(kLogical, aurora_without_logical_replication()
                             .platform(Platform::rds)
                             .host("mydb-instance.abc123.eu-west-2.rds.amazonaws.com")
                             .build());
  EXPECT_EQ(result.status, Status::fail);
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("DB parameter group"));
  EXPECT_THAT(fix, Not(HasSubstr("DB cluster parameter group")));
  EXPECT_THAT(fix, HasSubstr("--db-instance-identifier mydb-instance"));
  EXPECT_THAT(fix, HasSubstr("--region eu-west-2"));
  EXPECT_THAT(fix, HasSubstr("postgres15"));
}

TEST(LogicalReplication, PostgresqlFailsWithAlterSystemAndRestart) {
  const CheckResult result =
      evaluate(kLogical, postgresql().setting("wal_level", "replica").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("wal_level is replica"));
  EXPECT_THAT(result.remediation.sql, Contains("ALTER SYSTEM SET \"wal_level\" = 'logical';"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("Restart PostgreSQL"));
  EXPECT_THAT(result.remediation.sql, Not(Contains("SELECT pg_reload_conf();")));
}

TEST(LogicalReplication, RdsFlagOnButWalLevelReplicaFailsWithRebootPending) {
  const CheckResult result =
      evaluate(kLogical, FactsBuilder().setting("wal_level", "replica").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("reboot pending"));
  EXPECT_THAT(result.summary, HasSubstr("replica"));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("Reboot the writer"));
  EXPECT_THAT(fix, HasSubstr("--db-cluster-identifier mydb"));
  EXPECT_THAT(fix, Not(HasSubstr("modify-db-cluster-parameter-group")));
}

TEST(LogicalReplication, SelfManagedPendingRestartFailsWithRebootPending) {
  const CheckResult result = evaluate(
      kLogical, postgresql().setting("wal_level", "replica").pending_restart("wal_level").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("reboot pending"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("Restart PostgreSQL"));
  EXPECT_TRUE(result.remediation.sql.empty());
}

TEST(LogicalReplication, LogicalWithAPendingRestartWarns) {
  const CheckResult result = evaluate(kLogical, postgresql().pending_restart("wal_level").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("waits for a restart"));
}

TEST(LogicalReplication, FailsWhenWalLevelIsUnknown) {
  Facts facts = postgresql().build();
  facts.server.settings.erase("wal_level");
  const CheckResult result = evaluate(kLogical, facts);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("unknown"));
}

// --- settings.wal_sender_timeout

TEST(WalSenderTimeout, PassesAtZero) {
  const CheckResult result = evaluate(kTimeout, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_TRUE(result.remediation.empty());
}

TEST(WalSenderTimeout, FailsAtTheDefaultOneMinute) {
  const CheckResult result =
      evaluate(kTimeout, FactsBuilder().setting("wal_sender_timeout", "60000", "ms").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("wal_sender_timeout is 1min"));
  EXPECT_THAT(result.summary, HasSubstr("set it to 0"));
}

TEST(WalSenderTimeout, FailureOnAuroraChangesTheClusterParameterGroup) {
  const CheckResult result =
      evaluate(kTimeout, FactsBuilder().setting("wal_sender_timeout", "60000", "ms").build());
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("DB cluster parameter group"));
  EXPECT_THAT(fix, HasSubstr("ParameterName=wal_sender_timeout,ParameterValue=0"));
  EXPECT_THAT(fix, HasSubstr("describe-db-cluster-parameters"));
}

TEST(WalSenderTimeout, FailureOnPostgresqlReloadsInsteadOfRestarting) {
  const CheckResult result =
      evaluate(kTimeout, postgresql().setting("wal_sender_timeout", "60000", "ms").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.remediation.sql, Contains("ALTER SYSTEM SET \"wal_sender_timeout\" = 0;"));
  EXPECT_THAT(result.remediation.sql, Contains("SELECT pg_reload_conf();"));
}

TEST(WalSenderTimeout, WarnsAtExactlyFiveMinutes) {
  const CheckResult result =
      evaluate(kTimeout, FactsBuilder().setting("wal_sender_timeout", "300000", "ms").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("5min"));
  EXPECT_THAT(result.summary, HasSubstr("tolerated"));
}

TEST(WalSenderTimeout, WarnsAtTenMinutes) {
  const CheckResult result =
      evaluate(kTimeout, FactsBuilder().setting("wal_sender_timeout", "600000", "ms").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("10min"));
}

TEST(WalSenderTimeout, FailsJustUnderFiveMinutes) {
  const CheckResult result =
      evaluate(kTimeout, FactsBuilder().setting("wal_sender_timeout", "299999", "ms").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("299999ms"));
}

TEST(WalSenderTimeout, ReadsAValueInSeconds) {
  const CheckResult warned =
      evaluate(kTimeout, FactsBuilder().setting("wal_sender_timeout", "300", "s").build());
  EXPECT_EQ(warned.status, Status::warn);
  EXPECT_THAT(warned.summary, HasSubstr("5min"));
  const CheckResult failed =
      evaluate(kTimeout, FactsBuilder().setting("wal_sender_timeout", "90", "s").build());
  EXPECT_EQ(failed.status, Status::fail);
  EXPECT_THAT(failed.summary, HasSubstr("90s"));
}

TEST(WalSenderTimeout, GarbageValueIsAnError) {
  const CheckResult result =
      evaluate(kTimeout, FactsBuilder().setting("wal_sender_timeout", "abc", "ms").build());
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("unexpected value abc"));
}

// "60s" is how SHOW prints the default: it must not be read as 60 ms.
TEST(WalSenderTimeout, ValueWithTrailingTextIsAnError) {
  const CheckResult result =
      evaluate(kTimeout, FactsBuilder().setting("wal_sender_timeout", "5min", "").build());
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("5min"));
}

TEST(WalSenderTimeout, MissingSettingIsAnError) {
  Facts facts = FactsBuilder().build();
  facts.server.settings.erase("wal_sender_timeout");
  const CheckResult result = evaluate(kTimeout, facts);
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("not in pg_settings"));
}

// --- settings.replication_capacity

constexpr const char* kCapacity = "settings.replication_capacity";

TEST(ReplicationCapacity, PassesWithTwoOrMoreFreeSlotsAndSenders) {
  const CheckResult result = evaluate(kCapacity, FactsBuilder()
                                                     .setting("max_replication_slots", "4")
                                                     .setting("max_wal_senders", "4")
                                                     .slot("pipe_a")
                                                     .slot("pipe_b")
                                                     .wal_senders(2)
                                                     .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "2 free replication slots, 2 free WAL senders");
  EXPECT_THAT(result.details,
              ElementsAre("replication slots: 2 of 4 in use", "WAL senders: 2 of 4 running"));
  EXPECT_TRUE(result.remediation.empty());
}

TEST(ReplicationCapacity, ExactlyOneFreeSlotWarns) {
  const CheckResult result = evaluate(
      kCapacity, FactsBuilder().setting("max_replication_slots", "3").slot("a").slot("b").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("only one free replication slot"));
  EXPECT_THAT(result.details, Contains("replication slots: 2 of 3 in use"));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("ParameterName=max_replication_slots,ParameterValue=13"));
  EXPECT_THAT(fix, Not(HasSubstr("max_wal_senders")));
}

// Another cdc-preflight run's --deep probe holds a temporary slot for a moment:
// not a slot in use. A temporary slot of anyone else's is.
TEST(ReplicationCapacity, TemporaryProbeSlotsOfOtherRunsAreNotCounted) {
  const auto temporary = [](ReplicationSlotFacts& slot) { slot.temporary = true; };
  const CheckResult result = evaluate(kCapacity, FactsBuilder()
                                                     .setting("max_replication_slots", "3")
                                                     .slot("cdc_preflight_probe_4242", temporary)
                                                     .slot("cdc_preflight_probe_4343", temporary)
                                                     .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.details, Contains("replication slots: 0 of 3 in use"));
  const CheckResult other = evaluate(kCapacity, FactsBuilder()
                                                    .setting("max_replication_slots", "3")
                                                    .slot("someone_elses", temporary)
                                                    .slot("cdc_preflight_probe_4343", temporary)
                                                    .build());
  EXPECT_THAT(other.details, Contains("replication slots: 1 of 3 in use"));
}

TEST(ReplicationCapacity, ExactlyOneFreeWalSenderWarns) {
  const CheckResult result =
      evaluate(kCapacity, FactsBuilder().setting("max_wal_senders", "5").wal_senders(4).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("only one free WAL sender"));
  EXPECT_THAT(result.details, Contains("WAL senders: 4 of 5 running"));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("ParameterName=max_wal_senders,ParameterValue=15"));
  EXPECT_THAT(fix, Not(HasSubstr("max_replication_slots")));
}

TEST(ReplicationCapacity, NoFreeSlotFails) {
  const CheckResult result = evaluate(
      kCapacity, FactsBuilder().setting("max_replication_slots", "2").slot("a").slot("b").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("no room for ClickPipes"));
  EXPECT_THAT(result.summary, HasSubstr("0 free replication slots, 10 free WAL senders"));
}

// PeerDB refuses a server with max_wal_senders below 2, even with one free.
TEST(ReplicationCapacity, FewerThanTwoWalSendersFails) {
  const CheckResult result =
      evaluate(kCapacity, FactsBuilder().setting("max_wal_senders", "1").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("max_wal_senders is 1: ClickPipes needs at least 2"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("max_wal_senders"));
}

TEST(ReplicationCapacity, NoFreeWalSenderFails) {
  const CheckResult result =
      evaluate(kCapacity, FactsBuilder().setting("max_wal_senders", "3").wal_senders(3).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("0 free WAL senders"));
}

TEST(ReplicationCapacity, MoreSlotsThanTheMaximumCountAsNoneFree) {
  // max_replication_slots lowered below the slots that exist.
  const CheckResult result = evaluate(
      kCapacity,
      FactsBuilder().setting("max_replication_slots", "1").slot("a").slot("b").slot("c").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("0 free replication slots"));
  EXPECT_THAT(remediation_text(result.remediation),
              HasSubstr("ParameterName=max_replication_slots,ParameterValue=13"));
}

TEST(ReplicationCapacity, FixRaisesTheParameterWithARebootAndMentionsInactiveSlots) {
  const CheckResult result =
      evaluate(kCapacity, FactsBuilder().setting("max_replication_slots", "1").slot("a").build());
  EXPECT_EQ(result.status, Status::fail);
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("slots.inactive"));
  EXPECT_THAT(fix, HasSubstr("max_replication_slots"));
  EXPECT_THAT(fix, HasSubstr("ParameterValue=11"));
  EXPECT_THAT(fix, HasSubstr("pending-reboot"));
  EXPECT_THAT(fix, HasSubstr("Reboot the writer"));
}

TEST(ReplicationCapacity, OnPostgresqlTheFixIsAlterSystemAndARestart) {
  const CheckResult result =
      evaluate(kCapacity, postgresql().setting("max_wal_senders", "2").wal_senders(2).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.remediation.sql, Contains("ALTER SYSTEM SET \"max_wal_senders\" = 12;"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("slots.inactive"));
  EXPECT_THAT(result.remediation.commands, Contains(HasSubstr("pg_ctl restart")));
}

TEST(ReplicationCapacity, UnreadableSettingIsAnError) {
  const CheckResult result =
      evaluate(kCapacity, FactsBuilder().setting("max_wal_senders", "lots").build());
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("unreadable"));
}

// --- settings.wal_retention

constexpr const char* kRetention = "settings.wal_retention";

TEST(WalRetention, SkipsBeforePostgresql13) {
  const CheckResult result = evaluate(
      kRetention, FactsBuilder().version(120015).setting("max_slot_wal_keep_size", "1024").build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("PostgreSQL 13"));
}

TEST(WalRetention, MinusOnePasses) {
  const CheckResult result = evaluate(kRetention, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("-1"));
  EXPECT_THAT(result.summary, HasSubstr("never invalidated"));
}

TEST(WalRetention, OneHundredGigabytesPasses) {
  const CheckResult result = evaluate(
      kRetention, FactsBuilder().setting("max_slot_wal_keep_size", "102400", "MB").build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "max_slot_wal_keep_size is 102400 MB");
}

TEST(WalRetention, OneGigabyteWarnsWithOneHundredGigabytes) {
  const CheckResult result =
      evaluate(kRetention, FactsBuilder().setting("max_slot_wal_keep_size", "1024", "MB").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("1024 MB"));
  EXPECT_THAT(result.summary, HasSubstr("invalidated"));
  EXPECT_THAT(result.summary, HasSubstr("resync"));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("100 GB"));
  EXPECT_THAT(fix, HasSubstr("ParameterName=max_slot_wal_keep_size,ParameterValue=102400"));
}

TEST(WalRetention, OnPostgresqlTheFixIsAlterSystemAndAReload) {
  const CheckResult result =
      evaluate(kRetention, postgresql().setting("max_slot_wal_keep_size", "1024", "MB").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER SYSTEM SET \"max_slot_wal_keep_size\" = '100GB';",
                          "SELECT pg_reload_conf();"));
}

constexpr std::int64_t kGiB = 1024LL * 1024 * 1024;
constexpr std::int64_t kDay = 86400;

// Where pg_stat_wal cannot say (no reset time), the guides' 100 GB, and the
// detail says why.
TEST(WalRetention, WithoutAWriteRateTheDetailSaysWhyAndOneHundredGigabytesRules) {
  const CheckResult result =
      evaluate(kRetention, FactsBuilder().setting("max_slot_wal_keep_size", "1024", "MB").build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.details,
              Contains(HasSubstr("the WAL write rate is unknown: pg_stat_wal has no reset time")));
}

TEST(WalRetention, BeforePostgresql14TheRateIsUnknownAndSaysWhy) {
  const CheckResult result =
      evaluate(kRetention, FactsBuilder()
                               .version(130012)
                               .setting("max_slot_wal_keep_size", "204800", "MB")
                               .wal_written(kGiB, kDay)
                               .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.details, Contains(HasSubstr("pg_stat_wal exists from PostgreSQL 14")));
}

TEST(WalRetention, AFreshStatisticsResetIsNoRate) {
  const CheckResult result =
      evaluate(kRetention, FactsBuilder()
                               .setting("max_slot_wal_keep_size", "1024", "MB")
                               .wal_written(100 * kGiB, 600)
                               .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.details,
              Contains(HasSubstr("pg_stat_wal was reset 10 minutes ago, too recent")));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("100 GB"));
}

// 6 GB a day: 20 GB holds more than three days, below the guides' 100 GB but
// what ClickPipes asks for.
TEST(WalRetention, ALimitHoldingTwoDaysOfTheMeasuredRatePassesBelowOneHundredGigabytes) {
  const CheckResult result =
      evaluate(kRetention, FactsBuilder()
                               .setting("max_slot_wal_keep_size", "20480", "MB")
                               .wal_written(24 * kGiB, 4 * kDay)
                               .build());
  EXPECT_EQ(result.status, Status::pass) << result.summary;
  EXPECT_THAT(result.summary, HasSubstr("holds 3 days 8 hours of the WAL this server writes"));
  EXPECT_THAT(result.details, Contains(HasSubstr("writes 6.0 GB of WAL a day")));
  EXPECT_THAT(result.details, Contains(HasSubstr("over the 4 days since pg_stat_wal was reset")));
}

// 150 GB a day: 200 GB holds 32 hours; the fix asks for two days and half
// again: 450 GB.
TEST(WalRetention, ABusyServerWarnsAboveOneHundredGigabytesAndTheFixFollowsItsRate) {
  const CheckResult result =
      evaluate(kRetention, FactsBuilder()
                               .setting("max_slot_wal_keep_size", "204800", "MB")
                               .wal_written(300 * kGiB, 2 * kDay)
                               .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("it holds 32 hours of the WAL this server writes"));
  EXPECT_THAT(result.summary, HasSubstr("ClickPipes asks for two days"));
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("Keep at least 450 GB"));
  EXPECT_THAT(fix, HasSubstr("ParameterName=max_slot_wal_keep_size,ParameterValue=460800"));
}

// 5 TB of scoped tables at 20 MB/s is three days of copying: the limit must
// hold the WAL of those three days, not two.
TEST(WalRetention, AnInitialLoadLongerThanTwoDaysRaisesWhatTheLimitMustHold) {
  const std::int64_t five_tb = 5 * 1024 * kGiB;
  const CheckResult result = evaluate(
      kRetention,
      FactsBuilder()
          .setting("max_slot_wal_keep_size", "25600", "MB")
          .wal_written(10 * kGiB, kDay)
          .change_table("public", "orders", [&](TableFacts& table) { table.bytes = five_tb; })
          .build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("holds 2 days 12 hours"));
  EXPECT_THAT(result.summary, HasSubstr("less than the initial load takes (3 days)"));
  EXPECT_THAT(result.details,
              Contains(HasSubstr("the initial load copies 5.0 TB of scoped tables: about 3 days "
                                 "at an assumed 20 MB/s")));
}

TEST(WalRetention, NoWalWrittenSinceTheResetPasses) {
  const CheckResult result = evaluate(
      kRetention,
      FactsBuilder().setting("max_slot_wal_keep_size", "1", "MB").wal_written(0, kDay).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("wrote no WAL"));
}

TEST(WalRetention, UnreadableValueIsAnError) {
  const CheckResult result =
      evaluate(kRetention, FactsBuilder().setting("max_slot_wal_keep_size", "big").build());
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("max_slot_wal_keep_size is unreadable"));
}

TEST(WalRetention, MissingSettingIsAnError) {
  Facts facts = FactsBuilder().build();
  facts.server.settings.erase("max_slot_wal_keep_size");
  const CheckResult result = evaluate(kRetention, facts);
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("unreadable"));
}

}  // namespace
}  // namespace cdcpreflight::testing
