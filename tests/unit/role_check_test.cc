// `role.replication`: rds_replication (or rds_superuser) on Aurora and RDS;
// REPLICATION or superuser elsewhere.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

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

TEST(RoleReplication, MissingRoleOnAuroraFailsWithCreateRoleAndGrant) {
  const CheckResult result = evaluate(kRole, FactsBuilder().role_missing().build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("does not exist"));
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE ROLE \"clickpipes_user\" WITH LOGIN PASSWORD '<password>';",
                          "GRANT rds_replication TO \"clickpipes_user\";"));
}

TEST(RoleReplication, MissingRoleOnPostgresqlFailsWithCreateRoleAndReplication) {
  const CheckResult result = evaluate(kRole, postgresql().role_missing().build());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.remediation.sql,
              ElementsAre("CREATE ROLE \"clickpipes_user\" WITH LOGIN PASSWORD '<password>';",
                          "ALTER ROLE \"clickpipes_user\" WITH REPLICATION;"));
}

}  // namespace
}  // namespace cdcpreflight::testing
