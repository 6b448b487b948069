// The --aws facts in a snapshot (collect --aws, check --from) and in
// collect --redact: they write and load back as the same JSON, a snapshot
// taken without --aws loads with none, the numbers are held to what the AWS
// API can return (a capacity may be fractional, nothing else), and redaction
// leaves no id, ARN, account, VPC, security group, instance, cluster or
// address of the customer's while every verdict stays the same.
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "facts/redact.h"
#include "unit/aws_facts_builder.h"
#include "unit/facts_builder.h"

namespace cdcpreflight::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPrimaryArn = "arn:aws:rds:us-west-2:123456789012:cluster:mydb-primary";
constexpr const char* kCustomHost = "analytics.cluster-custom-abc123.us-east-1.rds.amazonaws.com";
constexpr const char* kOfficeRange = "203.0.113.0/24";
constexpr const char* kOtherGroup = "sg-0fedcba9876543210";
constexpr const char* kPrefixList = "pl-0a1b2c3d4e5f67890";

// As collect writes a snapshot and check --from reads it.
Facts through_snapshot(const Facts& facts) {
  const std::string written =
      nlohmann::json(facts).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return nlohmann::json::parse(written).get<Facts>();
}

// Every field of the AWS facts set to something other than its default.
AwsFactsBuilder full_aws() {
  AwsIngressRule office = ingress_rule("tcp", 5432, 5432, {kOfficeRange});
  office.ipv6_ranges = {"2001:db8:1234::/48"};
  office.groups = {kOtherGroup};
  office.prefix_lists = {kPrefixList};
  AwsFactsBuilder builder;
  builder.custom_endpoint(kCustomHost)
      .serverless_v2(0.5, 16)
      .global_database("myglobal", kClusterArn)
      .add_ingress(office)
      .add_ingress(ingress_rule("-1", -1, -1, {"10.0.0.0/16"}))
      .parameter("max_replication_slots", "20")
      .parameter("max_slot_wal_keep_size", std::nullopt)
      .instance_facts(kReaderInstance, [](AwsInstance& instance) {
        instance.publicly_accessible = false;
        instance.status = "creating";
      });
  return builder;
}

// full_aws() with an error in every part, each naming what a real one names.
Facts full_aws_with_errors() {
  Facts facts = full_aws().facts();
  AwsFacts& aws = facts.aws;
  aws.setup_error = aws_error(AwsFailure::other, "",
                              "instance mydb-instance-1 belongs to no DB cluster: give "
                              "--aws-cluster");
  aws.cluster_error =
      aws_error(AwsFailure::not_found, "rds describe-db-clusters",
                "aws rds describe-db-clusters: An error occurred (DBClusterNotFoundFault) when "
                "calling the DescribeDBClusters operation: DBCluster mydb not found.");
  aws.instances_error = aws_error(AwsFailure::throttled, "rds describe-db-instances",
                                  "aws rds describe-db-instances: An error occurred (Throttling)");
  aws.parameters_error = aws_error(
      AwsFailure::not_found, "rds describe-db-cluster-parameters",
      "aws rds describe-db-cluster-parameters: An error occurred (DBParameterGroupNotFound) when "
      "calling the DescribeDBClusterParameters operation: DBClusterParameterGroup not found: "
      "cdc-aurora-pg15");
  aws.security_groups_error = aws_error(
      AwsFailure::not_found, "ec2 describe-security-groups",
      "aws ec2 describe-security-groups: An error occurred (InvalidGroup.NotFound) when calling "
      "the DescribeSecurityGroups operation: The security group 'sg-0123456789abcdef0' does not "
      "exist in VPC 'vpc-0a1b2c3d4e5f67890'");
  aws.global_error = aws_error(
      AwsFailure::access_denied, "rds describe-global-clusters",
      "aws rds describe-global-clusters: An error occurred (AccessDenied) when calling the "
      "DescribeGlobalClusters operation: User: arn:aws:iam::123456789012:user/ci is not "
      "authorized to perform: rds:DescribeGlobalClusters on resource: "
      "arn:aws:rds::123456789012:global-cluster:*");
  return facts;
}

// --- snapshot

TEST(AwsSnapshot, FullAwsFactsWriteAndLoadBackAsTheSameJson) {
  const Facts facts = full_aws_with_errors();
  const nlohmann::json written = facts;
  ASSERT_TRUE(written.contains("aws"));
  const Facts loaded = written.get<Facts>();
  EXPECT_EQ(nlohmann::json(loaded), written);
  EXPECT_TRUE(loaded.aws.attempted);
  ASSERT_TRUE(loaded.aws.cluster.has_value());
  EXPECT_EQ(loaded.aws.cluster->serverless_min_capacity, 0.5);
  ASSERT_TRUE(loaded.aws.global_cluster.has_value());
  EXPECT_EQ(loaded.aws.global_cluster->writer_arn, kClusterArn);
  EXPECT_EQ(loaded.aws.parameters.back().value, std::nullopt);
  ASSERT_TRUE(loaded.aws.global_error.has_value());
  EXPECT_EQ(loaded.aws.global_error->failure, AwsFailure::access_denied);
}

TEST(AwsSnapshot, TheVerdictsSurviveTheTrip) {
  for (const Facts& facts :
       {aws_ready(), full_aws().facts(), AwsFactsBuilder().default_parameter_group().facts()}) {
    for (const ScopeRequest& options : {default_options(), with_clickpipes_region("us-east-1")}) {
      const std::vector<CheckResult> before = run_all(facts, options);
      const std::vector<CheckResult> after = run_all(through_snapshot(facts), options);
      ASSERT_EQ(before.size(), after.size());
      for (std::size_t i = 0; i < before.size(); ++i) {
        SCOPED_TRACE(before[i].id);
        EXPECT_EQ(after[i].status, before[i].status);
        EXPECT_EQ(after[i].summary, before[i].summary);
        EXPECT_EQ(after[i].details, before[i].details);
        EXPECT_EQ(after[i].remediation.commands, before[i].remediation.commands);
      }
    }
  }
}

TEST(AwsSnapshot, ASnapshotWithoutAwsHasNoAwsSection) {
  const nlohmann::json written = FactsBuilder().build();
  EXPECT_FALSE(written.contains("aws"));
}

TEST(AwsSnapshot, ASnapshotWithoutAwsLoadsAsNotAttempted) {
  nlohmann::json written = aws_ready();
  written.erase("aws");
  const Facts loaded = written.get<Facts>();
  EXPECT_FALSE(loaded.aws.attempted);
  EXPECT_FALSE(loaded.aws.cluster.has_value());
  EXPECT_EQ(evaluate("aws.cluster", loaded).summary, "not checked: --aws not given");
}

TEST(AwsSnapshot, AFractionalCapacityLoads) {
  nlohmann::json written = aws_ready();
  written["aws"]["cluster"]["serverless_min_capacity"] = 0.5;
  written["aws"]["cluster"]["serverless_max_capacity"] = 128;
  const Facts loaded = written.get<Facts>();
  EXPECT_EQ(loaded.aws.cluster->serverless_min_capacity, 0.5);
  EXPECT_EQ(loaded.aws.cluster->serverless_max_capacity, 128.0);
}

TEST(AwsSnapshot, ANegativeOrHugeCapacityIsRefused) {
  for (const double capacity : {-0.5, 2e6}) {
    SCOPED_TRACE(capacity);
    nlohmann::json written = aws_ready();
    written["aws"]["cluster"]["serverless_min_capacity"] = capacity;
    EXPECT_ANY_THROW((void)written.get<Facts>());
  }
}

// Not read as 1 ACU.
TEST(AwsSnapshot, ABooleanCapacityIsRefused) {
  nlohmann::json written = aws_ready();
  written["aws"]["cluster"]["serverless_min_capacity"] = true;
  EXPECT_ANY_THROW((void)written.get<Facts>());
}

TEST(AwsSnapshot, AFractionalPortIsRefused) {
  nlohmann::json cluster_port = aws_ready();
  cluster_port["aws"]["cluster"]["port"] = 5432.5;
  EXPECT_ANY_THROW((void)cluster_port.get<Facts>());
  nlohmann::json instance_port = aws_ready();
  instance_port["aws"]["instances"][0]["port"] = 5432.5;
  EXPECT_ANY_THROW((void)instance_port.get<Facts>());
}

TEST(AwsSnapshot, APortOutOfRangeIsRefused) {
  nlohmann::json written = aws_ready();
  written["aws"]["cluster"]["port"] = 70000;
  EXPECT_ANY_THROW((void)written.get<Facts>());
}

TEST(AwsSnapshot, ARulePortBelowMinusOneOrAboveTheLastPortIsRefused) {
  for (const auto& [key, value] : std::vector<std::pair<const char*, int>>{
           {"from_port", -2}, {"to_port", -2}, {"from_port", 65536}, {"to_port", 65536}}) {
    SCOPED_TRACE(std::string(key) + " " + std::to_string(value));
    nlohmann::json written = aws_ready();
    written["aws"]["security_groups"][0]["ingress"][0][key] = value;
    EXPECT_ANY_THROW((void)written.get<Facts>());
  }
}

TEST(AwsSnapshot, MinusOneForEveryPortLoads) {
  nlohmann::json written = aws_ready();
  written["aws"]["security_groups"][0]["ingress"][0]["from_port"] = -1;
  written["aws"]["security_groups"][0]["ingress"][0]["to_port"] = -1;
  EXPECT_NO_THROW((void)written.get<Facts>());
}

TEST(AwsSnapshot, AnUnknownFailureIsRefused) {
  nlohmann::json written = full_aws_with_errors();
  written["aws"]["global_error"]["failure"] = "eaten_by_a_grue";
  EXPECT_ANY_THROW((void)written.get<Facts>());
}

TEST(AwsSnapshot, AFieldOfTheWrongTypeIsRefused) {
  nlohmann::json writer = aws_ready();
  writer["aws"]["cluster"]["members"][0]["writer"] = 1;
  EXPECT_ANY_THROW((void)writer.get<Facts>());
  nlohmann::json members = aws_ready();
  members["aws"]["cluster"]["members"] = "mydb-instance-1";
  EXPECT_ANY_THROW((void)members.get<Facts>());
}

// --- redaction

// Everything that names the customer's account, network and databases.
std::vector<std::string> aws_originals() {
  return {"123456789012",
          "mydb",
          "abc123",
          kWriterHost,
          kReaderHost,
          kCustomHost,
          kWriterInstanceHost,
          "mydb-instance-1",
          "mydb-instance-2",
          "myglobal",
          "cdc-aurora-pg15",
          kSecurityGroup,
          kOtherGroup,
          kVpc,
          kPrefixList,
          "clickpipes-postgres",
          "203.0.113.",
          "10.0.0.0",
          "2001:db8:1234"};
}

std::string dump(const Facts& facts) { return nlohmann::json(facts).dump(); }

// FactsBuilder's system identifier, 7311234567890123456, holds the account
// 123456789012 by chance (and is no name: redact keeps it).
Facts without_account_lookalike(Facts facts) {
  facts.replication_connect.system_identifier = "7311000000000000001";
  return facts;
}

TEST(AwsRedact, NoIdArnAccountOrAddressIsLeft) {
  const Facts facts = without_account_lookalike(full_aws_with_errors());
  const std::string before = dump(facts);
  const std::string after = dump(redact(facts));
  for (const std::string& original : aws_originals()) {
    SCOPED_TRACE(original);
    ASSERT_THAT(before, HasSubstr(original)) << "the test's facts should hold it";
    EXPECT_THAT(after, Not(HasSubstr(original)));
  }
}

TEST(AwsRedact, NoIdIsLeftInAGlobalSecondary) {
  const Facts facts = without_account_lookalike(
      AwsFactsBuilder().no_writer().global_database("myglobal", kPrimaryArn).facts());
  const std::string after = dump(redact(facts));
  for (const char* original : {"123456789012", "mydb", "myglobal", "us-west-2:123456789012"}) {
    EXPECT_THAT(after, Not(HasSubstr(original))) << original;
  }
}

TEST(AwsRedact, TheSameNameGetsTheSamePlaceholderEverywhere) {
  const Facts redacted = redact(full_aws().facts());
  const AwsFacts& aws = redacted.aws;
  ASSERT_TRUE(aws.cluster.has_value());
  EXPECT_EQ(aws.cluster->endpoint, redacted.connection.host);
  EXPECT_EQ(aws.cluster_id, aws.cluster->identifier);
  EXPECT_EQ(aws.cluster->members.at(0).instance, aws.instances.at(0).identifier);
  EXPECT_EQ(aws.cluster->members.at(1).instance, aws.instances.at(1).identifier);
  EXPECT_NE(aws.instances.at(0).identifier, aws.instances.at(1).identifier);
  EXPECT_EQ(aws.instances.at(0).security_groups.at(0), aws.security_groups.at(0).id);
  EXPECT_EQ(aws.instances.at(0).vpc_id, aws.security_groups.at(0).vpc_id);
  EXPECT_EQ(aws.global_cluster->writer_arn, aws.cluster->arn);
  EXPECT_EQ(aws.cluster->arn,
            "arn:aws:rds:us-east-1:000000000000:cluster:" + aws.cluster->identifier);
  EXPECT_THAT(aws.security_groups.at(0).id, ::testing::StartsWith("sg-redacted"));
}

TEST(AwsRedact, ClickPipesAddressesAreKeptAndOtherRangesReplaced) {
  const Facts redacted = redact(full_aws().facts());
  const std::vector<AwsIngressRule>& ingress = redacted.aws.security_groups.at(0).ingress;
  EXPECT_EQ(ingress.at(0).ipv4_ranges, as_cidrs(clickpipes_ips_of("us-east-1")));
  ASSERT_EQ(ingress.at(1).ipv4_ranges.size(), 1U);
  EXPECT_THAT(ingress.at(1).ipv4_ranges[0], ::testing::MatchesRegex(R"(198\.51\.100\.[0-9]+/32)"));
  EXPECT_THAT(ingress.at(1).ipv6_ranges.at(0), ::testing::StartsWith("2001:db8::"));
  EXPECT_EQ(redacted.aws.clickpipes_ips.regions.size(), builtin_clickpipes_ips().regions.size());
}

TEST(AwsRedact, AnOpenRangeIsKept) {
  const Facts redacted =
      redact(AwsFactsBuilder().ingress({ingress_rule("tcp", 5432, 5432, {"0.0.0.0/0"})}).facts());
  EXPECT_EQ(redacted.aws.security_groups.at(0).ingress.at(0).ipv4_ranges.at(0), "0.0.0.0/0");
}

TEST(AwsRedact, ADefaultParameterGroupKeepsItsName) {
  const Facts redacted = redact(AwsFactsBuilder().default_parameter_group().facts());
  EXPECT_EQ(redacted.aws.cluster->parameter_group, "default.aurora-postgresql15");
}

TEST(AwsRedact, ACustomParameterGroupIsReplaced) {
  const Facts redacted = redact(aws_ready());
  EXPECT_NE(redacted.aws.cluster->parameter_group, "cdc-aurora-pg15");
  EXPECT_FALSE(redacted.aws.cluster->parameter_group.starts_with("default."));
}

TEST(AwsRedact, ErrorMessagesLoseTheirNamesButKeepTheirCause) {
  const Facts redacted = redact(full_aws_with_errors());
  const AwsFacts& aws = redacted.aws;
  EXPECT_THAT(aws.global_error->message, HasSubstr("(AccessDenied)"));
  EXPECT_THAT(aws.global_error->message, Not(HasSubstr("123456789012")));
  EXPECT_THAT(aws.security_groups_error->message, HasSubstr("(InvalidGroup.NotFound)"));
  EXPECT_THAT(aws.security_groups_error->message, Not(HasSubstr(kSecurityGroup)));
  EXPECT_THAT(aws.cluster_error->message,
              HasSubstr("DBCluster " + aws.cluster->identifier + " not found."));
}

TEST(AwsRedact, AClickPipesIpsFilePathIsReplaced) {
  Facts facts = aws_ready();
  facts.aws.clickpipes_ips.source = "/home/alice/acme-ips.json";
  const Facts redacted = redact(facts);
  EXPECT_THAT(dump(redacted), Not(HasSubstr("alice")));
  EXPECT_THAT(dump(redacted), Not(HasSubstr("acme")));
}

struct RedactCase {
  std::string name;
  Facts facts;
  ScopeRequest options = default_options();
};

std::vector<RedactCase> redact_cases() {
  return {
      {"ready", aws_ready()},
      {"ready, --clickpipes-region", aws_ready(), with_clickpipes_region("us-east-1")},
      {"full", full_aws().facts()},
      {"default group", AwsFactsBuilder().default_parameter_group().facts()},
      {"pending reboot", AwsFactsBuilder()
                             .member_status(kWriterInstance, "pending-reboot")
                             .member_status(kReaderInstance, "pending-reboot")
                             .facts()},
      {"partial security group", AwsFactsBuilder().admit_us_east_1_but({"52.5.177.8"}).facts()},
      {"partial security group, --clickpipes-region",
       AwsFactsBuilder().admit_us_east_1_but({"52.5.177.8", "3.20.208.150"}).facts(),
       with_clickpipes_region("us-east-1")},
      {"no region admitted", AwsFactsBuilder().ingress({}).facts()},
      {"global secondary",
       AwsFactsBuilder().no_writer().global_database("myglobal", kPrimaryArn).facts()},
      {"global writer endpoint",
       AwsFactsBuilder()
           .found_from("global database")
           .global_database("myglobal", kClusterArn)
           .on(FactsBuilder().host("myglobal.global-abc123.global.rds.amazonaws.com"))},
      {"reader endpoint", AwsFactsBuilder().on(FactsBuilder().host(kReaderHost))},
      {"custom endpoint",
       AwsFactsBuilder().custom_endpoint(kCustomHost).on(FactsBuilder().host(kCustomHost))},
      {"instance endpoint", AwsFactsBuilder().on(FactsBuilder().host(kWriterInstanceHost))},
      {"dns alias", AwsFactsBuilder().on(FactsBuilder().host("postgres.example.com"))},
      {"not found",
       AwsFactsBuilder().cluster_error(AwsFailure::not_found, "DBCluster mydb not found.").facts()},
      {"not public", AwsFactsBuilder().writer_not_public().facts()},
      {"serverless at 0", AwsFactsBuilder().serverless_v2(0, 16).facts()},
      {"database unreachable",
       AwsFactsBuilder().default_parameter_group().on(
           FactsBuilder().connection_failed(ConnectionFailure::timeout, "timeout expired"))},
  };
}

void expect_same_verdicts(const RedactCase& shape) {
  const std::vector<CheckResult> before = run_all(shape.facts, shape.options);
  const std::vector<CheckResult> after =
      run_all(through_snapshot(redact(shape.facts)), shape.options);
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    SCOPED_TRACE(before[i].id);
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].status, before[i].status) << before[i].summary << "\n" << after[i].summary;
  }
}

TEST(AwsRedact, EveryVerdictStaysTheSame) {
  for (const RedactCase& shape : redact_cases()) {
    SCOPED_TRACE(shape.name);
    expect_same_verdicts(shape);
  }
}

// aws.cluster compares the host with the cluster's endpoints whatever the
// case and with or without a trailing dot: redaction gives such an endpoint
// the connection host's placeholder, so the verdict stays.
TEST(AwsRedact, AnUpperCaseHostWithATrailingDotKeepsItsVerdict) {
  for (const char* host : {"MYDB.CLUSTER-ABC123.US-EAST-1.RDS.AMAZONAWS.COM",
                           "mydb.cluster-abc123.us-east-1.rds.amazonaws.com.",
                           // an instance endpoint: fails before, warns after
                           "MYDB-INSTANCE-1.ABC123.US-EAST-1.RDS.AMAZONAWS.COM"}) {
    SCOPED_TRACE(host);
    expect_same_verdicts({host, AwsFactsBuilder().on(FactsBuilder().host(host))});
  }
}

}  // namespace
}  // namespace cdcpreflight::testing
