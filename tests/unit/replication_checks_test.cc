// `replication.connect`: a replication=database connection answers
// IDENTIFY_SYSTEM, or its failure is classified (pg_hba.conf, a pooler, the
// privilege, WAL senders). `replication.slot_probe` (--deep): a temporary
// pgoutput slot is created, peeked and dropped.
#include <string>

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

constexpr const char* kConnect = "replication.connect";
constexpr const char* kProbe = "replication.slot_probe";

constexpr const char* kPgHbaMessage =
    "FATAL:  no pg_hba.conf entry for replication connection from host \"10.0.0.5\", user "
    "\"clickpipes_user\", SSL encryption";
constexpr const char* kPrivilegeMessage =
    "FATAL:  must be superuser or replication role to start walsender";

FactsBuilder postgresql() {
  FactsBuilder builder;
  builder.platform(Platform::postgresql).host("db.example.com");
  return builder;
}

// --- replication.connect

TEST(ReplicationConnect, SkipsWhenNotAttempted) {
  const CheckResult result =
      evaluate(kConnect, FactsBuilder().replication_connect_not_attempted().build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("live server"));
}

TEST(ReplicationConnect, PassesShowingTheSystemIdentifierAndTimeline) {
  const CheckResult result = evaluate(kConnect, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("IDENTIFY_SYSTEM"));
  EXPECT_THAT(result.details, ElementsAre("system identifier 7311234567890123456, timeline 1"));
  EXPECT_TRUE(result.remediation.empty());
}

// A logical replication connection is matched by database name in pg_hba.conf:
// the `replication` keyword is for physical replication only.
TEST(ReplicationConnect, PgHbaRejectionFailsWithTheDatabaseLineToAllow) {
  const CheckResult result =
      evaluate(kConnect, postgresql().replication_connect_failed("28000", kPgHbaMessage).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("pg_hba.conf"));
  EXPECT_THAT(result.details, Contains(kPgHbaMessage));
  EXPECT_THAT(result.remediation.steps, Contains(HasSubstr("matched by database name")));
  EXPECT_THAT(result.remediation.steps, Not(Contains(HasSubstr("host replication"))));
  EXPECT_THAT(result.remediation.sql, ElementsAre("SELECT pg_reload_conf();"));
}

TEST(ReplicationConnect, UnsupportedStartupParameterIsAPooler) {
  const CheckResult result = evaluate(
      kConnect,
      FactsBuilder()
          .replication_connect_failed("08P01", "unsupported startup parameter: replication")
          .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("pooler"));
  EXPECT_THAT(result.details, Contains("unsupported startup parameter: replication"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("cluster writer endpoint"));
  EXPECT_THAT(result.remediation.sql, IsEmpty());
}

TEST(ReplicationConnect, AnRdsProxyHostIsAPoolerWhateverItSays) {
  const CheckResult result =
      evaluate(kConnect, FactsBuilder()
                             .host("mydb.proxy-abc123.us-east-1.rds.amazonaws.com")
                             .replication_connect_failed("08006", "server closed the connection")
                             .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("pooler"));
  EXPECT_THAT(result.summary, HasSubstr("RDS Proxy"));
}

TEST(ReplicationConnect, MissingPrivilegeOnAuroraGrantsRdsReplicationToTheLoginRole) {
  const CheckResult result = evaluate(
      kConnect, FactsBuilder().replication_connect_failed("42501", kPrivilegeMessage).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("clickpipes_user may not open a replication connection"));
  EXPECT_THAT(result.remediation.sql, ElementsAre("GRANT rds_replication TO \"clickpipes_user\";"));
}

TEST(ReplicationConnect, MissingPrivilegeOnPostgresqlAltersTheRole) {
  // The sqlstate is not always there (a FATAL before the session): the words decide.
  const CheckResult result =
      evaluate(kConnect, postgresql().replication_connect_failed("", kPrivilegeMessage).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("may not open a replication connection"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER ROLE \"clickpipes_user\" WITH REPLICATION;"));
}

TEST(ReplicationConnect, Postgresql16PermissionDeniedIsThePrivilegeToo) {
  const CheckResult result = evaluate(
      kConnect,
      postgresql()
          .replication_connect_failed("42501", "FATAL:  permission denied to start WAL sender")
          .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER ROLE \"clickpipes_user\" WITH REPLICATION;"));
}

// The pool of WAL senders is capacity, not setup: a refusal for it (another
// run, a moment's burst) is left to settings.replication_capacity.
TEST(ReplicationConnect, NoFreeWalSenderSkipsAndPointsAtReplicationCapacity) {
  const CheckResult result = evaluate(
      kConnect, FactsBuilder()
                    .replication_connect_failed(
                        "53300",
                        "FATAL:  number of requested standby connections exceeds max_wal_senders "
                        "(currently 10)")
                    .build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("every WAL sender was busy"));
  EXPECT_THAT(result.summary, HasSubstr("settings.replication_capacity"));
  EXPECT_TRUE(result.remediation.empty());
  EXPECT_THAT(result.details, Contains(HasSubstr("exceeds max_wal_senders")));
}

TEST(ReplicationConnect, AnUnclassifiedFailureStillFailsWithTheServersMessage) {
  const CheckResult result = evaluate(
      kConnect, FactsBuilder().replication_connect_failed("XX000", "something odd").build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary, "a replication connection failed");
  EXPECT_THAT(result.details, Contains("something odd"));
}

TEST(ReplicationConnect, SaysWhenTheLoginRoleIsNotTheUser) {
  const CheckResult result = evaluate(kConnect, FactsBuilder().connected_as("admin").build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.details, Contains("opened as the login role admin, not as clickpipes_user"));
}

TEST(ReplicationConnect, PrivilegeFixNamesTheLoginRoleThatTried) {
  const CheckResult result =
      evaluate(kConnect, FactsBuilder()
                             .connected_as("admin")
                             .replication_connect_failed("42501", kPrivilegeMessage)
                             .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, Contains("opened as the login role admin, not as clickpipes_user"));
  EXPECT_THAT(result.remediation.sql, ElementsAre("GRANT rds_replication TO \"admin\";"));
}

TEST(ReplicationConnect, SameLoginRoleAddsNoDetail) {
  const CheckResult result = evaluate(kConnect, FactsBuilder().build());
  EXPECT_THAT(result.details, Not(Contains(HasSubstr("login role"))));
}

// --- replication.slot_probe

TEST(SlotProbe, SkipsWithoutDeep) {
  Facts facts = FactsBuilder().slot_probe_ok(4).build();
  facts.deep = false;  // not asked for: what the probe found is not reported
  const CheckResult result = evaluate(kProbe, facts);
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("--deep"));
}

TEST(SlotProbe, SkipsWithDeepWhenNotAttempted) {
  const CheckResult result = evaluate(kProbe, FactsBuilder().deep().build());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("live server"));
}

TEST(SlotProbe, PassesWhenTheSlotWasCreatedPeekedAndDropped) {
  const CheckResult result = evaluate(kProbe, FactsBuilder().slot_probe_ok(4).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("temporary pgoutput slot"));
  EXPECT_THAT(result.summary, HasSubstr("4 changes peeked through clickpipes_publication"));
  EXPECT_THAT(result.summary, HasSubstr("dropped"));
}

TEST(SlotProbe, BlockedByATransactionFailsNamingItsPid) {
  OpenTransaction blocker;
  blocker.pid = 4242;
  blocker.user = "etl";
  blocker.backend_type = "client backend";
  blocker.state = "idle in transaction";
  blocker.age_seconds = 3 * 3600;
  blocker.query_start = "2026-11-25T09:00:00Z";
  const CheckResult result =
      evaluate(kProbe, FactsBuilder().slot_probe_timed_out({blocker}).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("blocked by transaction pid 4242"));
  EXPECT_THAT(result.summary, HasSubstr("statement timeout"));
  ASSERT_EQ(result.details.size(), 1U);
  EXPECT_THAT(result.details[0], HasSubstr("pid 4242"));
  EXPECT_THAT(result.details[0], HasSubstr("user etl"));
  EXPECT_THAT(result.details[0], HasSubstr("idle in transaction"));
  EXPECT_THAT(result.details[0], HasSubstr("3h 0min"));
  EXPECT_THAT(result.remediation.steps, ElementsAre(HasSubstr("pg_terminate_backend(4242)")));
}

TEST(SlotProbe, BlockedBySeveralTransactionsNamesEveryPid) {
  OpenTransaction first;
  first.pid = 101;
  first.age_seconds = 600;
  OpenTransaction second;
  second.pid = 202;
  second.age_seconds = 900;
  const CheckResult result =
      evaluate(kProbe, FactsBuilder().slot_probe_timed_out({first, second}).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("pid 101, 202"));
  EXPECT_EQ(result.details.size(), 2U);
  EXPECT_EQ(result.remediation.steps.size(), 2U);
}

TEST(SlotProbe, TimedOutWithoutKnownBlockersSuggestsALongerTimeout) {
  const CheckResult result = evaluate(kProbe, FactsBuilder().slot_probe_timed_out({}).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("did not finish before the statement timeout"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("--statement-timeout"));
}

TEST(SlotProbe, AnotherErrorFailsWithTheServersMessage) {
  const CheckResult result = evaluate(
      kProbe, FactsBuilder().slot_probe_failed("55000", "all replication slots are in use").build(),
      default_options());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("the slot probe failed"));
  EXPECT_THAT(result.summary, HasSubstr("all replication slots are in use"));
  EXPECT_THAT(result.details, Contains("all replication slots are in use"));
}

}  // namespace
}  // namespace cdcpreflight::testing
