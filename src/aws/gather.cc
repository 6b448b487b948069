// gather_aws: the control-plane facts of one Aurora cluster, through the AWS
// CLI. The calls that depend on nothing run at once, then the ones that need
// their answers (the parameter group's name, the writer's security groups):
// two rounds of calls, each bounded.
#include <algorithm>
#include <future>

#include <fmt/format.h>

#include "aws/cli.h"
#include "aws/parse.h"
#include "cdcpreflight/aws.h"
#include "cdcpreflight/endpoint.h"

namespace cdcpreflight {

namespace {

AwsError invalid(const std::string& call, const std::string& why) {
  return AwsError{AwsFailure::invalid_output, call, fmt::format("aws {}: {}", call, why)};
}

// Runs one call and reads its answer with `read`; the error otherwise.
template <typename Read>
std::optional<AwsError> describe(const AwsOptions& options, const std::vector<std::string>& call,
                                 Read read) {
  const AwsAnswer answer = call_aws(options, call);
  if (answer.error) {
    return answer.error;
  }
  if (const std::optional<std::string> error = read(answer.out)) {
    return invalid(call[0] + " " + call[1], *error);
  }
  return std::nullopt;
}

// The cluster id and region the host name reveals, or the calls that find them
// (an instance endpoint: its instance's cluster; a global writer endpoint: its
// Global Database's writer cluster).
void find_cluster(const AwsOptions& options, std::string_view host, AwsFacts& aws) {
  const Endpoint endpoint = classify_host(host);
  aws.region = !options.region.empty() ? options.region : endpoint.region;
  if (!options.cluster.empty()) {
    aws.cluster_id = options.cluster;
    aws.cluster_from = "--aws-cluster";
    return;
  }
  AwsOptions scoped = options;
  scoped.region = aws.region;
  switch (endpoint.kind) {
    case EndpointKind::cluster_writer:
    case EndpointKind::cluster_reader:
    case EndpointKind::cluster_custom:
      aws.cluster_id = endpoint.identifier;
      aws.cluster_from = "host name";
      return;
    case EndpointKind::instance: {
      std::vector<AwsInstance> instances;
      std::string cluster;
      aws.cluster_error = describe(
          scoped, {"rds", "describe-db-instances", "--db-instance-identifier", endpoint.identifier},
          [&](std::string_view out) { return parse_db_instances(out, instances, &cluster); });
      if (!aws.cluster_error && cluster.empty()) {
        aws.setup_error =
            AwsError{AwsFailure::other, "",
                     fmt::format("instance {} belongs to no DB cluster: give --aws-cluster",
                                 endpoint.identifier)};
      }
      aws.cluster_id = cluster;
      aws.cluster_from = "instance";
      return;
    }
    case EndpointKind::global_writer: {
      std::optional<AwsGlobalCluster> global;
      aws.global_error = describe(
          scoped,
          {"rds", "describe-global-clusters", "--global-cluster-identifier", endpoint.identifier},
          [&](std::string_view out) { return parse_global_clusters(out, "", global); });
      aws.cluster_error = aws.global_error;
      if (!aws.global_error) {
        const auto writer = global ? parse_cluster_arn(global->writer_arn) : std::nullopt;
        if (!writer) {
          aws.setup_error = AwsError{
              AwsFailure::other, "",
              fmt::format("Global Database {} has no writer cluster: give --aws-cluster and "
                          "--aws-region",
                          endpoint.identifier)};
        } else {
          // The writer cluster is found in its own region only.
          aws.cluster_id = writer->identifier;
          aws.region = writer->region;
          aws.global_cluster = global;
        }
      }
      aws.cluster_from = "global database";
      return;
    }
    default:
      aws.setup_error =
          AwsError{AwsFailure::other, "",
                   "the host name names no Aurora cluster: give --aws-cluster (and --aws-region)"};
      return;
  }
}

}  // namespace

AwsFacts gather_aws(const AwsOptions& options, std::string_view host) {
  AwsFacts aws;
  aws.attempted = true;
  find_cluster(options, host, aws);
  if (aws.setup_error || aws.cluster_error || aws.cluster_id.empty()) {
    return aws;
  }
  AwsOptions scoped = options;
  scoped.region = aws.region;

  // Round one: the cluster, its instances and the Global Databases.
  auto cluster = std::async(std::launch::async, [&] {
    std::optional<AwsCluster> read;
    std::optional<AwsError> error =
        describe(scoped, {"rds", "describe-db-clusters", "--db-cluster-identifier", aws.cluster_id},
                 [&](std::string_view out) { return parse_db_clusters(out, read); });
    if (error) {
      read.reset();
    } else if (!read) {
      error = AwsError{AwsFailure::not_found, "rds describe-db-clusters",
                       fmt::format("aws rds describe-db-clusters: no cluster {}", aws.cluster_id)};
    }
    return std::make_pair(read, error);
  });
  auto instances = std::async(std::launch::async, [&] {
    std::vector<AwsInstance> read;
    std::optional<AwsError> error =
        describe(scoped,
                 {"rds", "describe-db-instances", "--filters",
                  "Name=db-cluster-id,Values=" + aws.cluster_id},
                 [&](std::string_view out) { return parse_db_instances(out, read, nullptr); });
    if (error) {
      read.clear();  // what was read before the output went wrong is no answer
    }
    return std::make_pair(read, error);
  });
  const bool global_known = aws.global_cluster.has_value();
  auto globals = std::async(std::launch::async, [&] {
    std::string out;
    std::optional<AwsError> error;
    if (!global_known) {
      error = describe(scoped, {"rds", "describe-global-clusters"}, [&](std::string_view answer) {
        out = answer;
        return std::optional<std::string>{};
      });
    }
    return std::make_pair(out, error);
  });
  std::tie(aws.cluster, aws.cluster_error) = cluster.get();
  std::tie(aws.instances, aws.instances_error) = instances.get();
  auto [global_out, global_error] = globals.get();
  if (!aws.cluster) {
    return aws;
  }
  if (aws.region.empty()) {
    if (const auto arn = parse_cluster_arn(aws.cluster->arn)) {
      aws.region = arn->region;
      scoped.region = aws.region;
    }
  }
  if (!global_known) {
    aws.global_error = global_error;
    if (!global_error) {
      if (const auto error =
              parse_global_clusters(global_out, aws.cluster->arn, aws.global_cluster)) {
        aws.global_error = invalid("rds describe-global-clusters", *error);
      }
    }
  }

  // Round two: the parameter group and the writer's security groups.
  const std::string group = aws.cluster->parameter_group;
  auto parameters = std::async(std::launch::async, [&] {
    std::vector<AwsParameter> read;
    std::optional<AwsError> error;
    if (!group.empty()) {
      error = describe(
          scoped,
          {"rds", "describe-db-cluster-parameters", "--db-cluster-parameter-group-name", group},
          [&](std::string_view out) { return parse_cluster_parameters(out, read); });
    }
    if (error) {
      read.clear();
    }
    return std::make_pair(read, error);
  });
  std::vector<std::string> group_ids;
  const AwsClusterMember* writer = aws_writer_member(aws);
  for (const AwsInstance& instance : aws.instances) {
    if (writer != nullptr && instance.identifier != writer->instance) {
      continue;
    }
    for (const std::string& id : instance.security_groups) {
      if (std::find(group_ids.begin(), group_ids.end(), id) == group_ids.end()) {
        group_ids.push_back(id);
      }
    }
  }
  auto security_groups = std::async(std::launch::async, [&] {
    std::vector<AwsSecurityGroup> read;
    std::optional<AwsError> error;
    if (!group_ids.empty()) {
      std::vector<std::string> call{"ec2", "describe-security-groups", "--group-ids"};
      call.insert(call.end(), group_ids.begin(), group_ids.end());
      error = describe(scoped, call,
                       [&](std::string_view out) { return parse_security_groups(out, read); });
    }
    if (error) {
      read.clear();
    }
    return std::make_pair(read, error);
  });
  std::tie(aws.parameters, aws.parameters_error) = parameters.get();
  std::tie(aws.security_groups, aws.security_groups_error) = security_groups.get();
  return aws;
}

}  // namespace cdcpreflight
