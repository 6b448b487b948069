// Reading the AWS CLI (--output json) for --aws: each Describe call's answer
// as the RDS and EC2 API Reference shape it, fields the checks do not read
// ignored, and bad text (not JSON, a field of the wrong type, a number out of
// range) an error in one line, never a crash; cluster ARNs; the ClickPipes
// static IP list (data/clickpipes-static-ips.json is one: it must parse);
// cidr_contains; why a CLI call failed, from its real stderr, in one line and
// without secrets; the CLI's arguments.
#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/cli.h"
#include "aws/parse.h"
#include "cdcpreflight/aws.h"

namespace cdcpreflight {

inline void PrintTo(AwsFailure failure, std::ostream* out) { *out << to_string(failure); }

namespace testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;

// --- rds describe-db-clusters

// What `aws rds describe-db-clusters --db-cluster-identifier mydb --output
// json` prints for a provisioned Aurora PostgreSQL cluster with Serverless v2
// instances (DBCluster of the RDS API Reference; most fields the checks
// ignore).
constexpr const char* kDescribeDbClusters = R"json({
    "DBClusters": [
        {
            "AllocatedStorage": 1,
            "AvailabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
            "BackupRetentionPeriod": 7,
            "DBClusterIdentifier": "mydb",
            "DBClusterParameterGroup": "cdc-aurora-pg15",
            "DBSubnetGroup": "default-vpc-0a1b2c3d4e5f67890",
            "Status": "available",
            "EarliestRestorableTime": "2026-11-18T03:12:45.123000+00:00",
            "Endpoint": "mydb.cluster-abc123.us-east-1.rds.amazonaws.com",
            "ReaderEndpoint": "mydb.cluster-ro-abc123.us-east-1.rds.amazonaws.com",
            "CustomEndpoints": [
                "analytics.cluster-custom-abc123.us-east-1.rds.amazonaws.com"
            ],
            "MultiAZ": true,
            "Engine": "aurora-postgresql",
            "EngineVersion": "15.4",
            "LatestRestorableTime": "2026-11-25T11:55:02.456000+00:00",
            "Port": 5432,
            "MasterUsername": "postgres",
            "PreferredBackupWindow": "03:00-03:30",
            "PreferredMaintenanceWindow": "sun:05:00-sun:05:30",
            "ReadReplicaIdentifiers": [],
            "DBClusterMembers": [
                {
                    "DBInstanceIdentifier": "mydb-instance-1",
                    "IsClusterWriter": true,
                    "DBClusterParameterGroupStatus": "in-sync",
                    "PromotionTier": 1
                },
                {
                    "DBInstanceIdentifier": "mydb-instance-2",
                    "IsClusterWriter": false,
                    "DBClusterParameterGroupStatus": "pending-reboot",
                    "PromotionTier": 1
                }
            ],
            "VpcSecurityGroups": [
                {"VpcSecurityGroupId": "sg-0123456789abcdef0", "Status": "active"}
            ],
            "HostedZoneId": "Z2R2ITUGPM61AM",
            "StorageEncrypted": true,
            "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "DbClusterResourceId": "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "DBClusterArn": "arn:aws:rds:us-east-1:123456789012:cluster:mydb",
            "AssociatedRoles": [],
            "IAMDatabaseAuthenticationEnabled": false,
            "ClusterCreateTime": "2024-01-10T09:00:00.000000+00:00",
            "EngineMode": "provisioned",
            "DeletionProtection": true,
            "HttpEndpointEnabled": false,
            "ActivityStreamStatus": "stopped",
            "CopyTagsToSnapshot": true,
            "CrossAccountClone": false,
            "DomainMemberships": [],
            "TagList": [{"Key": "team", "Value": "data"}],
            "ServerlessV2ScalingConfiguration": {"MinCapacity": 0.5, "MaxCapacity": 16.0},
            "AutoMinorVersionUpgrade": true,
            "NetworkType": "IPV4"
        }
    ]
}
)json";

// A DBClusters answer whose one cluster has `field` (a JSON member, e.g.
// "\"Port\": 70000") besides its identifier.
std::string cluster_with(const std::string& field) {
  return R"({"DBClusters": [{"DBClusterIdentifier": "mydb", )" + field + "}]}";
}

TEST(AwsParseClusters, ReadsEveryFieldTheChecksUse) {
  std::optional<AwsCluster> cluster;
  ASSERT_EQ(parse_db_clusters(kDescribeDbClusters, cluster), std::nullopt);
  ASSERT_TRUE(cluster.has_value());
  EXPECT_EQ(cluster->identifier, "mydb");
  EXPECT_EQ(cluster->arn, "arn:aws:rds:us-east-1:123456789012:cluster:mydb");
  EXPECT_EQ(cluster->engine, "aurora-postgresql");
  EXPECT_EQ(cluster->engine_version, "15.4");
  EXPECT_EQ(cluster->engine_mode, "provisioned");
  EXPECT_EQ(cluster->status, "available");
  EXPECT_EQ(cluster->endpoint, "mydb.cluster-abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(cluster->reader_endpoint, "mydb.cluster-ro-abc123.us-east-1.rds.amazonaws.com");
  EXPECT_THAT(cluster->custom_endpoints,
              ElementsAre("analytics.cluster-custom-abc123.us-east-1.rds.amazonaws.com"));
  EXPECT_EQ(cluster->port, 5432);
  EXPECT_EQ(cluster->parameter_group, "cdc-aurora-pg15");
  EXPECT_THAT(cluster->serverless_min_capacity, Optional(0.5));
  EXPECT_THAT(cluster->serverless_max_capacity, Optional(16.0));
  ASSERT_EQ(cluster->members.size(), 2U);
  EXPECT_EQ(cluster->members[0].instance, "mydb-instance-1");
  EXPECT_TRUE(cluster->members[0].writer);
  EXPECT_EQ(cluster->members[0].parameter_group_status, "in-sync");
  EXPECT_EQ(cluster->members[1].instance, "mydb-instance-2");
  EXPECT_FALSE(cluster->members[1].writer);
  EXPECT_EQ(cluster->members[1].parameter_group_status, "pending-reboot");
}

TEST(AwsParseClusters, AnIntegerCapacityIsACapacity) {
  std::optional<AwsCluster> cluster;
  ASSERT_EQ(parse_db_clusters(cluster_with(R"("ServerlessV2ScalingConfiguration": )"
                                           R"({"MinCapacity": 0, "MaxCapacity": 64})"),
                              cluster),
            std::nullopt);
  EXPECT_THAT(cluster->serverless_min_capacity, Optional(0.0));
  EXPECT_THAT(cluster->serverless_max_capacity, Optional(64.0));
}

TEST(AwsParseClusters, OptionalFieldsMayBeMissing) {
  std::optional<AwsCluster> cluster;
  ASSERT_EQ(parse_db_clusters(R"({"DBClusters": [{"DBClusterIdentifier": "mydb"}]})", cluster),
            std::nullopt);
  ASSERT_TRUE(cluster.has_value());
  EXPECT_EQ(cluster->identifier, "mydb");
  EXPECT_EQ(cluster->port, 0);
  EXPECT_EQ(cluster->serverless_min_capacity, std::nullopt);
  EXPECT_EQ(cluster->serverless_max_capacity, std::nullopt);
  EXPECT_THAT(cluster->custom_endpoints, IsEmpty());
  EXPECT_THAT(cluster->members, IsEmpty());
}

TEST(AwsParseClusters, NullFieldsAreMissingOnes) {
  std::optional<AwsCluster> cluster;
  ASSERT_EQ(parse_db_clusters(cluster_with(R"("Port": null, "DBClusterMembers": null)"), cluster),
            std::nullopt);
  EXPECT_EQ(cluster->port, 0);
}

TEST(AwsParseClusters, NoClusterIsNone) {
  for (const char* text : {R"({"DBClusters": []})", "{}"}) {
    SCOPED_TRACE(text);
    std::optional<AwsCluster> cluster = AwsCluster{};
    EXPECT_EQ(parse_db_clusters(text, cluster), std::nullopt);
    EXPECT_EQ(cluster, std::nullopt);
  }
}

TEST(AwsParseClusters, OnlyTheFirstClusterIsRead) {
  std::optional<AwsCluster> cluster;
  ASSERT_EQ(parse_db_clusters(
                R"({"DBClusters": [{"DBClusterIdentifier": "a"}, {"DBClusterIdentifier": "b"}]})",
                cluster),
            std::nullopt);
  EXPECT_EQ(cluster->identifier, "a");
}

TEST(AwsParseClusters, TextThatIsNotJsonIsAnError) {
  std::optional<AwsCluster> cluster;
  EXPECT_THAT(parse_db_clusters("<html>Service Unavailable</html>", cluster),
              Optional(std::string("the output is not JSON")));
  EXPECT_THAT(parse_db_clusters("", cluster), Optional(std::string("the output is not JSON")));
  EXPECT_THAT(parse_db_clusters(R"({"DBClusters": [)", cluster),
              Optional(std::string("the output is not JSON")));
}

TEST(AwsParseClusters, AnArrayIsAnError) {
  std::optional<AwsCluster> cluster;
  EXPECT_THAT(parse_db_clusters(R"([{"DBClusterIdentifier": "mydb"}])", cluster),
              Optional(std::string("unexpected output: expected an object")));
}

TEST(AwsParseClusters, AListThatIsNotOneIsAnError) {
  std::optional<AwsCluster> cluster;
  EXPECT_THAT(parse_db_clusters(R"({"DBClusters": {"DBClusterIdentifier": "mydb"}})", cluster),
              Optional(std::string("unexpected output: DBClusters is not a list")));
  EXPECT_THAT(parse_db_clusters(R"({"DBClusters": ["mydb"]})", cluster),
              Optional(std::string("unexpected output: expected an object")));
}

TEST(AwsParseClusters, AStringWhereABoolIsExpectedIsAnError) {
  std::optional<AwsCluster> cluster;
  EXPECT_THAT(parse_db_clusters(cluster_with(R"("DBClusterMembers": [{"DBInstanceIdentifier": )"
                                             R"("i", "IsClusterWriter": "true"}])"),
                                cluster),
              Optional(std::string("unexpected output: IsClusterWriter is not true or false")));
}

TEST(AwsParseClusters, ANumberWhereAStringIsExpectedIsAnError) {
  std::optional<AwsCluster> cluster;
  EXPECT_THAT(parse_db_clusters(cluster_with(R"("EngineVersion": 15.4)"), cluster),
              Optional(std::string("unexpected output: EngineVersion is not a string")));
  EXPECT_THAT(parse_db_clusters(cluster_with(R"("CustomEndpoints": [42])"), cluster),
              Optional(HasSubstr("CustomEndpoints holds a value that is not a string")));
}

TEST(AwsParseClusters, APortOutOfRangeIsAnError) {
  std::optional<AwsCluster> cluster;
  for (const char* port : {"70000", "-1", "5432.5", "\"5432\"", "true"}) {
    SCOPED_TRACE(port);
    EXPECT_THAT(parse_db_clusters(cluster_with(std::string("\"Port\": ") + port), cluster),
                Optional(std::string("unexpected output: Port is not an integer from 0 to 65535")));
  }
}

TEST(AwsParseClusters, ANegativeOrNonNumericCapacityIsAnError) {
  std::optional<AwsCluster> cluster;
  for (const char* capacity : {"-0.5", "\"0.5\"", "1e7"}) {
    SCOPED_TRACE(capacity);
    EXPECT_THAT(
        parse_db_clusters(cluster_with(std::string(R"("ServerlessV2ScalingConfiguration": )") +
                                       R"({"MinCapacity": )" + capacity + "}"),
                          cluster),
        Optional(std::string("unexpected output: MinCapacity is not a capacity")));
  }
}

TEST(AwsParseClusters, AScalingConfigurationThatIsNotAnObjectIsAnError) {
  std::optional<AwsCluster> cluster;
  EXPECT_THAT(
      parse_db_clusters(cluster_with(R"("ServerlessV2ScalingConfiguration": [0.5])"), cluster),
      Optional(std::string("unexpected output: expected an object")));
}

TEST(AwsParseClusters, TheErrorIsOneLine) {
  std::optional<AwsCluster> cluster;
  const auto error = parse_db_clusters("{\n\"DBClusters\": 1\n}", cluster);
  ASSERT_TRUE(error.has_value());
  EXPECT_THAT(*error, Not(HasSubstr("\n")));
}

// --- rds describe-db-instances

constexpr const char* kDescribeDbInstances = R"json({
    "DBInstances": [
        {
            "DBInstanceIdentifier": "mydb-instance-1",
            "DBInstanceClass": "db.serverless",
            "Engine": "aurora-postgresql",
            "DBInstanceStatus": "available",
            "MasterUsername": "postgres",
            "Endpoint": {
                "Address": "mydb-instance-1.abc123.us-east-1.rds.amazonaws.com",
                "Port": 5432,
                "HostedZoneId": "Z2R2ITUGPM61AM"
            },
            "AllocatedStorage": 1,
            "InstanceCreateTime": "2024-01-10T09:05:00.000000+00:00",
            "PreferredBackupWindow": "03:00-03:30",
            "BackupRetentionPeriod": 7,
            "DBSecurityGroups": [],
            "VpcSecurityGroups": [
                {"VpcSecurityGroupId": "sg-0123456789abcdef0", "Status": "active"},
                {"VpcSecurityGroupId": "sg-0aaaaaaaaaaaaaaaa", "Status": "adding"},
                {"VpcSecurityGroupId": "sg-0bbbbbbbbbbbbbbbb", "Status": "removing"},
                {"VpcSecurityGroupId": "sg-0cccccccccccccccc", "Status": "inactive"}
            ],
            "DBParameterGroups": [
                {"DBParameterGroupName": "default.aurora-postgresql15",
                 "ParameterApplyStatus": "in-sync"}
            ],
            "AvailabilityZone": "us-east-1a",
            "DBSubnetGroup": {
                "DBSubnetGroupName": "default-vpc-0a1b2c3d4e5f67890",
                "DBSubnetGroupDescription": "Created from the RDS Management Console",
                "VpcId": "vpc-0a1b2c3d4e5f67890",
                "SubnetGroupStatus": "Complete",
                "Subnets": [
                    {"SubnetIdentifier": "subnet-0123456789abcdef0",
                     "SubnetAvailabilityZone": {"Name": "us-east-1a"},
                     "SubnetOutpost": {},
                     "SubnetStatus": "Active"}
                ]
            },
            "PreferredMaintenanceWindow": "sun:05:00-sun:05:30",
            "PendingModifiedValues": {},
            "MultiAZ": false,
            "EngineVersion": "15.4",
            "AutoMinorVersionUpgrade": true,
            "ReadReplicaDBInstanceIdentifiers": [],
            "LicenseModel": "postgresql-license",
            "OptionGroupMemberships": [
                {"OptionGroupName": "default:aurora-postgresql-15", "Status": "in-sync"}
            ],
            "PubliclyAccessible": true,
            "StorageType": "aurora",
            "DbInstancePort": 0,
            "DBClusterIdentifier": "mydb",
            "StorageEncrypted": true,
            "DbiResourceId": "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "CACertificateIdentifier": "rds-ca-rsa2048-g1",
            "DomainMemberships": [],
            "CopyTagsToSnapshot": false,
            "MonitoringInterval": 0,
            "PromotionTier": 1,
            "DBInstanceArn": "arn:aws:rds:us-east-1:123456789012:db:mydb-instance-1",
            "IAMDatabaseAuthenticationEnabled": false,
            "PerformanceInsightsEnabled": false,
            "DeletionProtection": false,
            "AssociatedRoles": [],
            "TagList": [],
            "CustomerOwnedIpEnabled": false,
            "BackupTarget": "region",
            "NetworkType": "IPV4",
            "StorageThroughput": 0,
            "CertificateDetails": {"CAIdentifier": "rds-ca-rsa2048-g1",
                                   "ValidTill": "2027-01-10T09:03:00+00:00"},
            "DedicatedLogVolume": false
        },
        {
            "DBInstanceIdentifier": "mydb-instance-2",
            "DBInstanceClass": "db.r6g.large",
            "Engine": "aurora-postgresql",
            "DBInstanceStatus": "creating",
            "PubliclyAccessible": false,
            "DBClusterIdentifier": "mydb"
        }
    ]
}
)json";

TEST(AwsParseInstances, ReadsEveryFieldTheChecksUse) {
  std::vector<AwsInstance> instances;
  std::string cluster;
  ASSERT_EQ(parse_db_instances(kDescribeDbInstances, instances, &cluster), std::nullopt);
  EXPECT_EQ(cluster, "mydb");
  ASSERT_EQ(instances.size(), 2U);
  const AwsInstance& writer = instances[0];
  EXPECT_EQ(writer.identifier, "mydb-instance-1");
  EXPECT_EQ(writer.status, "available");
  EXPECT_EQ(writer.instance_class, "db.serverless");
  EXPECT_EQ(writer.address, "mydb-instance-1.abc123.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(writer.port, 5432);
  EXPECT_TRUE(writer.publicly_accessible);
  EXPECT_EQ(writer.vpc_id, "vpc-0a1b2c3d4e5f67890");
  // Active and being added; not being removed nor inactive.
  EXPECT_THAT(writer.security_groups, ElementsAre("sg-0123456789abcdef0", "sg-0aaaaaaaaaaaaaaaa"));
}

TEST(AwsParseInstances, AnInstanceBeingCreatedHasNoEndpointYet) {
  std::vector<AwsInstance> instances;
  ASSERT_EQ(parse_db_instances(kDescribeDbInstances, instances, nullptr), std::nullopt);
  const AwsInstance& creating = instances.at(1);
  EXPECT_EQ(creating.status, "creating");
  EXPECT_EQ(creating.address, "");
  EXPECT_EQ(creating.port, 0);
  EXPECT_FALSE(creating.publicly_accessible);
  EXPECT_EQ(creating.vpc_id, "");
  EXPECT_THAT(creating.security_groups, IsEmpty());
}

TEST(AwsParseInstances, AnInstanceOfNoClusterTellsNone) {
  std::vector<AwsInstance> instances;
  std::string cluster = "stale";
  ASSERT_EQ(parse_db_instances(R"({"DBInstances": [{"DBInstanceIdentifier": "rds-1"}]})", instances,
                               &cluster),
            std::nullopt);
  EXPECT_EQ(cluster, "");
}

TEST(AwsParseInstances, AnEmptyListIsNoInstance) {
  std::vector<AwsInstance> instances(1);
  std::string cluster;
  EXPECT_EQ(parse_db_instances(R"({"DBInstances": []})", instances, &cluster), std::nullopt);
  EXPECT_THAT(instances, IsEmpty());
}

TEST(AwsParseInstances, AStringWhereABoolIsExpectedIsAnError) {
  std::vector<AwsInstance> instances;
  EXPECT_THAT(
      parse_db_instances(R"({"DBInstances": [{"PubliclyAccessible": "yes"}]})", instances, nullptr),
      Optional(std::string("unexpected output: PubliclyAccessible is not true or false")));
}

TEST(AwsParseInstances, AnEndpointPortOutOfRangeIsAnError) {
  std::vector<AwsInstance> instances;
  EXPECT_THAT(
      parse_db_instances(R"({"DBInstances": [{"Endpoint": {"Address": "h", "Port": 70000}}]})",
                         instances, nullptr),
      Optional(std::string("unexpected output: Port is not an integer from 0 to 65535")));
}

TEST(AwsParseInstances, ANumberWhereAStringIsExpectedIsAnError) {
  std::vector<AwsInstance> instances;
  EXPECT_THAT(parse_db_instances(R"({"DBInstances": [{"VpcSecurityGroups": )"
                                 R"([{"VpcSecurityGroupId": 42, "Status": "active"}]}]})",
                                 instances, nullptr),
              Optional(std::string("unexpected output: VpcSecurityGroupId is not a string")));
  EXPECT_THAT(
      parse_db_instances(R"({"DBInstances": [{"DBSubnetGroup": "default"}]})", instances, nullptr),
      Optional(std::string("unexpected output: expected an object")));
}

TEST(AwsParseInstances, AnArrayOrNotJsonIsAnError) {
  std::vector<AwsInstance> instances;
  EXPECT_THAT(parse_db_instances("[]", instances, nullptr),
              Optional(std::string("unexpected output: expected an object")));
  EXPECT_THAT(parse_db_instances("DBInstances", instances, nullptr),
              Optional(std::string("the output is not JSON")));
}

// --- rds describe-db-cluster-parameters

constexpr const char* kDescribeClusterParameters = R"json({
    "Parameters": [
        {
            "ParameterName": "max_replication_slots",
            "ParameterValue": "20",
            "Description": "Sets the maximum number of replication slots that the server can support.",
            "Source": "user",
            "ApplyType": "static",
            "DataType": "integer",
            "AllowedValues": "5-8388607",
            "IsModifiable": true,
            "ApplyMethod": "pending-reboot",
            "SupportedEngineModes": ["provisioned"]
        },
        {
            "ParameterName": "rds.logical_replication",
            "ParameterValue": "1",
            "Description": "Enables logical decoding.",
            "Source": "user",
            "ApplyType": "static",
            "DataType": "boolean",
            "AllowedValues": "0,1",
            "IsModifiable": true,
            "ApplyMethod": "pending-reboot",
            "SupportedEngineModes": ["provisioned"]
        },
        {
            "ParameterName": "rds.force_ssl",
            "ParameterValue": "1",
            "Description": "Force SSL connections.",
            "Source": "system",
            "ApplyType": "dynamic",
            "DataType": "boolean",
            "AllowedValues": "0,1",
            "IsModifiable": true,
            "ApplyMethod": "pending-reboot",
            "SupportedEngineModes": ["provisioned"]
        },
        {
            "ParameterName": "wal_sender_timeout",
            "Description": "Sets the maximum time to wait for WAL replication.",
            "Source": "engine-default",
            "ApplyType": "dynamic",
            "DataType": "integer",
            "AllowedValues": "0-3600000",
            "IsModifiable": true,
            "ApplyMethod": "pending-reboot",
            "SupportedEngineModes": ["provisioned"]
        }
    ]
}
)json";

TEST(AwsParseParameters, KeepsTheCheckedParametersOnly) {
  std::vector<AwsParameter> parameters;
  ASSERT_EQ(parse_cluster_parameters(kDescribeClusterParameters, parameters), std::nullopt);
  ASSERT_EQ(parameters.size(), 3U);  // rds.force_ssl is dropped
  EXPECT_EQ(parameters[0].name, "max_replication_slots");
  EXPECT_THAT(parameters[0].value, Optional(std::string("20")));
  EXPECT_EQ(parameters[1].name, "rds.logical_replication");
  EXPECT_THAT(parameters[1].value, Optional(std::string("1")));
  EXPECT_EQ(parameters[1].source, "user");
  EXPECT_EQ(parameters[1].apply_type, "static");
}

TEST(AwsParseParameters, AnAbsentValueIsUnset) {
  std::vector<AwsParameter> parameters;
  ASSERT_EQ(parse_cluster_parameters(kDescribeClusterParameters, parameters), std::nullopt);
  ASSERT_EQ(parameters.at(2).name, "wal_sender_timeout");
  EXPECT_EQ(parameters[2].value, std::nullopt);
  EXPECT_EQ(parameters[2].source, "engine-default");
}

TEST(AwsParseParameters, AnEmptyValueIsAValue) {
  std::vector<AwsParameter> parameters;
  ASSERT_EQ(
      parse_cluster_parameters(
          R"({"Parameters": [{"ParameterName": "wal_sender_timeout", "ParameterValue": ""}]})",
          parameters),
      std::nullopt);
  EXPECT_THAT(parameters.at(0).value, Optional(std::string()));
}

TEST(AwsParseParameters, NoParametersIsAnEmptyList) {
  std::vector<AwsParameter> parameters(1);
  EXPECT_EQ(parse_cluster_parameters(R"({"Parameters": []})", parameters), std::nullopt);
  EXPECT_THAT(parameters, IsEmpty());
}

TEST(AwsParseParameters, ANumberForAValueIsAnError) {
  std::vector<AwsParameter> parameters;
  EXPECT_THAT(
      parse_cluster_parameters(R"({"Parameters": [{"ParameterName": "rds.logical_replication", )"
                               R"("ParameterValue": 1}]})",
                               parameters),
      Optional(std::string("unexpected output: ParameterValue is not a string")));
}

TEST(AwsParseParameters, AnUnknownParameterOfTheWrongTypeIsStillAnErrorInItsName) {
  std::vector<AwsParameter> parameters;
  EXPECT_THAT(parse_cluster_parameters(R"({"Parameters": [{"ParameterName": 7}]})", parameters),
              Optional(std::string("unexpected output: ParameterName is not a string")));
}

TEST(AwsParseParameters, AnArrayIsAnError) {
  std::vector<AwsParameter> parameters;
  EXPECT_THAT(parse_cluster_parameters(R"([{"ParameterName": "wal_sender_timeout"}])", parameters),
              Optional(std::string("unexpected output: expected an object")));
}

// --- ec2 describe-security-groups

constexpr const char* kDescribeSecurityGroups = R"json({
    "SecurityGroups": [
        {
            "Description": "ClickPipes to Aurora",
            "GroupName": "clickpipes-postgres",
            "IpPermissions": [
                {
                    "FromPort": 5432,
                    "IpProtocol": "tcp",
                    "IpRanges": [
                        {"CidrIp": "54.82.38.199/32", "Description": "ClickPipes us-east-1"},
                        {"CidrIp": "3.90.133.29/32"}
                    ],
                    "Ipv6Ranges": [{"CidrIpv6": "2600:1f18::/32", "Description": "v6"}],
                    "PrefixListIds": [{"PrefixListId": "pl-0a1b2c3d4e5f67890"}],
                    "ToPort": 5432,
                    "UserIdGroupPairs": [
                        {"Description": "app servers", "GroupId": "sg-0fedcba9876543210",
                         "UserId": "123456789012"}
                    ]
                },
                {
                    "IpProtocol": "-1",
                    "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": []
                },
                {
                    "FromPort": -1,
                    "IpProtocol": "icmp",
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "ToPort": -1,
                    "UserIdGroupPairs": []
                }
            ],
            "OwnerId": "123456789012",
            "GroupId": "sg-0123456789abcdef0",
            "IpPermissionsEgress": [
                {
                    "IpProtocol": "-1",
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": []
                }
            ],
            "Tags": [{"Key": "Name", "Value": "clickpipes-postgres"}],
            "VpcId": "vpc-0a1b2c3d4e5f67890"
        },
        {
            "Description": "default VPC security group",
            "GroupName": "default",
            "IpPermissions": [],
            "OwnerId": "123456789012",
            "GroupId": "sg-0aaaaaaaaaaaaaaaa",
            "IpPermissionsEgress": [],
            "VpcId": "vpc-0a1b2c3d4e5f67890"
        }
    ]
}
)json";

TEST(AwsParseSecurityGroups, ReadsEveryInboundRule) {
  std::vector<AwsSecurityGroup> groups;
  ASSERT_EQ(parse_security_groups(kDescribeSecurityGroups, groups), std::nullopt);
  ASSERT_EQ(groups.size(), 2U);
  const AwsSecurityGroup& group = groups[0];
  EXPECT_EQ(group.id, "sg-0123456789abcdef0");
  EXPECT_EQ(group.name, "clickpipes-postgres");
  EXPECT_EQ(group.vpc_id, "vpc-0a1b2c3d4e5f67890");
  ASSERT_EQ(group.ingress.size(), 3U);  // the egress rules are not read
  const AwsIngressRule& postgres = group.ingress[0];
  EXPECT_EQ(postgres.protocol, "tcp");
  EXPECT_EQ(postgres.from_port, 5432);
  EXPECT_EQ(postgres.to_port, 5432);
  EXPECT_THAT(postgres.ipv4_ranges, ElementsAre("54.82.38.199/32", "3.90.133.29/32"));
  EXPECT_THAT(postgres.ipv6_ranges, ElementsAre("2600:1f18::/32"));
  EXPECT_THAT(postgres.prefix_lists, ElementsAre("pl-0a1b2c3d4e5f67890"));
  EXPECT_THAT(postgres.groups, ElementsAre("sg-0fedcba9876543210"));
}

TEST(AwsParseSecurityGroups, AllTrafficHasNoPorts) {
  std::vector<AwsSecurityGroup> groups;
  ASSERT_EQ(parse_security_groups(kDescribeSecurityGroups, groups), std::nullopt);
  const AwsIngressRule& all = groups.at(0).ingress.at(1);
  EXPECT_EQ(all.protocol, "-1");
  EXPECT_EQ(all.from_port, -1);
  EXPECT_EQ(all.to_port, -1);
  EXPECT_THAT(all.ipv4_ranges, ElementsAre("10.0.0.0/16"));
  const AwsIngressRule& icmp = groups.at(0).ingress.at(2);
  EXPECT_EQ(icmp.protocol, "icmp");
  EXPECT_EQ(icmp.from_port, -1);
}

TEST(AwsParseSecurityGroups, AGroupWithoutRulesHasNone) {
  std::vector<AwsSecurityGroup> groups;
  ASSERT_EQ(parse_security_groups(kDescribeSecurityGroups, groups), std::nullopt);
  EXPECT_EQ(groups.at(1).id, "sg-0aaaaaaaaaaaaaaaa");
  EXPECT_THAT(groups.at(1).ingress, IsEmpty());
}

TEST(AwsParseSecurityGroups, ARangeWithoutItsAddressIsLeftOut) {
  std::vector<AwsSecurityGroup> groups;
  ASSERT_EQ(
      parse_security_groups(R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": )"
                            R"([{"IpProtocol": "tcp", "IpRanges": [{"Description": "x"}]}]}]})",
                            groups),
      std::nullopt);
  EXPECT_THAT(groups.at(0).ingress.at(0).ipv4_ranges, IsEmpty());
}

TEST(AwsParseSecurityGroups, APortOutOfRangeIsAnError) {
  std::vector<AwsSecurityGroup> groups;
  for (const char* port : {"-2", "65536", "5432.0", "\"5432\""}) {
    SCOPED_TRACE(port);
    EXPECT_THAT(
        parse_security_groups(std::string(R"({"SecurityGroups": [{"IpPermissions": )") +
                                  R"([{"IpProtocol": "tcp", "FromPort": )" + port + "}]}]}",
                              groups),
        Optional(std::string("unexpected output: FromPort is not an integer from -1 to 65535")));
  }
}

TEST(AwsParseSecurityGroups, ANumberForTheProtocolIsAnError) {
  std::vector<AwsSecurityGroup> groups;
  EXPECT_THAT(parse_security_groups(
                  R"({"SecurityGroups": [{"IpPermissions": [{"IpProtocol": 6}]}]})", groups),
              Optional(std::string("unexpected output: IpProtocol is not a string")));
}

TEST(AwsParseSecurityGroups, RangesThatAreNotAListAreAnError) {
  std::vector<AwsSecurityGroup> groups;
  EXPECT_THAT(parse_security_groups(R"({"SecurityGroups": [{"IpPermissions": )"
                                    R"([{"IpRanges": "0.0.0.0/0"}]}]})",
                                    groups),
              Optional(std::string("unexpected output: IpRanges is not a list")));
}

TEST(AwsParseSecurityGroups, NoGroupsIsAnEmptyList) {
  std::vector<AwsSecurityGroup> groups(1);
  EXPECT_EQ(parse_security_groups(R"({"SecurityGroups": []})", groups), std::nullopt);
  EXPECT_THAT(groups, IsEmpty());
}

// --- rds describe-global-clusters

constexpr const char* kDescribeGlobalClusters = R"json({
    "GlobalClusters": [
        {
            "GlobalClusterIdentifier": "otherglobal",
            "GlobalClusterResourceId": "cluster-0123456789abcdef0",
            "GlobalClusterArn": "arn:aws:rds::123456789012:global-cluster:otherglobal",
            "Status": "available",
            "Engine": "aurora-postgresql",
            "EngineVersion": "14.9",
            "StorageEncrypted": true,
            "DeletionProtection": false,
            "GlobalClusterMembers": [
                {
                    "DBClusterArn": "arn:aws:rds:eu-west-1:123456789012:cluster:other",
                    "Readers": [],
                    "IsWriter": true,
                    "GlobalWriteForwardingStatus": "disabled"
                }
            ]
        },
        {
            "GlobalClusterIdentifier": "myglobal",
            "GlobalClusterResourceId": "cluster-0fedcba9876543210",
            "GlobalClusterArn": "arn:aws:rds::123456789012:global-cluster:myglobal",
            "Status": "available",
            "Engine": "aurora-postgresql",
            "EngineVersion": "15.4",
            "DatabaseName": "app",
            "StorageEncrypted": true,
            "DeletionProtection": true,
            "GlobalClusterMembers": [
                {
                    "DBClusterArn": "arn:aws:rds:us-west-2:123456789012:cluster:mydb-primary",
                    "Readers": ["arn:aws:rds:us-east-1:123456789012:cluster:mydb"],
                    "IsWriter": true,
                    "GlobalWriteForwardingStatus": "disabled",
                    "SynchronizationStatus": "connected"
                },
                {
                    "DBClusterArn": "arn:aws:rds:us-east-1:123456789012:cluster:mydb",
                    "Readers": [],
                    "IsWriter": false,
                    "GlobalWriteForwardingStatus": "disabled",
                    "SynchronizationStatus": "connected"
                }
            ],
            "Endpoint": "myglobal.global-abc123.global.rds.amazonaws.com"
        }
    ]
}
)json";

TEST(AwsParseGlobalClusters, FindsTheOneHoldingTheCluster) {
  std::optional<AwsGlobalCluster> global;
  ASSERT_EQ(parse_global_clusters(kDescribeGlobalClusters,
                                  "arn:aws:rds:us-east-1:123456789012:cluster:mydb", global),
            std::nullopt);
  ASSERT_TRUE(global.has_value());
  EXPECT_EQ(global->identifier, "myglobal");
  EXPECT_EQ(global->writer_arn, "arn:aws:rds:us-west-2:123456789012:cluster:mydb-primary");
  EXPECT_THAT(global->member_arns,
              ElementsAre("arn:aws:rds:us-west-2:123456789012:cluster:mydb-primary",
                          "arn:aws:rds:us-east-1:123456789012:cluster:mydb"));
}

TEST(AwsParseGlobalClusters, AClusterOfNoGlobalDatabaseHasNone) {
  std::optional<AwsGlobalCluster> global = AwsGlobalCluster{};
  ASSERT_EQ(parse_global_clusters(kDescribeGlobalClusters,
                                  "arn:aws:rds:us-east-1:123456789012:cluster:lonely", global),
            std::nullopt);
  EXPECT_EQ(global, std::nullopt);
}

TEST(AwsParseGlobalClusters, WithoutAnArnTheFirstIsTaken) {
  std::optional<AwsGlobalCluster> global;
  ASSERT_EQ(parse_global_clusters(kDescribeGlobalClusters, "", global), std::nullopt);
  ASSERT_TRUE(global.has_value());
  EXPECT_EQ(global->identifier, "otherglobal");
  EXPECT_EQ(global->writer_arn, "arn:aws:rds:eu-west-1:123456789012:cluster:other");
}

TEST(AwsParseGlobalClusters, NoGlobalDatabasesIsNone) {
  std::optional<AwsGlobalCluster> global;
  EXPECT_EQ(parse_global_clusters(R"({"GlobalClusters": []})", "", global), std::nullopt);
  EXPECT_EQ(global, std::nullopt);
}

TEST(AwsParseGlobalClusters, AStringForIsWriterIsAnError) {
  std::optional<AwsGlobalCluster> global;
  EXPECT_THAT(parse_global_clusters(R"({"GlobalClusters": [{"GlobalClusterMembers": )"
                                    R"([{"DBClusterArn": "a", "IsWriter": "false"}]}]})",
                                    "a", global),
              Optional(std::string("unexpected output: IsWriter is not true or false")));
}

TEST(AwsParseGlobalClusters, AnArrayIsAnError) {
  std::optional<AwsGlobalCluster> global;
  EXPECT_THAT(parse_global_clusters("[]", "", global),
              Optional(std::string("unexpected output: expected an object")));
}

// --- cluster ARNs

TEST(AwsClusterArn, ReadsTheRegionAndTheIdentifier) {
  const auto arn = parse_cluster_arn("arn:aws:rds:us-east-1:123456789012:cluster:mydb");
  ASSERT_TRUE(arn.has_value());
  EXPECT_EQ(arn->region, "us-east-1");
  EXPECT_EQ(arn->identifier, "mydb");
}

TEST(AwsClusterArn, ReadsOtherPartitions) {
  const auto china = parse_cluster_arn("arn:aws-cn:rds:cn-north-1:123456789012:cluster:mydb");
  ASSERT_TRUE(china.has_value());
  EXPECT_EQ(china->region, "cn-north-1");
  EXPECT_EQ(china->identifier, "mydb");
  const auto gov = parse_cluster_arn("arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster:db-1");
  ASSERT_TRUE(gov.has_value());
  EXPECT_EQ(gov->region, "us-gov-west-1");
}

TEST(AwsClusterArn, RejectsWhatIsNotAClusterArn) {
  for (const char* text : {
           "arn:aws:rds:us-east-1:123456789012:db:mydb-instance-1",          // an instance
           "arn:aws:rds::123456789012:global-cluster:myglobal",              // a Global Database
           "arn:aws:rds:us-east-1:123456789012:cluster-pg:cdc-aurora-pg15",  // a parameter group
           "arn:aws:ec2:us-east-1:123456789012:cluster:mydb",                // not RDS
           "arn:aws:rds:us-east-1:123456789012:cluster:",                    // no identifier
           "arn:aws:rds::123456789012:cluster:mydb",                         // no region
           "arn:aws:rds:us-east-1:123456789012:cluster:mydb:extra",          // a colon in the id
           "arn:aws:rds:us-east-1:123456789012",                             // missing parts
           "arn:aws:rds:us-east-1",
           "rna:aws:rds:us-east-1:123456789012:cluster:mydb",
           "mydb",
           "",
       }) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_cluster_arn(text), std::nullopt);
  }
}

// --- the ClickPipes static IP list

TEST(ClickPipesIpList, ReadsRegionsAndAddresses) {
  ClickPipesIps ips;
  ASSERT_EQ(parse_clickpipes_ips(R"({"read_on": "2026-08-05",
      "source": "https://clickhouse.com/docs/integrations/clickpipes/networking/static-ips",
      "aws": [{"region": "us-east-1", "clickpipes_egress_ips": ["54.82.38.199", "3.90.133.29"]},
              {"region": "eu-west-1", "clickpipes_egress_ips": ["54.228.1.92"]}]})",
                                 ips),
            std::nullopt);
  EXPECT_EQ(ips.read_on, "2026-08-05");
  EXPECT_EQ(ips.url, "https://clickhouse.com/docs/integrations/clickpipes/networking/static-ips");
  ASSERT_EQ(ips.regions.size(), 2U);
  EXPECT_EQ(ips.regions[0].region, "us-east-1");
  EXPECT_THAT(ips.regions[0].egress_ips, ElementsAre("54.82.38.199", "3.90.133.29"));
  EXPECT_EQ(ips.regions[1].region, "eu-west-1");
}

// ClickHouse's static-ips.json has more than we read: other clouds, other
// lists of each region.
TEST(ClickPipesIpList, IgnoresExtraKeys) {
  ClickPipesIps ips;
  ASSERT_EQ(parse_clickpipes_ips(R"({"aws": [{"region": "us-east-1",
      "egress_ips": ["1.1.1.1"], "ingress_ips": ["2.2.2.2"], "s3_endpoints": ["vpce-1"],
      "clickpipes_egress_ips": ["54.82.38.199"]}],
      "gcp": [{"region": "us-east1", "clickpipes_egress_ips": ["34.24.134.232"]}],
      "azure": [], "provenance": "copied"})",
                                 ips),
            std::nullopt);
  ASSERT_EQ(ips.regions.size(), 1U);
  EXPECT_THAT(ips.regions[0].egress_ips, ElementsAre("54.82.38.199"));
}

TEST(ClickPipesIpList, ARegionWithoutAddressesIsLeftOut) {
  ClickPipesIps ips;
  ASSERT_EQ(parse_clickpipes_ips(R"({"aws": [{"region": "us-east-1", "egress_ips": ["1.1.1.1"]},
      {"region": "eu-west-1", "clickpipes_egress_ips": ["54.228.1.92"]}]})",
                                 ips),
            std::nullopt);
  ASSERT_EQ(ips.regions.size(), 1U);
  EXPECT_EQ(ips.regions[0].region, "eu-west-1");
}

TEST(ClickPipesIpList, AnAddressThatIsNotIpv4IsAnError) {
  for (const char* address : {"\"not-an-ip\"", "\"2600:1f18:4a2:1100::/56\"", "\"2600:1f18::1\"",
                              "\"54.82.38.199/32\"", "\"54.82.38\"", "\"54.82.38.256\"", "42"}) {
    SCOPED_TRACE(address);
    ClickPipesIps ips;
    const auto error = parse_clickpipes_ips(
        std::string(R"({"aws": [{"region": "us-east-1", "clickpipes_egress_ips": [)") + address +
            "]}]}",
        ips);
    EXPECT_THAT(error,
                Optional(HasSubstr("a ClickPipes address of us-east-1 is not an IPv4 address")));
    EXPECT_THAT(ips.regions, IsEmpty());
  }
}

TEST(ClickPipesIpList, NoRegionIsAnError) {
  for (const char* text : {R"({"aws": []})", "{}", R"({"gcp": [{"region": "us-east1",
      "clickpipes_egress_ips": ["34.24.134.232"]}]})"}) {
    SCOPED_TRACE(text);
    ClickPipesIps ips;
    EXPECT_THAT(parse_clickpipes_ips(text, ips),
                Optional(HasSubstr("no \"aws\" region lists clickpipes_egress_ips")));
  }
}

TEST(ClickPipesIpList, ARegionWithoutANameIsAnError) {
  for (const char* entry : {R"({"clickpipes_egress_ips": ["54.82.38.199"]})",
                            R"({"region": "", "clickpipes_egress_ips": ["54.82.38.199"]})"}) {
    SCOPED_TRACE(entry);
    ClickPipesIps ips;
    EXPECT_THAT(parse_clickpipes_ips(std::string(R"({"aws": [)") + entry + "]}", ips),
                Optional(HasSubstr("an entry of \"aws\" has no region")));
  }
}

TEST(ClickPipesIpList, NotJsonOrAnArrayIsAnError) {
  ClickPipesIps ips;
  EXPECT_THAT(parse_clickpipes_ips("aws: us-east-1", ips),
              Optional(std::string("the output is not JSON")));
  EXPECT_THAT(parse_clickpipes_ips(R"([{"region": "us-east-1"}])", ips),
              Optional(std::string("unexpected output: expected an object")));
}

// inet_pton reads a C string: an address holding a NUL ("\u0000" in JSON)
// must not be read up to it (and kept, NUL and all, for a snapshot to refuse).
TEST(ClickPipesIpList, AnAddressHoldingANulIsAnError) {
  ClickPipesIps ips;
  EXPECT_THAT(
      parse_clickpipes_ips(
          R"({"aws": [{"region": "us-east-1", "clickpipes_egress_ips": ["54.82.38.199\u0000junk"]}]})",
          ips),
      Optional(HasSubstr("is not an IPv4 address")));
}

// A list that does not parse leaves the one held as it was.
TEST(ClickPipesIpList, AnErrorLeavesTheListUnchanged) {
  ClickPipesIps ips;
  ips.source = "kept";
  ips.regions = {{"us-east-1", {"54.82.38.199"}}};
  ASSERT_TRUE(parse_clickpipes_ips(R"({"aws": [{"region": ""}]})", ips).has_value());
  EXPECT_EQ(ips.source, "kept");
  ASSERT_EQ(ips.regions.size(), 1U);
}

bool is_ipv4(const std::string& address) {
  in_addr parsed{};
  return inet_pton(AF_INET, address.c_str(), &parsed) == 1;
}

// data/clickpipes-static-ips.json is compiled in: the tool's list is that file.
TEST(ClickPipesIpList, TheShippedFileParses) {
  std::ifstream file(std::string(CDCP_SOURCE_DIR) + "/data/clickpipes-static-ips.json");
  ASSERT_TRUE(file) << "data/clickpipes-static-ips.json";
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  ClickPipesIps ips;
  EXPECT_EQ(parse_clickpipes_ips(text, ips), std::nullopt);
  EXPECT_EQ(ips.regions.size(), builtin_clickpipes_ips().regions.size());
}

TEST(ClickPipesIpList, TheBuiltInListHasUsEast1AndAReadOnDate) {
  const ClickPipesIps& ips = builtin_clickpipes_ips();
  EXPECT_EQ(ips.source, "built in");
  ASSERT_FALSE(ips.regions.empty());
  EXPECT_TRUE(std::regex_match(ips.read_on, std::regex(R"(\d{4}-\d{2}-\d{2})"))) << ips.read_on;
  EXPECT_THAT(ips.url, HasSubstr("https://"));
  const auto us_east_1 =
      std::find_if(ips.regions.begin(), ips.regions.end(),
                   [](const ClickPipesRegion& r) { return r.region == "us-east-1"; });
  ASSERT_NE(us_east_1, ips.regions.end());
  EXPECT_THAT(us_east_1->egress_ips, Not(IsEmpty()));
}

TEST(ClickPipesIpList, EveryBuiltInAddressIsIpv4AndEveryRegionNamedOnce) {
  const ClickPipesIps& ips = builtin_clickpipes_ips();
  for (const ClickPipesRegion& region : ips.regions) {
    SCOPED_TRACE(region.region);
    EXPECT_TRUE(std::regex_match(region.region, std::regex(R"([a-z]{2}(-[a-z]+)+-\d)")));
    EXPECT_EQ(std::count_if(ips.regions.begin(), ips.regions.end(),
                            [&](const ClickPipesRegion& r) { return r.region == region.region; }),
              1);
    EXPECT_THAT(region.egress_ips, Not(IsEmpty()));
    for (const std::string& address : region.egress_ips) {
      EXPECT_TRUE(is_ipv4(address)) << address;
      EXPECT_EQ(std::count(region.egress_ips.begin(), region.egress_ips.end(), address), 1)
          << address << " twice";
    }
  }
}

// --- cidr_contains

TEST(CidrContains, ASlash32HoldsItsAddressOnly) {
  EXPECT_TRUE(cidr_contains("54.82.38.199/32", "54.82.38.199"));
  EXPECT_FALSE(cidr_contains("54.82.38.199/32", "54.82.38.198"));
  EXPECT_FALSE(cidr_contains("54.82.38.199/32", "54.82.38.200"));
}

TEST(CidrContains, AnAddressWithoutPrefixIsASlash32) {
  EXPECT_TRUE(cidr_contains("54.82.38.199", "54.82.38.199"));
  EXPECT_FALSE(cidr_contains("54.82.38.199", "54.82.38.198"));
}

TEST(CidrContains, ASlash0HoldsEveryAddress) {
  for (const char* ip : {"0.0.0.0", "54.82.38.199", "255.255.255.255"}) {
    EXPECT_TRUE(cidr_contains("0.0.0.0/0", ip)) << ip;
  }
}

TEST(CidrContains, ASlash16HoldsItsRangeToItsBoundaries) {
  EXPECT_TRUE(cidr_contains("10.1.0.0/16", "10.1.0.0"));
  EXPECT_TRUE(cidr_contains("10.1.0.0/16", "10.1.255.255"));
  EXPECT_FALSE(cidr_contains("10.1.0.0/16", "10.0.255.255"));
  EXPECT_FALSE(cidr_contains("10.1.0.0/16", "10.2.0.0"));
  // Host bits set in the range (as EC2 never stores, but a file might say).
  EXPECT_TRUE(cidr_contains("10.1.2.3/16", "10.1.200.1"));
}

TEST(CidrContains, OddPrefixLengths) {
  EXPECT_TRUE(cidr_contains("54.82.38.198/31", "54.82.38.199"));
  EXPECT_FALSE(cidr_contains("54.82.38.196/31", "54.82.38.199"));
  EXPECT_TRUE(cidr_contains("128.0.0.0/1", "255.0.0.1"));
  EXPECT_FALSE(cidr_contains("128.0.0.0/1", "127.255.255.255"));
}

TEST(CidrContains, ABadPrefixHoldsNothing) {
  for (const char* cidr :
       {"10.1.0.0/33", "10.1.0.0/-1", "10.1.0.0/", "10.1.0.0/abc", "10.1.0.0/16 ", "10.1.0.0/+16",
        "10.1.0.0/16/8", "10.1.0.0/999999999999"}) {
    EXPECT_FALSE(cidr_contains(cidr, "10.1.0.1")) << cidr;
  }
}

TEST(CidrContains, GarbageHoldsNothing) {
  EXPECT_FALSE(cidr_contains("", "10.1.0.1"));
  EXPECT_FALSE(cidr_contains("garbage", "10.1.0.1"));
  EXPECT_FALSE(cidr_contains("/0", "10.1.0.1"));
  EXPECT_FALSE(cidr_contains("10.1.0/16", "10.1.0.1"));
  EXPECT_FALSE(cidr_contains("0.0.0.0/0", ""));
  EXPECT_FALSE(cidr_contains("0.0.0.0/0", "garbage"));
  EXPECT_FALSE(cidr_contains("0.0.0.0/0", "10.1.0.1/32"));
  EXPECT_FALSE(cidr_contains("::/0", "10.1.0.1"));
  EXPECT_FALSE(cidr_contains("0.0.0.0/0", "2600:1f18::1"));
}

// The same for a range or an address given to cidr_contains.
TEST(CidrContains, ARangeOrAnAddressHoldingANulHoldsNothing) {
  EXPECT_FALSE(cidr_contains(std::string("10.1.0.0\0junk/16", 16), "10.1.0.1"));
  EXPECT_FALSE(cidr_contains("10.1.0.0/16", std::string("10.1.0.1\0junk", 13)));
}

// --- classify_aws_failure, over what the AWS CLI writes on stderr

ProcessResult failed_with(std::string err, int exit_code = 254) {
  ProcessResult result;
  result.started = true;
  result.exit_code = exit_code;
  result.err = std::move(err);
  return result;
}

AwsError classified(std::string err, int exit_code = 254) {
  return classify_aws_failure("rds describe-db-clusters", failed_with(std::move(err), exit_code),
                              30);
}

TEST(AwsFailureClassification, AccessDenied) {
  const AwsError error = classified(
      "\nAn error occurred (AccessDenied) when calling the DescribeDBClusters operation: User: "
      "arn:aws:iam::123456789012:user/ci is not authorized to perform: rds:DescribeDBClusters on "
      "resource: arn:aws:rds:us-east-1:123456789012:cluster:* because no identity-based policy "
      "allows the rds:DescribeDBClusters action\n");
  EXPECT_EQ(error.failure, AwsFailure::access_denied);
  EXPECT_EQ(error.call, "rds describe-db-clusters");
  EXPECT_THAT(error.message,
              HasSubstr("aws rds describe-db-clusters: An error occurred (AccessDenied) when "
                        "calling the DescribeDBClusters operation: User: "));
  EXPECT_THAT(error.message, Not(HasSubstr("\n")));
}

TEST(AwsFailureClassification, Ec2UnauthorizedOperationIsAccessDenied) {
  const AwsError error = classify_aws_failure(
      "ec2 describe-security-groups",
      failed_with("\nAn error occurred (UnauthorizedOperation) when calling the "
                  "DescribeSecurityGroups operation: You are not authorized to perform this "
                  "operation. User: arn:aws:iam::123456789012:user/ci is not authorized to "
                  "perform: ec2:DescribeSecurityGroups because no identity-based policy allows "
                  "the ec2:DescribeSecurityGroups action\n"),
      30);
  EXPECT_EQ(error.failure, AwsFailure::access_denied);
}

TEST(AwsFailureClassification, ThrottlingAfterTheRetries) {
  const AwsError error = classified(
      "\nAn error occurred (Throttling) when calling the DescribeDBClusters operation "
      "(reached max retries: 2): Rate exceeded\n");
  EXPECT_EQ(error.failure, AwsFailure::throttled);
  EXPECT_THAT(error.message, HasSubstr("Rate exceeded"));
}

TEST(AwsFailureClassification, ClusterNotFound) {
  const AwsError error = classified(
      "\nAn error occurred (DBClusterNotFoundFault) when calling the DescribeDBClusters "
      "operation: DBCluster mydb not found.\n");
  EXPECT_EQ(error.failure, AwsFailure::not_found);
}

TEST(AwsFailureClassification, BadOrExpiredKeysAreCredentials) {
  EXPECT_EQ(classified("\nAn error occurred (InvalidClientTokenId) when calling the "
                       "DescribeDBClusters operation: The security token included in the request "
                       "is invalid.\n")
                .failure,
            AwsFailure::credentials);
  EXPECT_EQ(classified("\nAn error occurred (ExpiredToken) when calling the DescribeDBClusters "
                       "operation: The security token included in the request is expired\n")
                .failure,
            AwsFailure::credentials);
  EXPECT_EQ(classified("\nAn error occurred (SignatureDoesNotMatch) when calling the "
                       "DescribeDBClusters operation: The request signature we calculated does "
                       "not match the signature you provided.\n")
                .failure,
            AwsFailure::credentials);
}

TEST(AwsFailureClassification, NoCredentials) {
  const AwsError error = classified(
      "\nUnable to locate credentials. You can configure credentials by running \"aws "
      "configure\".\n",
      253);
  EXPECT_EQ(error.failure, AwsFailure::credentials);
  EXPECT_EQ(error.message,
            "aws rds describe-db-clusters: Unable to locate credentials. You can configure "
            "credentials by running \"aws configure\".");
}

TEST(AwsFailureClassification, AnExpiredSsoSession) {
  EXPECT_EQ(classified("\nError when retrieving token from sso: Token has expired and refresh "
                       "failed\n",
                       255)
                .failure,
            AwsFailure::credentials);
}

TEST(AwsFailureClassification, AMissingProfile) {
  EXPECT_EQ(classified("\nThe config profile (prod) could not be found\n", 255).failure,
            AwsFailure::credentials);
}

TEST(AwsFailureClassification, AnUnreachableEndpoint) {
  const AwsError error =
      classified("\nCould not connect to the endpoint URL: \"http://127.0.0.1:1/\"\n", 255);
  EXPECT_EQ(error.failure, AwsFailure::endpoint);
  EXPECT_EQ(error.message,
            "aws rds describe-db-clusters: Could not connect to the endpoint URL: "
            "\"http://127.0.0.1:1/\"");
}

TEST(AwsFailureClassification, AnUnknownCodeIsOther) {
  EXPECT_EQ(classified("\nAn error occurred (InternalFailure) when calling the DescribeDBClusters "
                       "operation: An internal error has occurred.\n")
                .failure,
            AwsFailure::other);
  EXPECT_EQ(classified("\nAn error occurred (Throttling when calling\n").failure,
            AwsFailure::other);
}

// botocore's error line is the cause, whatever else the CLI wrote around it.
TEST(AwsFailureClassification, TheErrorLineIsChosenAmongOthers) {
  const AwsError error = classified(
      "/usr/lib/python3/dist-packages/botocore/x.py:12: DeprecationWarning: datetime\n"
      "\nAn error occurred (AccessDenied) when calling the DescribeDBClusters operation: no\n"
      "\nsome trailing note\n");
  EXPECT_EQ(error.failure, AwsFailure::access_denied);
  EXPECT_THAT(error.message, HasSubstr("(AccessDenied)"));
  EXPECT_THAT(error.message, Not(HasSubstr("DeprecationWarning")));
}

TEST(AwsFailureClassification, NoAwsCliOnPathIsNoCliWithAnInstallHint) {
  ProcessResult result;
  result.started = false;
  result.spawn_error = ENOENT;
  const AwsError error = classify_aws_failure("rds describe-db-clusters", result, 30);
  EXPECT_EQ(error.failure, AwsFailure::no_cli);
  EXPECT_THAT(error.message, HasSubstr("not on PATH"));
  EXPECT_THAT(error.message, HasSubstr("install AWS CLI v2"));
  EXPECT_THAT(error.message, HasSubstr("https://docs.aws.amazon.com/cli/latest/userguide/"
                                       "getting-started-install.html"));
}

TEST(AwsFailureClassification, AnAwsCliThatCannotRunIsNoCliWithTheReason) {
  ProcessResult result;
  result.started = false;
  result.spawn_error = EACCES;
  const AwsError error = classify_aws_failure("rds describe-db-clusters", result, 30);
  EXPECT_EQ(error.failure, AwsFailure::no_cli);
  EXPECT_THAT(error.message, HasSubstr("could not run the AWS CLI (aws): Permission denied"));
}

TEST(AwsFailureClassification, ATimeoutNamesAwsTimeout) {
  ProcessResult result;
  result.started = true;
  result.timed_out = true;
  result.err = "partial\n";
  const AwsError error = classify_aws_failure("rds describe-db-clusters", result, 12);
  EXPECT_EQ(error.failure, AwsFailure::timeout);
  EXPECT_EQ(error.message,
            "aws rds describe-db-clusters gave no answer within 12 s (--aws-timeout)");
}

TEST(AwsFailureClassification, SilenceSaysTheExitStatus) {
  const AwsError error = classified("\n\n", 255);
  EXPECT_EQ(error.failure, AwsFailure::other);
  EXPECT_EQ(error.message, "aws rds describe-db-clusters exited with status 255 and said nothing");
}

TEST(AwsFailureClassification, AHugeStderrIsCutToOneShortLine) {
  const AwsError error = classified(
      "\nAn error occurred (AccessDenied) when calling the DescribeDBClusters operation: " +
      std::string(100000, 'x') + "\n" + std::string(1000, '\n'));
  EXPECT_EQ(error.failure, AwsFailure::access_denied);
  EXPECT_LE(error.message.size(), 400U + std::string("…").size());
  EXPECT_GE(error.message.size(), 300U);
  EXPECT_THAT(error.message, ::testing::EndsWith("…"));
  EXPECT_THAT(error.message, Not(HasSubstr("\n")));
}

TEST(AwsFailureClassification, TheCutNeverSplitsACharacter) {
  // 2-byte characters from offset 65 ("aws rds describe-db-clusters: An error
  // occurred (AccessDenied): x"): byte 400 is the second byte of one.
  const AwsError error = classified("An error occurred (AccessDenied): x" + [] {
    std::string text;
    for (int i = 0; i < 400; ++i) text += "é";
    return text;
  }());
  ASSERT_THAT(error.message, ::testing::EndsWith("…"));
  const std::string kept = error.message.substr(0, error.message.size() - std::string("…").size());
  // The last kept character is whole: é is \xC3\xA9.
  ASSERT_GE(kept.size(), 2U);
  EXPECT_EQ(static_cast<unsigned char>(kept.back()), 0xA9);
  EXPECT_EQ(static_cast<unsigned char>(kept[kept.size() - 2]), 0xC3);
}

TEST(AwsFailureClassification, ControlCharactersAreShownEscaped) {
  const AwsError error =
      classified("An error occurred (AccessDenied): \x1b]52;c;cHduZWQ=\x07 and \r\x1b[2J\n");
  EXPECT_THAT(error.message, Not(HasSubstr("\x1b")));
  EXPECT_THAT(error.message, Not(HasSubstr("\x07")));
  EXPECT_THAT(error.message, Not(HasSubstr("\r")));
}

// Sets an environment variable for one test, and puts back what it was.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
    }
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(AwsFailureClassification, TheSecretAccessKeyIsNeverShown) {
  const char* secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const ScopedEnv env("AWS_SECRET_ACCESS_KEY", secret);
  const AwsError error =
      classified(std::string("\nAn error occurred (SignatureDoesNotMatch) when calling the "
                             "DescribeDBClusters operation: secret ") +
                 secret + " was used, twice: " + secret + "\n");
  EXPECT_EQ(error.failure, AwsFailure::credentials);
  EXPECT_THAT(error.message, Not(HasSubstr(secret)));
  EXPECT_THAT(error.message, HasSubstr("secret ******** was used, twice: ********"));
}

TEST(AwsFailureClassification, TheSessionTokenIsNeverShown) {
  const char* token =
      "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampletokenvalue1234567890";
  const ScopedEnv env("AWS_SESSION_TOKEN", token);
  const AwsError error =
      classified(std::string("\nPartial credentials found in env, token ") + token + "\n", 255);
  EXPECT_THAT(error.message, Not(HasSubstr(token)));
  EXPECT_THAT(error.message, HasSubstr("********"));
}

// --- aws_arguments

TEST(AwsArguments, JsonOutputAndTheTimeoutsByDefault) {
  EXPECT_THAT(
      aws_arguments(AwsOptions{},
                    {"rds", "describe-db-clusters", "--db-cluster-identifier", "mydb"}),
      ElementsAre("aws", "rds", "describe-db-clusters", "--db-cluster-identifier", "mydb",
                  "--output", "json", "--cli-connect-timeout", "10", "--cli-read-timeout", "30"));
}

TEST(AwsArguments, RegionProfileAndEndpointOnlyWhenSet) {
  AwsOptions options;
  options.region = "eu-west-1";
  options.profile = "prod";
  options.endpoint_url = "http://127.0.0.1:4566";
  options.timeout_seconds = 8;
  EXPECT_THAT(
      aws_arguments(options, {"ec2", "describe-security-groups"}),
      ElementsAre("aws", "ec2", "describe-security-groups", "--output", "json", "--region",
                  "eu-west-1", "--profile", "prod", "--endpoint-url", "http://127.0.0.1:4566",
                  "--cli-connect-timeout", "4", "--cli-read-timeout", "8"));
}

TEST(AwsArguments, OnlyTheRegion) {
  AwsOptions options;
  options.region = "us-east-1";
  const std::vector<std::string> args = aws_arguments(options, {"rds", "describe-global-clusters"});
  EXPECT_THAT(args, ::testing::Contains("--region"));
  EXPECT_THAT(args, Not(::testing::Contains("--profile")));
  EXPECT_THAT(args, Not(::testing::Contains("--endpoint-url")));
}

TEST(AwsArguments, TheTimeoutsStayAtLeastOneSecondAndConnectAtMostTen) {
  AwsOptions options;
  options.timeout_seconds = 0;
  EXPECT_THAT(aws_arguments(options, {"rds", "x"}),
              ElementsAre("aws", "rds", "x", "--output", "json", "--cli-connect-timeout", "1",
                          "--cli-read-timeout", "1"));
  options.timeout_seconds = 300;
  EXPECT_THAT(aws_arguments(options, {"rds", "x"}),
              ElementsAre("aws", "rds", "x", "--output", "json", "--cli-connect-timeout", "10",
                          "--cli-read-timeout", "300"));
}

}  // namespace
}  // namespace testing
}  // namespace cdcpreflight
