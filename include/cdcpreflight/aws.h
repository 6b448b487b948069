// The AWS control plane, as `--aws` reads it: the DB cluster, its parameter
// group, its instances and their security groups, read with the AWS CLI's
// read-only Describe calls, and the ClickPipes static IPs they are held against.
// Plain data, part of Facts (and of a snapshot: `collect --aws`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cdcpreflight {

// Why one AWS CLI call gave no answer, in one line.
enum class AwsFailure {
  none,
  no_cli,          // no `aws` on PATH
  credentials,     // no credentials, an expired SSO session or token
  access_denied,   // AccessDenied, UnauthorizedOperation
  throttled,       // Throttling, after the CLI's own retries
  not_found,       // the cluster, instance or group does not exist (in that region)
  timeout,         // no answer within --aws-timeout
  endpoint,        // the endpoint could not be reached
  invalid_output,  // the CLI's output is not what the Describe call returns
  other,
};

struct AwsError {
  AwsFailure failure = AwsFailure::none;
  std::string call;     // e.g. "rds describe-db-clusters"
  std::string message;  // one line, printable, secret-free
};

struct AwsClusterMember {
  std::string instance;                // DBInstanceIdentifier
  bool writer = false;                 // IsClusterWriter
  std::string parameter_group_status;  // DBClusterParameterGroupStatus: in-sync, pending-reboot, …
};

// DescribeDBClusters: one DBCluster.
struct AwsCluster {
  std::string identifier;  // DBClusterIdentifier
  std::string arn;         // DBClusterArn
  std::string engine;      // aurora-postgresql, …
  std::string engine_version;
  std::string engine_mode;  // provisioned (Serverless v2 too), serverless (v1), global, …
  std::string status;       // available, …
  std::string endpoint;     // the cluster (writer) endpoint
  std::string reader_endpoint;
  std::vector<std::string> custom_endpoints;
  int port = 0;
  std::string parameter_group;                    // DBClusterParameterGroup
  std::optional<double> serverless_min_capacity;  // ServerlessV2ScalingConfiguration
  std::optional<double> serverless_max_capacity;
  std::vector<AwsClusterMember> members;
};

// DescribeDBInstances: one DBInstance of the cluster.
struct AwsInstance {
  std::string identifier;
  std::string status;  // DBInstanceStatus
  std::string instance_class;
  std::string address;  // Endpoint.Address
  int port = 0;         // Endpoint.Port
  bool publicly_accessible = false;
  std::string vpc_id;                        // DBSubnetGroup.VpcId
  std::vector<std::string> security_groups;  // VpcSecurityGroups whose Status is active
};

// DescribeDBClusterParameters: the parameters the checks read.
struct AwsParameter {
  std::string name;
  std::optional<std::string> value;  // ParameterValue; none when the group leaves it unset
  std::string source;                // engine-default, user, system
  std::string apply_type;            // static, dynamic
};

// The parameters of the group the checks read (the others are not recorded).
inline constexpr std::string_view kAwsParameters[] = {
    "rds.logical_replication", "wal_sender_timeout",     "max_replication_slots",
    "max_wal_senders",         "max_slot_wal_keep_size",
};

// One inbound rule of a security group (an IpPermission).
struct AwsIngressRule {
  std::string protocol;  // tcp, udp, icmp, -1 (all traffic), or a number
  int from_port = -1;    // -1: every port (protocol -1)
  int to_port = -1;
  std::vector<std::string> ipv4_ranges;   // IpRanges[].CidrIp
  std::vector<std::string> ipv6_ranges;   // Ipv6Ranges[].CidrIpv6
  std::vector<std::string> groups;        // UserIdGroupPairs[].GroupId
  std::vector<std::string> prefix_lists;  // PrefixListIds[].PrefixListId
};

struct AwsSecurityGroup {
  std::string id;
  std::string name;
  std::string vpc_id;
  std::vector<AwsIngressRule> ingress;
};

// DescribeGlobalClusters: the Global Database the cluster belongs to.
struct AwsGlobalCluster {
  std::string identifier;
  std::string writer_arn;                // the member with IsWriter
  std::vector<std::string> member_arns;  // every member cluster
};

// One ClickPipes region and the addresses ClickPipes connects from there.
struct ClickPipesRegion {
  std::string region;
  std::vector<std::string> egress_ips;  // IPv4 addresses
};

// The ClickPipes static IP list checks are held against, and where it came from.
struct ClickPipesIps {
  std::string source;   // "built in" or the --clickpipes-ips file
  std::string read_on;  // the date the list was read (YYYY-MM-DD), when known
  std::string url;      // where the list was read, when known
  std::vector<ClickPipesRegion> regions;
};

struct AwsFacts {
  bool attempted = false;  // --aws was given
  std::string region;      // the region read (--aws-region, the host name, the cluster ARN)
  std::string cluster_id;  // the cluster asked for (--aws-cluster, the host name)
  // How the cluster id was found: "--aws-cluster", "host name", "instance",
  // "global database", or empty when it could not be.
  std::string cluster_from;
  std::optional<AwsError> setup_error;  // no cluster to ask for, no `aws` on PATH, …

  std::optional<AwsCluster> cluster;
  std::optional<AwsError> cluster_error;
  std::vector<AwsInstance> instances;
  std::optional<AwsError> instances_error;
  std::vector<AwsParameter> parameters;
  std::optional<AwsError> parameters_error;
  std::vector<AwsSecurityGroup> security_groups;
  std::optional<AwsError> security_groups_error;
  std::optional<AwsGlobalCluster> global_cluster;  // none: not part of one
  std::optional<AwsError> global_error;

  ClickPipesIps clickpipes_ips;  // the list the network check holds the groups against
};

[[nodiscard]] const char* to_string(AwsFailure failure);

// What --aws is asked for.
struct AwsOptions {
  std::string profile;       // --aws-profile; empty: the CLI's own default
  std::string region;        // --aws-region; empty: the host name's, else the profile's
  std::string cluster;       // --aws-cluster; empty: the host name's
  std::string endpoint_url;  // --aws-endpoint-url, e.g. a LocalStack
  int timeout_seconds = 30;  // --aws-timeout: each call, the CLI's retries included
};

// Reads the control plane for the cluster behind `host` (or --aws-cluster)
// through the AWS CLI: Describe calls only, each bounded, the independent ones
// at once. Never throws: a call that fails is that part's error. The
// ClickPipes IP list is not read here.
[[nodiscard]] AwsFacts gather_aws(const AwsOptions& options, std::string_view host);

// The writer instance of the cluster (the member with IsClusterWriter), if any.
[[nodiscard]] const AwsClusterMember* aws_writer_member(const AwsFacts& aws);
[[nodiscard]] const AwsInstance* aws_instance(const AwsFacts& aws, std::string_view identifier);
[[nodiscard]] const AwsParameter* aws_parameter(const AwsFacts& aws, std::string_view name);

// The IPv4 range `cidr` (a.b.c.d/n, or one address) holds the address `ip`.
[[nodiscard]] bool cidr_contains(const std::string& cidr, const std::string& ip);

}  // namespace cdcpreflight
