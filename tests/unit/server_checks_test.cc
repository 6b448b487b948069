// `server.version` (12 or later, no minor with the decoding bug) and
// `server.platform` (Aurora, RDS or PostgreSQL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

CheckResult version_check(int version_num, Platform platform = Platform::aurora) {
  return evaluate("server.version", FactsBuilder().platform(platform).version(version_num).build());
}

// PeerDB refuses YugabyteDB, which reports a PostgreSQL version with -YB-.
TEST(ServerVersion, YugabyteDbFailsWhateverItsPostgresqlVersion) {
  Facts facts = FactsBuilder().platform(Platform::postgresql).version(150002).build();
  facts.server.version_string =
      "PostgreSQL 15.2-YB-2.25.0.0-b0 on x86_64-pc-linux-gnu, compiled by clang version 17";
  const CheckResult result = evaluate("server.version", facts);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("YugabyteDB is not supported by ClickPipes"));
  facts.server.version_string = "PostgreSQL 15.2 on x86_64-pc-linux-gnu, compiled by gcc";
  EXPECT_EQ(evaluate("server.version", facts).status, Status::pass);
  facts.server.version_string = "PostgreSQL 15.2-YB on x86_64";  // not PeerDB's pattern
  EXPECT_EQ(evaluate("server.version", facts).status, Status::pass);
}

TEST(ServerVersion, FailsBelow12WithAnUpgrade) {
  const CheckResult result = version_check(110022);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("older than 12"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("Upgrade"));
}

TEST(ServerVersion, AuroraUpgradeNamesClusterAndRegionFromTheHost) {
  const CheckResult result = version_check(110022);
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("--db-cluster-identifier mydb"));
  EXPECT_THAT(fix, HasSubstr("--region us-east-1"));
}

TEST(ServerVersion, SelfManagedUpgradeMentionsPgUpgrade) {
  const CheckResult result = version_check(110022, Platform::postgresql);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("pg_upgrade"));
}

TEST(ServerVersion, PassesFor12Through17) {
  for (const int version_num : {120000, 120022, 130020, 140017, 150012, 160008, 170004, 170006}) {
    SCOPED_TRACE(version_num);
    const CheckResult result = version_check(version_num);
    EXPECT_EQ(result.status, Status::pass);
    EXPECT_TRUE(result.remediation.empty());
  }
}

TEST(ServerVersion, WarnsOnEachMinorWithTheDecodingBug) {
  for (const int version_num : {170005, 160009, 150013, 140018, 130021}) {
    SCOPED_TRACE(version_num);
    const CheckResult result = version_check(version_num);
    EXPECT_EQ(result.status, Status::warn);
    EXPECT_THAT(result.summary, HasSubstr("invalid memory alloc request size"));
  }
}

TEST(ServerVersion, BuggyMinorWarningNamesTheFixedRelease) {
  const CheckResult result = version_check(170005);
  EXPECT_THAT(result.summary, HasSubstr("17.5"));
  EXPECT_THAT(result.summary, HasSubstr("fixed in 17.6"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("17.6 or later"));
}

TEST(ServerPlatform, SaysAuroraWithItsVersion) {
  const CheckResult result = evaluate("server.platform", FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("Aurora"));
  EXPECT_THAT(result.summary, HasSubstr("15.4.1"));
}

TEST(ServerPlatform, SaysRds) {
  const CheckResult result =
      evaluate("server.platform", FactsBuilder().platform(Platform::rds).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("Amazon RDS for PostgreSQL 15.4"));
}

TEST(ServerPlatform, SaysPostgresqlOtherwise) {
  const CheckResult result =
      evaluate("server.platform", FactsBuilder().platform(Platform::postgresql).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "PostgreSQL 15.4");
  EXPECT_THAT(result.summary, Not(HasSubstr("Aurora")));
}

}  // namespace
}  // namespace cdcpreflight::testing
