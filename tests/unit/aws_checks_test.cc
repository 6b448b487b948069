// The control-plane checks of --aws: `aws.cluster` (an available Aurora
// PostgreSQL cluster, reached through its writer endpoint), `aws.parameter_group`
// (a custom DB cluster parameter group with the CDC values, in-sync on every
// member) and `aws.network` (the writer public, and its security groups
// admitting ClickPipes' static IPs); each skips without --aws, is an `error`
// when the AWS CLI could not answer, and names the real cluster, instances,
// group and region in its fix. Also: the data-plane parameter fixes use the
// names --aws read, and the aws.* checks run when the database cannot be reached.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/aws_facts_builder.h"
#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr const char* kCluster = "aws.cluster";
constexpr const char* kGroup = "aws.parameter_group";
constexpr const char* kNetwork = "aws.network";
constexpr const char* kAwsChecks[] = {kCluster, kGroup, kNetwork};

constexpr const char* kPrivateLinkDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/aws-privatelink";
constexpr const char* kPrimaryArn = "arn:aws:rds:us-west-2:123456789012:cluster:mydb-primary";
constexpr const char* kGlobalWriterHost = "myglobal.global-abc123.global.rds.amazonaws.com";

CheckResult check(std::string_view id, const AwsFactsBuilder& aws,
                  const ScopeRequest& options = default_options()) {
  return evaluate(id, aws.facts(), options);
}

CheckResult check_host(std::string_view id, const std::string& host, const AwsFactsBuilder& aws) {
  return evaluate(id, aws.on(FactsBuilder().host(host)));
}

std::size_t position(const std::string& text, const std::string& part) {
  const std::size_t at = text.find(part);
  EXPECT_NE(at, std::string::npos) << "no \"" << part << "\" in:\n" << text;
  return at;
}

std::string authorize_command(const std::string& ip, int port = 5432) {
  return "aws ec2 authorize-security-group-ingress --region us-east-1 --group-id "
         "sg-0123456789abcdef0 --protocol tcp --port " +
         std::to_string(port) + " --cidr " + ip + "/32";
}

// --- all three

TEST(AwsChecks, EachSkipsWithoutAws) {
  const Facts facts = FactsBuilder().build();
  for (const char* id : kAwsChecks) {
    SCOPED_TRACE(id);
    const CheckResult result = evaluate(id, facts);
    EXPECT_EQ(result.status, Status::skip);
    EXPECT_EQ(result.summary, "not checked: --aws not given");
  }
}

TEST(AwsChecks, EachPassesOnAReadyCluster) {
  const Facts facts = aws_ready();
  for (const char* id : kAwsChecks) {
    SCOPED_TRACE(id);
    const CheckResult result = evaluate(id, facts);
    EXPECT_EQ(result.status, Status::pass) << result.summary;
    EXPECT_TRUE(result.remediation.empty());
  }
}

TEST(AwsChecks, ASetupErrorIsAnErrorOfEachWithItsMessage) {
  const AwsFactsBuilder aws = AwsFactsBuilder().setup_error(
      AwsFailure::other,
      "the host name names no Aurora cluster: give --aws-cluster (and --aws-region)");
  for (const char* id : kAwsChecks) {
    SCOPED_TRACE(id);
    const CheckResult result = check(id, aws);
    EXPECT_EQ(result.status, Status::error);
    EXPECT_EQ(result.summary,
              "the host name names no Aurora cluster: give --aws-cluster (and --aws-region)");
  }
}

TEST(AwsChecks, NoAwsCliIsAnErrorOfEachWithTheInstallHint) {
  const AwsFactsBuilder aws = AwsFactsBuilder().setup_error(
      AwsFailure::no_cli,
      "the AWS CLI (aws) is not on PATH: install AWS CLI v2 "
      "(https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)");
  for (const char* id : kAwsChecks) {
    SCOPED_TRACE(id);
    const CheckResult result = check(id, aws);
    EXPECT_EQ(result.status, Status::error);
    EXPECT_THAT(result.summary, HasSubstr("install AWS CLI v2"));
  }
}

TEST(AwsChecks, AccessDeniedIsAnErrorOfEachNamingTheIamActions) {
  const AwsFactsBuilder aws = AwsFactsBuilder().cluster_error(
      AwsFailure::access_denied,
      "aws rds describe-db-clusters: An error occurred (AccessDenied) when calling the "
      "DescribeDBClusters operation: User: arn:aws:iam::123456789012:user/ci is not authorized "
      "to perform: rds:DescribeDBClusters");
  for (const char* id : kAwsChecks) {
    SCOPED_TRACE(id);
    const CheckResult result = check(id, aws);
    EXPECT_EQ(result.status, Status::error);
    EXPECT_THAT(result.summary, HasSubstr("(AccessDenied)"));
    const std::string details = details_text(result);
    for (const char* action :
         {"rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBClusterParameters",
          "rds:DescribeGlobalClusters", "ec2:DescribeSecurityGroups"}) {
      EXPECT_THAT(details, HasSubstr(action));
    }
  }
}

TEST(AwsChecks, MissingCredentialsAreAnErrorOfEachSayingHowToLogIn) {
  const AwsFactsBuilder aws = AwsFactsBuilder().cluster_error(
      AwsFailure::credentials,
      "aws rds describe-db-clusters: Unable to locate credentials. You can configure "
      "credentials by running \"aws configure\".");
  for (const char* id : kAwsChecks) {
    SCOPED_TRACE(id);
    const CheckResult result = check(id, aws);
    EXPECT_EQ(result.status, Status::error);
    EXPECT_THAT(result.summary, HasSubstr("Unable to locate credentials"));
    EXPECT_THAT(details_text(result),
                AllOf(HasSubstr("aws sso login"), HasSubstr("--aws-profile")));
  }
}

TEST(AwsChecks, ATimeoutIsAnErrorOfEachNamingAwsTimeout) {
  const AwsFactsBuilder aws = AwsFactsBuilder().cluster_error(
      AwsFailure::timeout,
      "aws rds describe-db-clusters gave no answer within 30 s (--aws-timeout)");
  for (const char* id : kAwsChecks) {
    SCOPED_TRACE(id);
    const CheckResult result = check(id, aws);
    EXPECT_EQ(result.status, Status::error);
    EXPECT_THAT(result.summary, HasSubstr("--aws-timeout"));
    EXPECT_THAT(result.details, IsEmpty());
  }
}

TEST(AwsChecks, ThrottlingIsAnError) {
  const AwsFactsBuilder aws = AwsFactsBuilder().cluster_error(
      AwsFailure::throttled,
      "aws rds describe-db-clusters: An error occurred (Throttling) when calling the "
      "DescribeDBClusters operation (reached max retries: 2): Rate exceeded");
  for (const char* id : kAwsChecks) {
    SCOPED_TRACE(id);
    EXPECT_EQ(check(id, aws).status, Status::error);
  }
}

// describe-db-clusters answered DBClusterNotFoundFault: the cluster check
// fails (the name or the region is wrong), the others have nothing to read.
TEST(AwsChecks, AClusterNotFoundFailsTheClusterCheckAndSkipsTheOtherTwo) {
  const AwsFactsBuilder aws = AwsFactsBuilder().cluster_error(
      AwsFailure::not_found,
      "aws rds describe-db-clusters: An error occurred (DBClusterNotFoundFault) when calling "
      "the DescribeDBClusters operation: DBCluster mydb not found.");
  const CheckResult cluster = check(kCluster, aws);
  EXPECT_EQ(cluster.status, Status::fail);
  EXPECT_EQ(cluster.summary, "no DB cluster mydb in us-east-1");
  EXPECT_THAT(cluster.details, Contains(HasSubstr("DBClusterNotFoundFault")));
  const std::string fix = remediation_text(cluster.remediation);
  EXPECT_THAT(fix, HasSubstr("--aws-cluster"));
  EXPECT_THAT(fix, HasSubstr("--aws-region"));
  EXPECT_THAT(fix, HasSubstr("aws rds describe-db-clusters --region us-east-1"));
  for (const char* id : {kGroup, kNetwork}) {
    SCOPED_TRACE(id);
    const CheckResult result = check(id, aws);
    EXPECT_EQ(result.status, Status::skip);
    EXPECT_EQ(result.summary, "not checked: no DB cluster mydb");
  }
}

TEST(AwsChecks, AClusterNotFoundWithoutARegionSaysTheProfilesRegion) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().region("").cluster_error(
                                                 AwsFailure::not_found, "no cluster mydb"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary, "no DB cluster mydb in the profile's region");
}

// --- aws.cluster

TEST(AwsCluster, PassesOnTheWriterEndpointOfAnAvailableAuroraPostgresqlCluster) {
  const CheckResult result = evaluate(kCluster, aws_ready());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary,
            "mydb.cluster-abc123.us-east-1.rds.amazonaws.com is the writer endpoint of cluster "
            "mydb (aurora-postgresql 15.4, available)");
  EXPECT_THAT(result.details, ElementsAre("cluster mydb (aurora-postgresql 15.4, available), "
                                          "found from the host name"));
}

TEST(AwsCluster, AnotherEngineFails) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().engine("aurora-mysql"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary, "cluster mydb runs aurora-mysql, not aurora-postgresql");
}

TEST(AwsCluster, AnUnknownEngineFailsSayingSo) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().engine(""));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("an unknown engine"));
}

TEST(AwsCluster, ServerlessV1FailsAndSaysToUpgrade) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().engine_mode("serverless"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("Aurora Serverless v1"));
  EXPECT_THAT(result.summary, HasSubstr("cannot replicate logically"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("Aurora Serverless v2"));
}

TEST(AwsCluster, Version11Fails) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().engine_version("11.9"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "cluster mydb runs Aurora PostgreSQL 11.9; ClickPipes needs 12 or later");
}

TEST(AwsCluster, Version12Passes) {
  EXPECT_EQ(check(kCluster, AwsFactsBuilder().engine_version("12.22")).status, Status::pass);
}

TEST(AwsCluster, AClusterThatIsNotAvailableFails) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().status("modifying"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary, "cluster mydb is modifying, not available");
}

TEST(AwsCluster, AGlobalDatabaseSecondaryFailsAndNamesThePrimary) {
  const CheckResult result =
      check(kCluster, AwsFactsBuilder().no_writer().global_database("myglobal", kPrimaryArn));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "cluster mydb is a secondary cluster of Global Database myglobal: it is read-only "
            "and cannot replicate logically");
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("primary cluster of Global Database myglobal"));
  EXPECT_THAT(fix, HasSubstr(kPrimaryArn));
  EXPECT_THAT(fix, HasSubstr("global writer endpoint"));
}

TEST(AwsCluster, TheGlobalDatabasePrimaryPasses) {
  const CheckResult result =
      check(kCluster, AwsFactsBuilder().global_database("myglobal", kClusterArn));
  EXPECT_EQ(result.status, Status::pass);
}

TEST(AwsCluster, NoWriterMemberFailsAndPointsToTheWriterEndpoint) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().no_writer());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary, "cluster mydb has no writer instance");
  EXPECT_THAT(remediation_text(result.remediation),
              HasSubstr("Give ClickPipes the cluster (writer) endpoint "
                        "mydb.cluster-abc123.us-east-1.rds.amazonaws.com"));
}

TEST(AwsCluster, NoWriterMemberWithGlobalDatabasesUnreadSuggestsASecondary) {
  const CheckResult result =
      check(kCluster, AwsFactsBuilder().no_writer().global_error(
                          AwsFailure::access_denied, "AccessDenied on DescribeGlobalClusters"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("(a Global Database secondary?)"));
}

// describe-global-clusters alone failed: the cluster is still judged, and the
// details say what is unknown.
TEST(AwsCluster, GlobalDatabasesUnreadStillPassesWithADetail) {
  const CheckResult result = check(
      kCluster, AwsFactsBuilder().global_error(AwsFailure::access_denied,
                                               "aws rds describe-global-clusters: AccessDenied"));
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.details,
              Contains("whether it belongs to a Global Database is unknown: aws rds "
                       "describe-global-clusters: AccessDenied"));
}

TEST(AwsCluster, TheReaderEndpointFails) {
  const CheckResult result = check_host(kCluster, kReaderHost, AwsFactsBuilder());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "mydb.cluster-ro-abc123.us-east-1.rds.amazonaws.com is the reader endpoint of "
            "cluster mydb");
  EXPECT_THAT(remediation_text(result.remediation),
              HasSubstr("mydb.cluster-abc123.us-east-1.rds.amazonaws.com"));
}

TEST(AwsCluster, ACustomEndpointFails) {
  const std::string custom = "analytics.cluster-custom-abc123.us-east-1.rds.amazonaws.com";
  const CheckResult result =
      check_host(kCluster, custom, AwsFactsBuilder().custom_endpoint(custom));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary, custom +
                                " is a custom endpoint of cluster mydb, which may route to "
                                "readers");
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr(kWriterHost));
}

TEST(AwsCluster, AnInstanceEndpointFailsEvenTheWritersOwn) {
  for (const char* host : {kWriterInstanceHost, kReaderInstanceHost}) {
    SCOPED_TRACE(host);
    const CheckResult result = check_host(kCluster, host, AwsFactsBuilder());
    EXPECT_EQ(result.status, Status::fail);
    EXPECT_THAT(result.summary, HasSubstr("is the endpoint of instance mydb-instance-"));
    EXPECT_THAT(result.summary, HasSubstr("does not follow the writer on failover"));
    EXPECT_THAT(remediation_text(result.remediation), HasSubstr(kWriterHost));
  }
}

TEST(AwsCluster, ADnsAliasWarnsAndNamesTheWriterEndpoint) {
  const CheckResult result = check_host(kCluster, "postgres.example.com", AwsFactsBuilder());
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_EQ(result.summary,
            "postgres.example.com is none of cluster mydb's endpoints (a DNS alias or an "
            "address?)");
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr(kWriterHost));
}

TEST(AwsCluster, AnAddressWarns) {
  EXPECT_EQ(check_host(kCluster, "10.0.12.34", AwsFactsBuilder()).status, Status::warn);
}

TEST(AwsCluster, TheGlobalWriterEndpointPassesWhenTheClusterWasFoundThroughIt) {
  const CheckResult result = check_host(
      kCluster, kGlobalWriterHost,
      AwsFactsBuilder().found_from("global database").global_database("myglobal", kClusterArn));
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary, std::string(kGlobalWriterHost) +
                                " is the global writer endpoint of cluster mydb (aurora-postgresql "
                                "15.4, available)");
  EXPECT_THAT(result.details, Contains(HasSubstr("found from the global database")));
}

// With --aws-cluster the global writer endpoint is not known to lead to this
// cluster: it is some other name.
TEST(AwsCluster, TheGlobalWriterEndpointOfAClusterNamedByAwsClusterWarns) {
  const CheckResult result = check_host(
      kCluster, kGlobalWriterHost,
      AwsFactsBuilder().found_from("--aws-cluster").global_database("myglobal", kClusterArn));
  EXPECT_EQ(result.status, Status::warn);
}

TEST(AwsCluster, AnUpperCaseHostWithATrailingDotStillMatchesTheWriterEndpoint) {
  const CheckResult result =
      check_host(kCluster, "MYDB.CLUSTER-ABC123.US-EAST-1.RDS.AMAZONAWS.COM.", AwsFactsBuilder());
  EXPECT_EQ(result.status, Status::pass) << result.summary;
}

TEST(AwsCluster, AnUpperCaseReaderEndpointWithATrailingDotStillFails) {
  const CheckResult result = check_host(
      kCluster, "MYDB.CLUSTER-RO-ABC123.US-EAST-1.RDS.AMAZONAWS.COM.", AwsFactsBuilder());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("is the reader endpoint of cluster mydb"));
}

TEST(AwsCluster, AnEndpointTheApiWritesInUpperCaseStillMatches) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().cluster([](AwsCluster& cluster) {
    cluster.endpoint = "MYDB.cluster-ABC123.us-east-1.rds.amazonaws.com.";
  }));
  EXPECT_EQ(result.status, Status::pass) << result.summary;
}

TEST(AwsCluster, ServerlessV2AtAMinimumOfZeroAcuWarnsWithAModifyCommand) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().serverless_v2(0, 16));
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("Aurora Serverless v2 with a minimum capacity of 0 ACU"));
  EXPECT_THAT(result.summary, HasSubstr("auto-pause"));
  EXPECT_THAT(result.remediation.commands,
              ElementsAre("aws rds modify-db-cluster --region us-east-1 --db-cluster-identifier "
                          "mydb --serverless-v2-scaling-configuration "
                          "MinCapacity=0.5,MaxCapacity=16"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("0.5 ACU"));
}

TEST(AwsCluster, ServerlessV2KeepsAFractionalMaximumInItsCommand) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().serverless_v2(0, 2.5));
  EXPECT_THAT(result.remediation.commands, ElementsAre(HasSubstr("MaxCapacity=2.5")));
}

TEST(AwsCluster, ServerlessV2AtAMinimumOfHalfAnAcuPasses) {
  const CheckResult result = check(kCluster, AwsFactsBuilder().serverless_v2(0.5, 16));
  EXPECT_EQ(result.status, Status::pass);
}

// --- aws.parameter_group

TEST(AwsParameterGroup, PassesWithTheCdcValuesInSyncOnEveryMember) {
  const CheckResult result = evaluate(kGroup, aws_ready());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary,
            "parameter group cdc-aurora-pg15 sets rds.logical_replication = 1 and "
            "wal_sender_timeout = 0, in-sync on every member");
  EXPECT_THAT(result.details, ElementsAre("cdc-aurora-pg15: rds.logical_replication = 1",
                                          "cdc-aurora-pg15: wal_sender_timeout = 0",
                                          "mydb-instance-1 (writer): in-sync",
                                          "mydb-instance-2 (reader): in-sync"));
}

TEST(AwsParameterGroup, ADefaultGroupFailsWithCreateAttachModifyAndRebootInThatOrder) {
  const CheckResult result = check(kGroup, AwsFactsBuilder().default_parameter_group());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "cluster mydb uses the default parameter group default.aurora-postgresql15, where "
            "rds.logical_replication is 0, wal_sender_timeout is 60000");
  const std::string fix = remediation_text(result.remediation);
  const std::size_t create =
      position(fix,
               "aws rds create-db-cluster-parameter-group --region us-east-1 "
               "--db-cluster-parameter-group-name cdc-aurora-pg15 --db-parameter-group-family "
               "aurora-postgresql15");
  const std::size_t attach = position(fix,
                                      "aws rds modify-db-cluster --region us-east-1 "
                                      "--db-cluster-identifier mydb "
                                      "--db-cluster-parameter-group-name cdc-aurora-pg15");
  const std::size_t modify = position(fix,
                                      "aws rds modify-db-cluster-parameter-group --region "
                                      "us-east-1 --db-cluster-parameter-group-name "
                                      "cdc-aurora-pg15");
  const std::size_t reboot = position(
      fix,
      "aws rds reboot-db-instance --region us-east-1 --db-instance-identifier mydb-instance-1");
  EXPECT_LT(create, attach);
  EXPECT_LT(attach, modify);
  EXPECT_LT(modify, reboot);
  EXPECT_THAT(fix, HasSubstr("ParameterName=rds.logical_replication,ParameterValue=1"));
  EXPECT_THAT(fix, HasSubstr("ParameterName=wal_sender_timeout,ParameterValue=0"));
  // The default group cannot be modified: no command names it.
  EXPECT_THAT(result.remediation.commands,
              Not(Contains(HasSubstr("--db-cluster-parameter-group-name default."))));
}

TEST(AwsParameterGroup, ADefaultGroupsFixCarriesExactlyTheWrongParameters) {
  const CheckResult result = check(kGroup, AwsFactsBuilder().default_parameter_group());
  EXPECT_THAT(result.remediation.parameters,
              ElementsAre(AllOf(Field(&ParameterChange::name, "rds.logical_replication"),
                                Field(&ParameterChange::value, "1")),
                          AllOf(Field(&ParameterChange::name, "wal_sender_timeout"),
                                Field(&ParameterChange::value, "0"))));
}

// A name other than the cdc-aurora-pg15 a new group would get: the fix modifies
// the group the cluster has.
TEST(AwsParameterGroup, ACustomGroupWithAWrongValueFailsWithAModifyOnThatGroupAndNoCreate) {
  const CheckResult result = check(
      kGroup,
      AwsFactsBuilder().parameter_group("prod-pg15-cdc").parameter("rds.logical_replication", "0"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "parameter group prod-pg15-cdc of cluster mydb: rds.logical_replication is 0");
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("aws rds modify-db-cluster-parameter-group --region us-east-1 "
                             "--db-cluster-parameter-group-name prod-pg15-cdc \\\n"
                             "    \"ParameterName=rds.logical_replication,ParameterValue=1,"
                             "ApplyMethod=pending-reboot\""));
  EXPECT_THAT(fix, HasSubstr("aws rds reboot-db-instance --region us-east-1 "
                             "--db-instance-identifier mydb-instance-1"));
  EXPECT_THAT(fix, Not(HasSubstr("create-db-cluster-parameter-group")));
  EXPECT_THAT(fix, Not(HasSubstr("cdc-aurora-pg15")));
  EXPECT_THAT(fix, Not(HasSubstr("ParameterName=wal_sender_timeout")));
  EXPECT_THAT(result.remediation.parameters,
              ElementsAre(Field(&ParameterChange::name, "rds.logical_replication")));
}

TEST(AwsParameterGroup, AWrongWalSenderTimeoutAloneFails) {
  const CheckResult result =
      check(kGroup, AwsFactsBuilder().parameter("wal_sender_timeout", "60000"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "parameter group cdc-aurora-pg15 of cluster mydb: wal_sender_timeout is 60000");
  EXPECT_THAT(result.remediation.parameters,
              ElementsAre(Field(&ParameterChange::name, "wal_sender_timeout")));
}

TEST(AwsParameterGroup, AValueTheGroupLeavesUnsetFails) {
  const CheckResult result =
      check(kGroup, AwsFactsBuilder().parameter("wal_sender_timeout", std::nullopt));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("wal_sender_timeout is unset"));
  EXPECT_THAT(result.details, Contains("cdc-aurora-pg15: wal_sender_timeout = unset"));
  EXPECT_THAT(result.remediation.parameters,
              ElementsAre(Field(&ParameterChange::name, "wal_sender_timeout")));
}

TEST(AwsParameterGroup, AParameterMissingFromTheAnswerCountsAsUnset) {
  const CheckResult result =
      check(kGroup, AwsFactsBuilder().no_parameter("rds.logical_replication"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("rds.logical_replication is unset"));
}

TEST(AwsParameterGroup, PendingRebootOnWriterAndReaderFailsWithARebootPerInstanceWriterFirst) {
  const CheckResult result = check(kGroup, AwsFactsBuilder()
                                               .member_status(kWriterInstance, "pending-reboot")
                                               .member_status(kReaderInstance, "pending-reboot"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "parameter group cdc-aurora-pg15 waits for a reboot of mydb-instance-1, "
            "mydb-instance-2");
  EXPECT_THAT(result.remediation.commands,
              ElementsAre("aws rds reboot-db-instance --region us-east-1 --db-instance-identifier "
                          "mydb-instance-1",
                          "aws rds reboot-db-instance --region us-east-1 --db-instance-identifier "
                          "mydb-instance-2"));
  EXPECT_THAT(result.remediation.steps, ElementsAre(HasSubstr("(the writer first)")));
  EXPECT_THAT(result.details, Contains("mydb-instance-1 (writer): pending-reboot"));
  // Nothing to set: no parameters for the one parameter-group fix.
  EXPECT_THAT(result.remediation.parameters, IsEmpty());
}

// applying: dynamic values on their way, no reboot needed: a warning naming
// the member, not a reboot.
TEST(AwsParameterGroup, AMemberStillApplyingWarnsWithoutAReboot) {
  const CheckResult result =
      check(kGroup, AwsFactsBuilder().member_status(kReaderInstance, "applying"));
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.summary, HasSubstr("mydb-instance-2 is not in-sync yet"));
  EXPECT_THAT(result.remediation.commands, Not(Contains(HasSubstr("reboot-db-instance"))));
}

// A global writer endpoint whose Global Database is not found: the cause, not
// an empty cluster name.
TEST(AwsCluster, AGlobalDatabaseThatIsNotFoundSaysSo) {
  AwsFactsBuilder aws;
  aws.found_from("global database")
      .cluster_error(AwsFailure::not_found,
                     "aws rds describe-global-clusters: An error occurred "
                     "(GlobalClusterNotFoundFault) when calling the DescribeGlobalClusters "
                     "operation: Global cluster myglobal not found.");
  Facts facts = aws.on(FactsBuilder().host(kGlobalWriterHost));
  facts.aws.cluster_id.clear();
  const CheckResult result = evaluate(kCluster, facts);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("Global cluster myglobal not found"));
  for (const char* id : {kGroup, kNetwork}) {
    const CheckResult other = evaluate(id, facts);
    EXPECT_EQ(other.status, Status::skip) << id;
    EXPECT_THAT(other.summary, HasSubstr("the cluster was not found (see aws.cluster)")) << id;
  }
}

// DBClusterMembers comes in no particular order: the writer is rebooted first
// all the same, as the step says.
TEST(AwsParameterGroup, TheWriterIsRebootedFirstEvenWhenTheApiListsItSecond) {
  const CheckResult result = check(kGroup, AwsFactsBuilder()
                                               .members_order({kReaderInstance, kWriterInstance})
                                               .member_status(kWriterInstance, "pending-reboot")
                                               .member_status(kReaderInstance, "pending-reboot"));
  EXPECT_EQ(result.status, Status::fail);
  ASSERT_THAT(result.remediation.commands, SizeIs(2));
  EXPECT_THAT(result.remediation.commands[0],
              HasSubstr("--db-instance-identifier mydb-instance-1"));
  EXPECT_THAT(result.remediation.commands[1],
              HasSubstr("--db-instance-identifier mydb-instance-2"));
}

TEST(AwsParameterGroup, OnlyTheMemberThatWaitsIsRebooted) {
  const CheckResult result =
      check(kGroup, AwsFactsBuilder().member_status(kReaderInstance, "pending-reboot"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "parameter group cdc-aurora-pg15 waits for a reboot of mydb-instance-2");
  EXPECT_THAT(result.remediation.commands,
              ElementsAre("aws rds reboot-db-instance --region us-east-1 --db-instance-identifier "
                          "mydb-instance-2"));
}

// Wrong values and a pending reboot: the values' fix (with its reboot) is the one given.
TEST(AwsParameterGroup, WrongValuesComeBeforeAPendingReboot) {
  const CheckResult result = check(kGroup, AwsFactsBuilder()
                                               .parameter("rds.logical_replication", "0")
                                               .member_status(kWriterInstance, "pending-reboot"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("rds.logical_replication is 0"));
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("modify-db-cluster-parameter-group"));
}

TEST(AwsParameterGroup, AParametersErrorIsAnError) {
  const CheckResult result = check(
      kGroup, AwsFactsBuilder().parameters_error(
                  AwsFailure::access_denied,
                  "aws rds describe-db-cluster-parameters: An error occurred (AccessDenied)"));
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("describe-db-cluster-parameters"));
  EXPECT_THAT(details_text(result), HasSubstr("rds:DescribeDBClusterParameters"));
}

// --- aws.network

TEST(AwsNetwork, PassesWhenEveryIpOfTheClickPipesRegionIsAdmitted) {
  const CheckResult result = evaluate(kNetwork, aws_ready(), with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary,
            "the writer mydb-instance-1 is public and its security groups admit TCP 5432 from all "
            "9 ClickPipes IPs of us-east-1");
}

TEST(AwsNetwork, AMissingIpFailsWithOneAuthorizeCommandPerCidr) {
  const CheckResult result =
      check(kNetwork, AwsFactsBuilder().admit_us_east_1_but({"54.82.38.199", "3.20.208.150"}),
            with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "the security groups of the writer mydb-instance-1 do not admit TCP 5432 from 2 of "
            "the 9 ClickPipes IPs of us-east-1");
  EXPECT_THAT(result.details, Contains("not admitted: 54.82.38.199, 3.20.208.150"));
  EXPECT_THAT(result.remediation.commands,
              ElementsAre(authorize_command("54.82.38.199"), authorize_command("3.20.208.150")));
  EXPECT_THAT(result.remediation.steps,
              Contains(AllOf(HasSubstr("sg-0123456789abcdef0 (clickpipes-postgres)"),
                             HasSubstr("us-east-1"))));
  EXPECT_EQ(result.remediation.docs,
            "https://clickhouse.com/docs/integrations/clickpipes/networking/static-ips");
}

TEST(AwsNetwork, AnUnknownClickPipesRegionIsAnErrorNamingTheKnownOnes) {
  const CheckResult result = evaluate(kNetwork, aws_ready(), with_clickpipes_region("mars-1"));
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary,
              HasSubstr("--clickpipes-region mars-1: no such region in the ClickPipes IP list"));
  for (const ClickPipesRegion& region : builtin_clickpipes_ips().regions) {
    EXPECT_THAT(result.summary, HasSubstr(region.region));
  }
}

TEST(AwsNetwork, ARuleOpenToEveryAddressAdmitsEveryIp) {
  const CheckResult result =
      check(kNetwork, AwsFactsBuilder().ingress({ingress_rule("tcp", 5432, 5432, {"0.0.0.0/0"})}),
            with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::pass);
}

TEST(AwsNetwork, ARangeHoldingTheAddressesAdmitsThem) {
  // 3.0.0.0/8 and 52.0.0.0/8 and 54.0.0.0/8 hold every us-east-1 address.
  const CheckResult result =
      check(kNetwork,
            AwsFactsBuilder().ingress(
                {ingress_rule("tcp", 5432, 5432, {"3.0.0.0/8", "52.0.0.0/8", "54.0.0.0/8"})}),
            with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::pass);
}

TEST(AwsNetwork, ARuleOnAnotherPortAdmitsNothing) {
  const CheckResult result =
      check(kNetwork,
            AwsFactsBuilder().ingress(
                {ingress_rule("tcp", 3306, 3306, as_cidrs(clickpipes_ips_of("us-east-1")))}),
            with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("from 9 of the 9 ClickPipes IPs"));
}

TEST(AwsNetwork, AUdpRuleAdmitsNothing) {
  const CheckResult result =
      check(kNetwork,
            AwsFactsBuilder().ingress(
                {ingress_rule("udp", 5432, 5432, as_cidrs(clickpipes_ips_of("us-east-1")))}),
            with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::fail);
}

TEST(AwsNetwork, AnAllTrafficRuleAdmits) {
  const CheckResult result = check(kNetwork,
                                   AwsFactsBuilder().ingress({ingress_rule(
                                       "-1", -1, -1, as_cidrs(clickpipes_ips_of("us-east-1")))}),
                                   with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::pass);
}

TEST(AwsNetwork, APortRangeHoldingThePortAdmits) {
  const CheckResult result =
      check(kNetwork,
            AwsFactsBuilder().ingress(
                {ingress_rule("tcp", 5000, 6000, as_cidrs(clickpipes_ips_of("us-east-1")))}),
            with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::pass);
}

TEST(AwsNetwork, TheProtocolNumberOfTcpAdmits) {
  const CheckResult result = check(kNetwork,
                                   AwsFactsBuilder().ingress({ingress_rule(
                                       "6", 5432, 5432, as_cidrs(clickpipes_ips_of("us-east-1")))}),
                                   with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::pass);
}

TEST(AwsNetwork, AnIpv6OnlyRuleAdmitsNothing) {
  AwsIngressRule rule = ingress_rule("tcp", 5432, 5432, {});
  rule.ipv6_ranges = {"::/0"};
  const CheckResult result =
      check(kNetwork, AwsFactsBuilder().ingress({rule}), with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("from 9 of the 9 ClickPipes IPs"));
}

TEST(AwsNetwork, APrefixListRuleIsSaidNotToBeExpanded) {
  AwsIngressRule rule = ingress_rule("tcp", 5432, 5432, {});
  rule.prefix_lists = {"pl-0a1b2c3d4e5f67890"};
  const CheckResult result =
      check(kNetwork, AwsFactsBuilder().add_ingress(rule), with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_THAT(result.details,
              Contains("sg-0123456789abcdef0 admits port 5432 from prefix list "
                       "pl-0a1b2c3d4e5f67890: not expanded (only CIDR ranges are compared)"));
}

TEST(AwsNetwork, AGroupReferenceRuleIsSaidNotToBeExpanded) {
  AwsIngressRule rule = ingress_rule("tcp", 5432, 5432, {});
  rule.groups = {"sg-0fedcba9876543210"};
  const CheckResult result =
      check(kNetwork, AwsFactsBuilder().ingress({rule}), with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.details, Contains(HasSubstr("from security group sg-0fedcba9876543210: not "
                                                 "expanded")));
}

TEST(AwsNetwork, WithoutAClickPipesRegionPassesNamingTheRegionsFullyAdmitted) {
  const CheckResult result = evaluate(kNetwork, aws_ready());
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.summary,
            "the writer mydb-instance-1 is public and its security groups admit TCP 5432 from "
            "every ClickPipes IP of us-east-1");
  EXPECT_THAT(result.details, Contains(HasSubstr("give --clickpipes-region")));
}

TEST(AwsNetwork, WithoutAClickPipesRegionNamesEveryRegionFullyAdmitted) {
  const CheckResult result =
      check(kNetwork, AwsFactsBuilder().add_ingress(ingress_rule(
                          "tcp", 5432, 5432, as_cidrs(clickpipes_ips_of("eu-west-1")))));
  EXPECT_EQ(result.status, Status::pass);
  // In the list's order.
  EXPECT_THAT(result.summary, HasSubstr("every ClickPipes IP of eu-west-1, us-east-1"));
}

TEST(AwsNetwork, WithoutAClickPipesRegionWarnsWhenNoneIsAdmittedWithTheFixForTheClustersRegion) {
  const CheckResult result = check(kNetwork, AwsFactsBuilder().ingress({}));
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_EQ(result.summary,
            "the security groups of the writer mydb-instance-1 admit TCP 5432 from the ClickPipes "
            "IPs of no ClickPipes region");
  std::vector<std::string> expected;
  for (const std::string& ip : clickpipes_ips_of("us-east-1")) {
    expected.push_back(authorize_command(ip));
  }
  EXPECT_EQ(result.remediation.commands, expected);
  ASSERT_THAT(result.remediation.steps, Not(IsEmpty()));
  EXPECT_THAT(result.remediation.steps.front(),
              HasSubstr("The IPs below are ClickPipes' in us-east-1"));
  EXPECT_THAT(result.remediation.steps.front(), HasSubstr("--clickpipes-region REGION"));
}

TEST(AwsNetwork, WithoutAClickPipesRegionAPartlyAdmittedRegionWarnsWithTheMissingOnesOnly) {
  const CheckResult result = check(kNetwork, AwsFactsBuilder().admit_us_east_1_but({"52.5.177.8"}));
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.remediation.commands, ElementsAre(authorize_command("52.5.177.8")));
}

TEST(AwsNetwork, AClusterInARegionWithoutClickPipesWarnsWithoutCommands) {
  const CheckResult result = check(kNetwork, AwsFactsBuilder().region("cn-north-1").ingress({}));
  EXPECT_EQ(result.status, Status::warn);
  EXPECT_THAT(result.remediation.commands, IsEmpty());
  EXPECT_THAT(remediation_text(result.remediation), HasSubstr("--clickpipes-region REGION"));
}

TEST(AwsNetwork, ThePortIsTheClusters) {
  const CheckResult result =
      check(kNetwork, AwsFactsBuilder().cluster([](AwsCluster& cluster) { cluster.port = 6432; }),
            with_clickpipes_region("us-east-1"));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_THAT(result.summary, HasSubstr("do not admit TCP 6432 from 9 of the 9"));
  EXPECT_THAT(result.remediation.commands, Contains(authorize_command("54.82.38.199", 6432)));
}

TEST(AwsNetwork, AWriterThatIsNotPubliclyAccessibleFailsWithThePrivateLinkGuide) {
  const CheckResult result = check(kNetwork, AwsFactsBuilder().writer_not_public());
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary,
            "the writer mydb-instance-1 is not publicly accessible: ClickPipes can reach it only "
            "through PrivateLink");
  EXPECT_EQ(result.remediation.docs, kPrivateLinkDocs);
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("cluster mydb"));
  EXPECT_THAT(fix, HasSubstr("--skip aws.network"));
  EXPECT_THAT(fix, HasSubstr("Or make the writer mydb-instance-1 publicly accessible"));
}

TEST(AwsNetwork, APrivateReaderDoesNotMatter) {
  const CheckResult result =
      check(kNetwork, AwsFactsBuilder().instance_facts(kReaderInstance, [](AwsInstance& instance) {
        instance.publicly_accessible = false;
      }));
  EXPECT_EQ(result.status, Status::pass);
}

TEST(AwsNetwork, ASecurityGroupsErrorIsAnError) {
  const CheckResult result = check(
      kNetwork, AwsFactsBuilder().security_groups_error(
                    AwsFailure::access_denied,
                    "aws ec2 describe-security-groups: An error occurred (UnauthorizedOperation)"));
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("UnauthorizedOperation"));
  EXPECT_THAT(details_text(result), HasSubstr("ec2:DescribeSecurityGroups"));
}

TEST(AwsNetwork, AnInstancesErrorIsAnError) {
  const CheckResult result = check(
      kNetwork,
      AwsFactsBuilder().instances_error(
          AwsFailure::throttled, "aws rds describe-db-instances: An error occurred (Throttling)"));
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.summary, HasSubstr("describe-db-instances"));
}

TEST(AwsNetwork, AWriterWithoutAnActiveSecurityGroupFails) {
  const CheckResult result = check(kNetwork, AwsFactsBuilder().security_groups({}));
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.summary, "the writer mydb-instance-1 has no active VPC security group");
}

TEST(AwsNetwork, SkipsWhenTheClusterHasNoWriter) {
  const CheckResult result = check(kNetwork, AwsFactsBuilder().no_writer());
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_THAT(result.summary, HasSubstr("has no writer instance (see aws.cluster)"));
}

TEST(AwsNetwork, EveryVerdictSaysWhatIsNotReadAndWhereTheIpListCameFrom) {
  const std::string source = "ClickPipes static IPs: the list shipped with cdc-preflight, read " +
                             builtin_clickpipes_ips().read_on + " from " +
                             builtin_clickpipes_ips().url;
  ASSERT_FALSE(builtin_clickpipes_ips().read_on.empty());
  const struct {
    const char* name;
    AwsFactsBuilder aws;
    ScopeRequest options;
  } cases[] = {
      {"pass with a region", AwsFactsBuilder(), with_clickpipes_region("us-east-1")},
      {"fail with a region", AwsFactsBuilder().admit_us_east_1_but({"52.5.177.8"}),
       with_clickpipes_region("us-east-1")},
      {"unknown region", AwsFactsBuilder(), with_clickpipes_region("mars-1")},
      {"pass", AwsFactsBuilder(), default_options()},
      {"warn", AwsFactsBuilder().ingress({}), default_options()},
      {"not public", AwsFactsBuilder().writer_not_public(), default_options()},
      {"no security group", AwsFactsBuilder().security_groups({}), default_options()},
  };
  for (const auto& [name, aws, options] : cases) {
    SCOPED_TRACE(name);
    const CheckResult result = check(kNetwork, aws, options);
    EXPECT_THAT(result.details, Contains(source));
    EXPECT_THAT(result.details, Contains(HasSubstr("network ACLs and route tables are not read")));
  }
}

TEST(AwsNetwork, AListFromAFileIsNamedByItsPath) {
  ClickPipesIps ips = builtin_clickpipes_ips();
  ips.source = "/etc/cdc-preflight/static-ips.json";
  ips.read_on = "2026-11-01";
  ips.url.clear();
  const CheckResult result = check(kNetwork, AwsFactsBuilder().clickpipes_ips(ips));
  EXPECT_THAT(result.details,
              Contains("ClickPipes static IPs: the list in /etc/cdc-preflight/static-ips.json, "
                       "read 2026-11-01"));
}

// --- the real names everywhere

TEST(AwsChecks, NoFixHoldsAPlaceholderWhenAwsReadTheNames) {
  const struct {
    const char* id;
    const char* name;
    AwsFactsBuilder aws;
    ScopeRequest options;
  } cases[] = {
      {kCluster, "not found", AwsFactsBuilder().cluster_error(AwsFailure::not_found, "no cluster"),
       default_options()},
      {kCluster, "serverless v1", AwsFactsBuilder().engine_mode("serverless"), default_options()},
      {kCluster, "global secondary",
       AwsFactsBuilder().no_writer().global_database("myglobal", kPrimaryArn), default_options()},
      {kCluster, "no writer", AwsFactsBuilder().no_writer(), default_options()},
      {kCluster, "serverless v2 at 0", AwsFactsBuilder().serverless_v2(0, 16), default_options()},
      {kGroup, "default group", AwsFactsBuilder().default_parameter_group(), default_options()},
      {kGroup, "wrong value", AwsFactsBuilder().parameter("wal_sender_timeout", "30000"),
       default_options()},
      {kGroup, "pending reboot", AwsFactsBuilder().member_status(kWriterInstance, "pending-reboot"),
       default_options()},
      {kNetwork, "missing ip", AwsFactsBuilder().admit_us_east_1_but({"52.5.177.8"}),
       with_clickpipes_region("us-east-1")},
      {kNetwork, "no region admitted", AwsFactsBuilder().ingress({}), default_options()},
      {kNetwork, "not public", AwsFactsBuilder().writer_not_public(), default_options()},
  };
  for (const auto& [id, name, aws, options] : cases) {
    SCOPED_TRACE(name);
    const CheckResult result = check(id, aws, options);
    EXPECT_THAT(result.status, AnyOf(Status::warn, Status::fail));
    EXPECT_FALSE(result.remediation.empty());
    EXPECT_THAT(remediation_text(result.remediation), Not(HasSubstr("<"))) << result.summary;
  }
}

TEST(AwsChecks, TheHostsFixesHoldNoPlaceholder) {
  for (const char* host : {kReaderHost, kWriterInstanceHost, "postgres.example.com"}) {
    SCOPED_TRACE(host);
    const CheckResult result = check_host(kCluster, host, AwsFactsBuilder());
    EXPECT_THAT(remediation_text(result.remediation), Not(HasSubstr("<")));
  }
}

// --- the data-plane fix with the names --aws read

// rds.logical_replication off, as the server reports it and the group holds it.
Facts logical_replication_off() {
  return AwsFactsBuilder()
      .parameter("rds.logical_replication", "0")
      .on(FactsBuilder().setting("wal_level", "replica").setting("rds.logical_replication", "off"));
}

TEST(AwsDataPlaneFix, LogicalReplicationOffNamesTheGroupAndTheWriterInstance) {
  const CheckResult result = evaluate("settings.logical_replication", logical_replication_off());
  EXPECT_EQ(result.status, Status::fail);
  const std::string fix = remediation_text(result.remediation);
  EXPECT_THAT(fix, HasSubstr("aws rds modify-db-cluster-parameter-group --region us-east-1 "
                             "--db-cluster-parameter-group-name cdc-aurora-pg15"));
  EXPECT_THAT(fix, HasSubstr("aws rds reboot-db-instance --region us-east-1 "
                             "--db-instance-identifier mydb-instance-1"));
  EXPECT_THAT(fix, Not(HasSubstr("<group>")));
  EXPECT_THAT(fix, Not(HasSubstr("<writer-instance>")));
  EXPECT_THAT(fix, Not(HasSubstr("<")));
  // A custom group is attached: nothing to create.
  EXPECT_THAT(fix, Not(HasSubstr("create-db-cluster-parameter-group")));
}

TEST(AwsDataPlaneFix, ADefaultGroupAttachedMakesTheDataPlaneFixCreateTheCustomOne) {
  const Facts facts = AwsFactsBuilder().default_parameter_group().on(
      FactsBuilder().setting("wal_level", "replica").setting("rds.logical_replication", "off"));
  const std::string fix =
      remediation_text(evaluate("settings.logical_replication", facts).remediation);
  EXPECT_THAT(fix, HasSubstr("create-db-cluster-parameter-group --region us-east-1 "
                             "--db-cluster-parameter-group-name cdc-aurora-pg15 "
                             "--db-parameter-group-family aurora-postgresql15"));
  EXPECT_THAT(fix, HasSubstr("--db-cluster-identifier mydb"));
  EXPECT_THAT(fix, Not(HasSubstr("<")));
}

TEST(AwsDataPlaneFix, TheParameterGroupCheckJoinsTheOneParameterGroupFix) {
  const Facts facts = logical_replication_off();
  std::vector<CheckResult> results = run_all(facts);
  const std::optional<ParameterGroupFix> combined = combine_parameter_fixes(facts, results);
  ASSERT_TRUE(combined.has_value());
  EXPECT_THAT(combined->checks, Contains("aws.parameter_group"));
  EXPECT_THAT(combined->checks, Contains("settings.logical_replication"));
  const std::string all = remediation_text(combined->remediation);
  std::size_t modify_calls = 0;
  for (std::size_t at = all.find("modify-db-cluster-parameter-group"); at != std::string::npos;
       at = all.find("modify-db-cluster-parameter-group", at + 1)) {
    ++modify_calls;
  }
  EXPECT_EQ(modify_calls, 1U) << all;
  EXPECT_THAT(all, HasSubstr("--db-cluster-parameter-group-name cdc-aurora-pg15"));
  EXPECT_THAT(all, HasSubstr("--db-instance-identifier mydb-instance-1"));
  EXPECT_THAT(all, Not(HasSubstr("<")));
  // aws.parameter_group then points to it instead of repeating the commands.
  const auto group = std::find_if(results.begin(), results.end(), [](const CheckResult& r) {
    return r.id == "aws.parameter_group";
  });
  ASSERT_NE(group, results.end());
  EXPECT_EQ(group->status, Status::fail);
  EXPECT_THAT(remediation_text(group->remediation),
              Not(HasSubstr("modify-db-cluster-parameter-group")));
  EXPECT_THAT(group->remediation.steps,
              Contains(HasSubstr("in the one parameter-group fix of this report")));
}

TEST(AwsDataPlaneFix, TheReportHasOneParameterGroupFixNamingTheAwsCheck) {
  const Report report = report_of(logical_replication_off());
  ASSERT_TRUE(report.parameter_group.has_value());
  EXPECT_THAT(report.parameter_group->checks, Contains("aws.parameter_group"));
}

// --- no database connection

TEST(AwsChecks, RunWhenTheDatabaseCannotBeReached) {
  const Facts facts = AwsFactsBuilder().on(
      FactsBuilder().connection_failed(ConnectionFailure::timeout, "timeout expired"));
  const std::vector<CheckResult> results = run_all(facts);
  for (const CheckResult& result : results) {
    SCOPED_TRACE(result.id);
    if (result.id.starts_with("aws.")) {
      EXPECT_EQ(result.status, Status::pass) << result.summary;
    } else if (result.id != "connection") {
      EXPECT_EQ(result.status, Status::skip);
    }
  }
  EXPECT_EQ(std::count_if(results.begin(), results.end(),
                          [](const CheckResult& r) { return r.id.starts_with("aws."); }),
            3);
}

TEST(AwsChecks, FailWhenTheDatabaseCannotBeReached) {
  const Facts facts = AwsFactsBuilder().default_parameter_group().on(
      FactsBuilder().connection_failed(ConnectionFailure::refused, "Connection refused"));
  EXPECT_EQ(evaluate(kGroup, facts).status, Status::fail);
}

TEST(AwsChecks, SkipWithSkip) {
  ScopeRequest options = default_options();
  options.skip = {kNetwork};
  const CheckResult result = evaluate(kNetwork, aws_ready(), options);
  EXPECT_EQ(result.status, Status::skip);
  EXPECT_EQ(result.summary, "skipped with --skip");
}

}  // namespace
}  // namespace cdcpreflight::testing
