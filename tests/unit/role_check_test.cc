// `role.replication`: rds_replication (or rds_superuser) on Aurora and RDS;
// REPLICATION or superuser elsewhere. `role.login`: the role exists, may log
// in, and its password does not expire within 7 days.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kRole = "role.replication";

FactsBuilder postgresql() {
  FactsBuilder builder;
  builder.platform(Platform::postgresql).host("db.example.com");
  return builder;
}

TEST(RoleReplication, AuroraMemberOfRdsReplicationPasses) {
  const CheckResult result = evaluate(kRole, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("member of rds_replication"));
}

TEST(RoleReplication, AuroraMemberOfRdsSuperuserPasses) {
  const CheckResult result = evaluate(kRole, FactsBuilder()
                                                 .role([](RoleFacts& role) {
                                                   role.member_of_rds_replication = false;
                                                   role.member_of_rds_superuser = true;
                                                 })
                                                 .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("rds_superuser"));
}

TEST(RoleReplication, AuroraNonMemberFailsWithGrantRdsReplication) {
  const CheckResult result = evaluate(
      kRole,
      FactsBuilder().role([](RoleFacts& role) { role.member_of_rds_replication = false; }).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("not a member of rds_replication"));
  EXPECT_THAT(result.remediation.sql, ElementsAre("GRANT rds_replication TO \"clickpipes_user\";"));
}

TEST(RoleReplication, RdsIgnoresTheReplicationAttribute) {
  const CheckResult result = evaluate(kRole, FactsBuilder()
                                                 .platform(Platform::rds)
                                                 .role([](RoleFacts& role) {
                                                   role.member_of_rds_replication = false;
                                                   role.replication = true;
                                                 })
                                                 .build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.remediation.sql, Contains(HasSubstr("GRANT rds_replication TO")));
}

TEST(RoleReplication, GrantQuotesAHostileRoleName) {
  const CheckResult result = evaluate(kRole, FactsBuilder()
                                                 .role([](RoleFacts& role) {
                                                   role.name = "we\"ird; DROP ROLE x";
                                                   role.member_of_rds_replication = false;
                                                 })
                                                 .build());
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("GRANT rds_replication TO \"we\"\"ird; DROP ROLE x\";"));
}

TEST(RoleReplication, PostgresqlReplicationAttributePasses) {
  const CheckResult result = evaluate(kRole, postgresql()
                                                 .role([](RoleFacts& role) {
                                                   role.member_of_rds_replication = false;
                                                   role.replication = true;
                                                 })
                                                 .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("REPLICATION"));
}

TEST(RoleReplication, PostgresqlSuperuserPasses) {
  const CheckResult result = evaluate(kRole, postgresql()
                                                 .role([](RoleFacts& role) {
                                                   role.member_of_rds_replication = false;
                                                   role.superuser = true;
                                                 })
                                                 .build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("SUPERUSER"));
}

TEST(RoleReplication, PostgresqlWithoutEitherFailsWithAlterRole) {
  const CheckResult result = evaluate(
      kRole,
      postgresql().role([](RoleFacts& role) { role.member_of_rds_replication = false; }).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("lacks the REPLICATION attribute"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER ROLE \"clickpipes_user\" WITH REPLICATION;"));
}

TEST(RoleReplication, MissingRoleOnAuroraFailsWithOnlyTheGrantAndPointsAtRoleLogin) {
  const CheckResult result = evaluate(kRole, FactsBuilder().role_missing().build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("does not exist"));
  EXPECT_THAT(result.summary, HasSubstr("role.login creates it"));
  EXPECT_THAT(result.remediation.sql, ElementsAre("GRANT rds_replication TO \"clickpipes_user\";"));
}

TEST(RoleReplication, MissingRoleOnPostgresqlFailsWithOnlyAlterRoleReplication) {
  const CheckResult result = evaluate(kRole, postgresql().role_missing().build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("role.login creates it"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER ROLE \"clickpipes_user\" WITH REPLICATION;"));
}

TEST(RoleReplication, MissingRoleScriptCreatesTheRoleBeforeGrantingIt) {
  const std::string script = render_sql(report_of(FactsBuilder().role_missing().build()));
  const std::size_t create =
      script.find("\nCREATE ROLE \"clickpipes_user\" WITH LOGIN PASSWORD '<password>';\n");
  const std::size_t grant = script.find("\nGRANT rds_replication TO \"clickpipes_user\";\n");
  ASSERT_NE(create, std::string::npos);
  ASSERT_NE(grant, std::string::npos);
  EXPECT_LT(create, grant);
}

// --- role.login

constexpr const char* kLogin = "role.login";

TEST(RoleLogin, MissingRoleFailsWithCreateRoleAndAPasswordPlaceholder) {
  const CheckResult result = evaluate(kLogin, FactsBuilder().role_missing().build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary, "role clickpipes_user does not exist");
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE ROLE \"clickpipes_user\" WITH LOGIN PASSWORD '<password>';"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("Replace <password>"));
}

TEST(RoleLogin, NologinFailsWithAlterRoleWithLogin) {
  const CheckResult result = evaluate(
      kLogin, FactsBuilder().role([](RoleFacts& role) { role.can_login = false; }).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("NOLOGIN"));
  EXPECT_THAT(result.remediation.sql, ElementsAre("ALTER ROLE \"clickpipes_user\" WITH LOGIN;"));
}

TEST(RoleLogin, ExpiredPasswordFails) {
  const CheckResult result = evaluate(kLogin, FactsBuilder().password_expires_in(-3600).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("expired on 2026-11-25 11:00:00+00"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER ROLE \"clickpipes_user\" VALID UNTIL 'infinity';"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("update the ClickPipe"));
}

TEST(RoleLogin, PasswordExpiringThisVerySecondFails) {
  const CheckResult result = evaluate(kLogin, FactsBuilder().password_expires_in(0).build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("expired"));
}

TEST(RoleLogin, PasswordExpiringInThreeDaysWarnsInDays) {
  const CheckResult result =
      evaluate(kLogin, FactsBuilder().password_expires_in(3 * 86400 + 7200).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("expires in 3 days"));
  EXPECT_THAT(result.summary, HasSubstr("2026-11-28 14:00:00+00"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER ROLE \"clickpipes_user\" VALID UNTIL 'infinity';"));
}

TEST(RoleLogin, PasswordExpiringInOneDaySaysOneDay) {
  const CheckResult result = evaluate(kLogin, FactsBuilder().password_expires_in(86400).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("expires in 1 day ("));
}

TEST(RoleLogin, PasswordExpiringInFiveHoursWarnsInHours) {
  const CheckResult result =
      evaluate(kLogin, FactsBuilder().password_expires_in(5 * 3600 + 60).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("expires in 5 hours"));
}

TEST(RoleLogin, PasswordExpiringWithinTheHourDoesNotSayZeroHours) {
  const CheckResult result = evaluate(kLogin, FactsBuilder().password_expires_in(1800).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("expires in"));
  EXPECT_THAT(result.summary, Not(HasSubstr("in 0 hours")));
}

TEST(RoleLogin, PasswordExpiringJustUnderSevenDaysWarns) {
  const CheckResult result =
      evaluate(kLogin, FactsBuilder().password_expires_in(7 * 86400 - 1).build());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("expires in 6 days"));
}

TEST(RoleLogin, PasswordValidForThirtyDaysPassesAndSaysUntilWhen) {
  const CheckResult result =
      evaluate(kLogin, FactsBuilder().password_expires_in(30 * 86400).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary,
            "clickpipes_user can log in (password valid until 2026-12-25 12:00:00+00)");
  EXPECT_TRUE(result.remediation.empty());
}

TEST(RoleLogin, NoExpiryPasses) {
  const CheckResult result = evaluate(kLogin, FactsBuilder().build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, "clickpipes_user can log in");
}

TEST(RoleLogin, ValidUntilInfinityPasses) {
  const CheckResult result = evaluate(
      kLogin, FactsBuilder().role([](RoleFacts& role) { role.valid_until = "infinity"; }).build());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.summary, HasSubstr("valid until infinity"));
}

TEST(RoleLogin, QuotesAHostileRoleName) {
  const CheckResult result = evaluate(kLogin, FactsBuilder()
                                                  .role([](RoleFacts& role) {
                                                    role.name = "we\"ird; DROP ROLE x";
                                                    role.can_login = false;
                                                  })
                                                  .build());
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("ALTER ROLE \"we\"\"ird; DROP ROLE x\" WITH LOGIN;"));
}

}  // namespace
}  // namespace cdcpreflight::testing
