// Reading what the AWS CLI prints (`--output json`) for each Describe call:
// the shapes of the RDS and EC2 API Reference, as botocore renders them. The
// text is untrusted: a field of the wrong type, a list that is not one or
// text that is not JSON is an error (one line), never a crash; fields the
// checks do not read are ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdcpreflight/aws.h"

namespace cdcpreflight {

// Each returns the error, if any, and fills its output otherwise.

// rds describe-db-clusters: {"DBClusters": [DBCluster]} (the first one).
[[nodiscard]] std::optional<std::string> parse_db_clusters(std::string_view text,
                                                           std::optional<AwsCluster>& cluster);
// rds describe-db-instances: {"DBInstances": [DBInstance, …]}; also the
// DBClusterIdentifier of the first instance, when it has one.
[[nodiscard]] std::optional<std::string> parse_db_instances(std::string_view text,
                                                            std::vector<AwsInstance>& instances,
                                                            std::string* cluster_of_first);
// rds describe-db-cluster-parameters: {"Parameters": [Parameter, …]}, the ones
// of kAwsParameters kept.
[[nodiscard]] std::optional<std::string> parse_cluster_parameters(
    std::string_view text, std::vector<AwsParameter>& parameters);
// ec2 describe-security-groups: {"SecurityGroups": [SecurityGroup, …]}.
[[nodiscard]] std::optional<std::string> parse_security_groups(
    std::string_view text, std::vector<AwsSecurityGroup>& groups);
// rds describe-global-clusters: {"GlobalClusters": [GlobalCluster, …]}: the
// one with a member whose DBClusterArn is `cluster_arn` (any member when
// `cluster_arn` is empty: the one global cluster asked for).
[[nodiscard]] std::optional<std::string> parse_global_clusters(
    std::string_view text, std::string_view cluster_arn, std::optional<AwsGlobalCluster>& global);

// arn:PARTITION:rds:REGION:ACCOUNT:cluster:ID: its region and id, when it is one.
struct ClusterArn {
  std::string region;
  std::string identifier;
};
[[nodiscard]] std::optional<ClusterArn> parse_cluster_arn(std::string_view arn);

// The ClickPipes static IP list (the shape of ClickHouse's static-ips.json:
// {"aws": [{"region": R, "clickpipes_egress_ips": [IPv4, …]}, …]}, and our
// "read_on" and "source" keys when present). Every address must be IPv4.
[[nodiscard]] std::optional<std::string> parse_clickpipes_ips(std::string_view text,
                                                              ClickPipesIps& ips);

// The list shipped with the tool (data/clickpipes-static-ips.json).
[[nodiscard]] const ClickPipesIps& builtin_clickpipes_ips();

}  // namespace cdcpreflight
