// The control plane (--aws): `aws.cluster` (the cluster, and that the host is
// its writer endpoint), `aws.parameter_group` (a custom DB cluster parameter
// group with the CDC values, applied on every member) and `aws.network` (the
// writer reachable from ClickPipes' static IPs). Each works from what the AWS
// CLI answered, whether or not the database could be reached.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "cdcpreflight/endpoint.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "remediation/docs.h"
#include "remediation/parameters.h"

namespace cdcpreflight::checks {

namespace {

constexpr const char* kIamActions =
    "rds:DescribeDBClusters, rds:DescribeDBInstances, rds:DescribeDBClusterParameters, "
    "rds:DescribeGlobalClusters and ec2:DescribeSecurityGroups";
constexpr const char* kPrivateLinkDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/aws-privatelink";
constexpr const char* kStaticIpsDocs =
    "https://clickhouse.com/docs/integrations/clickpipes/networking/static-ips";

CheckResult not_asked() { return make_result(Status::skip, "not checked: --aws not given"); }

std::string not_found(const AwsFacts& aws) {
  return aws.cluster_id.empty() ? "not checked: the cluster was not found (see aws.cluster)"
                                : fmt::format("not checked: no DB cluster {}", aws.cluster_id);
}

// A failed call: `error`, with the cause in one line; AccessDenied names the
// IAM actions the checks need.
CheckResult call_failed(const AwsError& error) {
  std::vector<std::string> details;
  if (error.failure == AwsFailure::access_denied) {
    details.push_back(fmt::format("the --aws checks need the IAM actions {}", kIamActions));
  }
  if (error.failure == AwsFailure::credentials) {
    details.push_back(
        "the AWS CLI found no usable credentials: aws sso login, aws configure, or "
        "AWS_PROFILE / --aws-profile");
  }
  return make_result(Status::error, error.message, std::move(details));
}

// The first error that keeps the cluster from being known.
const AwsError* cluster_unknown(const AwsFacts& aws) {
  if (aws.setup_error) {
    return &*aws.setup_error;
  }
  if (aws.cluster_error && aws.cluster_error->failure != AwsFailure::not_found) {
    return &*aws.cluster_error;
  }
  return nullptr;
}

int engine_major(const AwsCluster& cluster) {
  int major = 0;
  const std::string& version = cluster.engine_version;
  std::from_chars(version.data(), version.data() + version.size(), major);
  return major;
}

// What a check of the cluster's parts says when there is no cluster to judge:
// --aws not given, a call that failed, no such cluster.
// The cluster the control-plane checks are about; nullptr, with `without` the answer
// of a check that has none (not asked, the call failed, not found).
const AwsCluster* cluster_or(const AwsFacts& aws, CheckResult& without) {
  if (!aws.attempted) {
    without = not_asked();
  } else if (const AwsError* error = cluster_unknown(aws)) {
    without = call_failed(*error);
  } else if (!aws.cluster) {
    without = make_result(Status::skip, not_found(aws));
  } else {
    return &*aws.cluster;
  }
  return nullptr;
}

std::string region_of(const AwsFacts& aws) { return aws.region.empty() ? "<region>" : aws.region; }

Remediation use_writer_endpoint(const AwsCluster& cluster) {
  Remediation fix;
  fix.steps.push_back(fmt::format(
      "Give ClickPipes the cluster (writer) endpoint {}: it follows the writer on failover.",
      cluster.endpoint));
  fix.docs = kAuroraEndpointDocs;
  return fix;
}

}  // namespace

CheckResult aws_cluster(const Facts& facts, const Scope& /*scope*/) {
  const AwsFacts& aws = facts.aws;
  if (!aws.attempted) {
    return not_asked();
  }
  if (const AwsError* error = cluster_unknown(aws)) {
    return call_failed(*error);
  }
  if (!aws.cluster) {
    Remediation fix;
    fix.steps.push_back(
        "Name the cluster with --aws-cluster and its region with --aws-region (the cluster "
        "identifier, as the console's Databases page shows it).");
    if (aws.cluster_id.empty()) {
      // The Global Database or the instance the host names was not found.
      return make_result(Status::fail,
                         aws.cluster_error ? aws.cluster_error->message
                                           : "the cluster behind the host was not found",
                         {}, std::move(fix));
    }
    fix.commands.push_back(fmt::format(
        "aws rds describe-db-clusters --region {} --query "
        "'DBClusters[?Engine==`aurora-postgresql`].[DBClusterIdentifier,Endpoint]' --output text",
        region_of(aws)));
    return make_result(Status::fail,
                       fmt::format("no DB cluster {} in {}", aws.cluster_id,
                                   aws.region.empty() ? "the profile's region" : aws.region),
                       {aws.cluster_error ? aws.cluster_error->message : ""}, std::move(fix));
  }
  const AwsCluster& cluster = *aws.cluster;
  std::vector<std::string> details{
      fmt::format("cluster {} ({} {}, {}), found from the {}", cluster.identifier, cluster.engine,
                  cluster.engine_version, cluster.status, aws.cluster_from)};
  if (cluster.engine != "aurora-postgresql") {
    return make_result(Status::fail,
                       fmt::format("cluster {} runs {}, not aurora-postgresql", cluster.identifier,
                                   cluster.engine.empty() ? "an unknown engine" : cluster.engine),
                       details);
  }
  if (cluster.engine_mode == "serverless") {
    Remediation fix;
    fix.steps.push_back(
        "Aurora Serverless v1 has no logical replication: upgrade the cluster to Aurora "
        "Serverless v2 or a provisioned cluster.");
    fix.docs = kAuroraSetupDocs;
    return make_result(
        Status::fail,
        fmt::format("cluster {} is Aurora Serverless v1, which cannot replicate logically",
                    cluster.identifier),
        details, std::move(fix));
  }
  if (const int major = engine_major(cluster); major > 0 && major < 12) {
    return make_result(Status::fail,
                       fmt::format("cluster {} runs Aurora PostgreSQL {}; ClickPipes needs 12 or "
                                   "later",
                                   cluster.identifier, cluster.engine_version),
                       details);
  }
  if (cluster.status != "available") {
    return make_result(Status::fail,
                       fmt::format("cluster {} is {}, not available", cluster.identifier,
                                   cluster.status.empty() ? "in no known state" : cluster.status),
                       details);
  }
  // A Global Database: this cluster must be its primary (the writer).
  if (aws.global_cluster && !aws.global_cluster->writer_arn.empty() &&
      aws.global_cluster->writer_arn != cluster.arn) {
    Remediation fix;
    fix.steps.push_back(fmt::format(
        "Connect ClickPipes to the primary cluster of Global Database {} ({}), or to the "
        "global writer endpoint, which follows a switchover.",
        aws.global_cluster->identifier, aws.global_cluster->writer_arn));
    fix.docs = kAuroraEndpointDocs;
    return make_result(Status::fail,
                       fmt::format("cluster {} is a secondary cluster of Global Database {}: "
                                   "it is read-only and cannot replicate logically",
                                   cluster.identifier, aws.global_cluster->identifier),
                       details, std::move(fix));
  }
  if (aws_writer_member(aws) == nullptr) {
    return make_result(Status::fail,
                       fmt::format("cluster {} has no writer instance{}", cluster.identifier,
                                   aws.global_error ? " (a Global Database secondary?)" : ""),
                       details, use_writer_endpoint(cluster));
  }
  if (aws.global_error) {
    details.push_back(fmt::format("whether it belongs to a Global Database is unknown: {}",
                                  aws.global_error->message));
  }
  // The host checked is the writer endpoint.
  const std::string host = normalized_host(facts.connection.host);
  const Endpoint endpoint = classify_host(facts.connection.host);
  const bool global_writer = endpoint.kind == EndpointKind::global_writer && aws.global_cluster &&
                             aws.cluster_from == "global database";
  if (host == normalized_host(cluster.reader_endpoint)) {
    return make_result(Status::fail,
                       fmt::format("{} is the reader endpoint of cluster {}", facts.connection.host,
                                   cluster.identifier),
                       details, use_writer_endpoint(cluster));
  }
  const auto custom = std::find_if(
      cluster.custom_endpoints.begin(), cluster.custom_endpoints.end(),
      [&](const std::string& candidate) { return normalized_host(candidate) == host; });
  if (custom != cluster.custom_endpoints.end()) {
    return make_result(Status::fail,
                       fmt::format("{} is a custom endpoint of cluster {}, which may route to "
                                   "readers",
                                   facts.connection.host, cluster.identifier),
                       details, use_writer_endpoint(cluster));
  }
  const auto instance =
      std::find_if(aws.instances.begin(), aws.instances.end(), [&](const AwsInstance& candidate) {
        return !candidate.address.empty() && normalized_host(candidate.address) == host;
      });
  if (instance != aws.instances.end()) {
    return make_result(Status::fail,
                       fmt::format("{} is the endpoint of instance {}, which does not follow the "
                                   "writer on failover",
                                   facts.connection.host, instance->identifier),
                       details, use_writer_endpoint(cluster));
  }
  if (host != normalized_host(cluster.endpoint) && !global_writer) {
    return make_result(
        Status::warn,
        fmt::format("{} is none of cluster {}'s endpoints (a DNS alias or an address?)",
                    facts.connection.host.empty() ? "the host" : facts.connection.host,
                    cluster.identifier),
        details, use_writer_endpoint(cluster));
  }
  if (cluster.serverless_min_capacity && *cluster.serverless_min_capacity <= 0.0) {
    Remediation fix;
    fix.steps.push_back(
        "Set the minimum capacity to 0.5 ACU or more (Modify > Capacity range): a cluster that "
        "pauses at 0 ACU drops ClickPipes' replication connection.");
    fix.commands.push_back(fmt::format(
        "aws rds modify-db-cluster --region {} --db-cluster-identifier {} "
        "--serverless-v2-scaling-configuration MinCapacity=0.5,MaxCapacity={}",
        region_of(aws), cluster.identifier,
        cluster.serverless_max_capacity ? fmt::format("{}", *cluster.serverless_max_capacity)
                                        : "<max-acu>"));
    fix.docs = kAuroraSetupDocs;
    return make_result(
        Status::warn,
        fmt::format("cluster {} is Aurora Serverless v2 with a minimum capacity of 0 ACU: it may "
                    "pause (auto-pause) and stop replication",
                    cluster.identifier),
        details, std::move(fix));
  }
  return make_result(
      Status::pass,
      fmt::format("{} is the {} endpoint of cluster {} (aurora-postgresql {}, available)",
                  facts.connection.host, global_writer ? "global writer" : "writer",
                  cluster.identifier, cluster.engine_version),
      details);
}

namespace {

// The CDC values of the DB cluster parameter group.
struct WantedParameter {
  const char* name;
  const char* value;
  const char* sql_value;
};
constexpr WantedParameter kWanted[] = {
    {"rds.logical_replication", "1", "on"},
    {"wal_sender_timeout", "0", "0"},
};

}  // namespace

CheckResult aws_parameter_group(const Facts& facts, const Scope& /*scope*/) {
  const AwsFacts& aws = facts.aws;
  CheckResult without;
  const AwsCluster* found = cluster_or(aws, without);
  if (found == nullptr) {
    return without;
  }
  const AwsCluster& cluster = *found;
  const std::string& group = cluster.parameter_group;
  std::vector<std::string> details;
  std::vector<ParameterChange> changes;
  if (aws.parameters_error) {
    return call_failed(*aws.parameters_error);
  }
  for (const WantedParameter& wanted : kWanted) {
    const AwsParameter* parameter = aws_parameter(aws, wanted.name);
    const std::string value = parameter && parameter->value ? *parameter->value : "unset";
    details.push_back(fmt::format("{}: {} = {}", group, wanted.name, value));
    if (value != wanted.value) {
      changes.push_back(ParameterChange{wanted.name, wanted.value, wanted.sql_value});
    }
  }
  const bool default_group = group.starts_with("default.");
  // The members waiting for a reboot, the writer first (the API lists them in
  // no such order); those in another state than in-sync (applying: dynamic
  // values on their way) are only named.
  std::vector<std::string> pending;
  std::vector<std::string> unsettled;
  for (const AwsClusterMember& member : cluster.members) {
    details.push_back(
        fmt::format("{} ({}): {}", member.instance, member.writer ? "writer" : "reader",
                    member.parameter_group_status.empty() ? "no DBClusterParameterGroupStatus"
                                                          : member.parameter_group_status));
    if (member.parameter_group_status == "pending-reboot") {
      pending.insert(member.writer ? pending.begin() : pending.end(), member.instance);
    } else if (member.parameter_group_status != "in-sync") {
      unsettled.push_back(member.instance);
    }
  }
  if (default_group || !changes.empty()) {
    std::string wrong;
    for (const ParameterChange& change : changes) {
      const AwsParameter* parameter = aws_parameter(aws, change.name);
      wrong += fmt::format("{}{} is {}", wrong.empty() ? "" : ", ", change.name,
                           parameter && parameter->value ? *parameter->value : "unset");
    }
    const std::string summary =
        default_group
            ? fmt::format("cluster {} uses the default parameter group {}{}{}", cluster.identifier,
                          group, wrong.empty() ? "" : ", where ", wrong)
            : fmt::format("parameter group {} of cluster {}: {}", group, cluster.identifier, wrong);
    return make_result(Status::fail, summary, std::move(details),
                       aurora_group_remediation(facts, changes));
  }
  if (!pending.empty()) {
    // Every member that waits, the writer first: each needs its reboot.
    const AwsTarget target = aws_target(facts);
    Remediation fix;
    fix.docs = kAuroraSetupDocs;
    std::string names;
    for (const std::string& instance : pending) {
      names += (names.empty() ? "" : ", ") + instance;
      fix.commands.push_back(aurora_reboot_command(target, instance));
    }
    fix.steps.push_back(fmt::format(
        "Reboot {} so that group {} takes effect (the writer first), then check that every "
        "member's DBClusterParameterGroupStatus is in-sync.",
        names, group));
    return make_result(Status::fail,
                       fmt::format("parameter group {} waits for a reboot of {}", group, names),
                       std::move(details), std::move(fix));
  }
  if (!unsettled.empty()) {
    return make_result(
        Status::warn,
        fmt::format("parameter group {} sets the CDC values, but {} {} not in-sync yet", group,
                    fmt::join(unsettled, ", "), unsettled.size() == 1 ? "is" : "are"),
        std::move(details),
        Remediation{.sql = {},
                    .steps = {"Check again once every member's DBClusterParameterGroupStatus "
                              "is in-sync (or pending-reboot: then reboot it)."},
                    .commands = {member_status_command(aws_target(facts))},
                    .docs = kAuroraSetupDocs,
                    .parameters = {}});
  }
  return make_result(Status::pass,
                     fmt::format("parameter group {} sets rds.logical_replication = 1 and "
                                 "wal_sender_timeout = 0, in-sync on every member",
                                 group),
                     std::move(details));
}

namespace {

bool admits_port(const AwsIngressRule& rule, int port) {
  if (rule.protocol == "-1" || rule.protocol == "all") {
    return true;
  }
  return (rule.protocol == "tcp" || rule.protocol == "6") && rule.from_port <= port &&
         port <= rule.to_port;
}

bool admitted(const std::vector<AwsSecurityGroup>& groups, int port, const std::string& ip) {
  for (const AwsSecurityGroup& group : groups) {
    for (const AwsIngressRule& rule : group.ingress) {
      if (!admits_port(rule, port)) {
        continue;
      }
      for (const std::string& cidr : rule.ipv4_ranges) {
        if (cidr_contains(cidr, ip)) {
          return true;
        }
      }
    }
  }
  return false;
}

std::vector<std::string> missing_ips(const std::vector<AwsSecurityGroup>& groups, int port,
                                     const ClickPipesRegion& region) {
  std::vector<std::string> missing;
  for (const std::string& ip : region.egress_ips) {
    if (!admitted(groups, port, ip)) {
      missing.push_back(ip);
    }
  }
  return missing;
}

std::string list_source(const ClickPipesIps& ips) {
  std::string text = ips.source == "built in" ? "the list shipped with cdc-preflight"
                                              : fmt::format("the list in {}", ips.source);
  if (!ips.read_on.empty()) {
    text += fmt::format(", read {}", ips.read_on);
  }
  if (!ips.url.empty()) {
    text += fmt::format(" from {}", ips.url);
  }
  return "ClickPipes static IPs: " + text;
}

constexpr const char* kOutOfScope =
    "network ACLs and route tables are not read: a subnet's network ACL or a route table "
    "without an internet gateway can still block ClickPipes";

Remediation authorize(const AwsFacts& aws, const AwsSecurityGroup& group, int port,
                      const ClickPipesRegion& region, const std::vector<std::string>& missing) {
  Remediation fix;
  fix.steps.push_back(fmt::format(
      "Admit TCP {} from each ClickPipes static IP of {} in security group {} ({}) of the writer "
      "(Console: EC2 > Security groups > {} > Edit inbound rules > Add rule: PostgreSQL, source "
      "each IP/32).",
      port, region.region, group.id, group.name.empty() ? "no name" : group.name, group.id));
  for (const std::string& ip : missing) {
    fix.commands.push_back(fmt::format(
        "aws ec2 authorize-security-group-ingress --region {} --group-id {} --protocol tcp "
        "--port {} --cidr {}/32",
        region_of(aws), group.id, port, ip));
  }
  fix.docs = kStaticIpsDocs;
  return fix;
}

}  // namespace

CheckResult aws_network(const Facts& facts, const Scope& scope) {
  const AwsFacts& aws = facts.aws;
  CheckResult without;
  const AwsCluster* found = cluster_or(aws, without);
  if (found == nullptr) {
    return without;
  }
  if (aws.instances_error) {
    return call_failed(*aws.instances_error);
  }
  const AwsCluster& cluster = *found;
  const AwsClusterMember* member = aws_writer_member(aws);
  const AwsInstance* writer = member ? aws_instance(aws, member->instance) : nullptr;
  if (writer == nullptr) {
    return make_result(Status::skip,
                       fmt::format("not checked: cluster {} has no writer instance (see "
                                   "aws.cluster)",
                                   cluster.identifier));
  }
  const int port = cluster.port > 0 ? cluster.port : writer->port;
  std::vector<std::string> details{list_source(aws.clickpipes_ips), kOutOfScope};
  if (!writer->publicly_accessible) {
    Remediation fix;
    fix.steps.push_back(fmt::format(
        "ClickPipes reaches a private cluster only through AWS PrivateLink: follow the "
        "ClickPipes PrivateLink guide (a VPC resource configuration for cluster {}, shared with "
        "ClickPipes); if it is set up, this check does not see it: --skip aws.network.",
        cluster.identifier));
    fix.steps.push_back(
        fmt::format("Or make the writer {} publicly accessible (Modify > Connectivity > Publicly "
                    "accessible) and admit ClickPipes' static IPs in its security groups.",
                    writer->identifier));
    fix.docs = kPrivateLinkDocs;
    return make_result(Status::fail,
                       fmt::format("the writer {} is not publicly accessible: ClickPipes can reach "
                                   "it only through PrivateLink",
                                   writer->identifier),
                       std::move(details), std::move(fix));
  }
  if (aws.security_groups_error) {
    return call_failed(*aws.security_groups_error);
  }
  if (aws.security_groups.empty()) {
    return make_result(
        Status::fail,
        fmt::format("the writer {} has no active VPC security group", writer->identifier),
        std::move(details));
  }
  for (const AwsSecurityGroup& group : aws.security_groups) {
    for (const AwsIngressRule& rule : group.ingress) {
      if (admits_port(rule, port) && (!rule.prefix_lists.empty() || !rule.groups.empty())) {
        details.push_back(
            fmt::format("{} admits port {} from {}: not expanded (only CIDR ranges are compared)",
                        group.id, port,
                        !rule.prefix_lists.empty() ? "prefix list " + rule.prefix_lists.front()
                                                   : "security group " + rule.groups.front()));
      }
    }
  }
  const ClickPipesIps& ips = aws.clickpipes_ips;
  const AwsSecurityGroup& first = aws.security_groups.front();
  const std::string& asked = scope.request.clickpipes_region;
  if (!asked.empty()) {
    const auto region = std::find_if(ips.regions.begin(), ips.regions.end(),
                                     [&](const ClickPipesRegion& r) { return r.region == asked; });
    if (region == ips.regions.end()) {
      std::string known;
      for (const ClickPipesRegion& r : ips.regions) {
        known += (known.empty() ? "" : ", ") + r.region;
      }
      return make_result(Status::error,
                         fmt::format("--clickpipes-region {}: no such region in the ClickPipes IP "
                                     "list (it has {})",
                                     asked, known),
                         std::move(details));
    }
    const std::vector<std::string> missing = missing_ips(aws.security_groups, port, *region);
    if (missing.empty()) {
      return make_result(Status::pass,
                         fmt::format("the writer {} is public and its security groups admit TCP "
                                     "{} from all {} ClickPipes IPs of {}",
                                     writer->identifier, port, region->egress_ips.size(), asked),
                         std::move(details));
    }
    details.push_back(fmt::format("not admitted: {}", fmt::join(missing, ", ")));
    return make_result(
        Status::fail,
        fmt::format("the security groups of the writer {} do not admit TCP {} from "
                    "{} of the {} ClickPipes IPs of {}",
                    writer->identifier, port, missing.size(), region->egress_ips.size(), asked),
        std::move(details), authorize(aws, first, port, *region, missing));
  }
  std::vector<std::string> open;
  for (const ClickPipesRegion& region : ips.regions) {
    if (missing_ips(aws.security_groups, port, region).empty()) {
      open.push_back(region.region);
    }
  }
  if (!open.empty()) {
    details.push_back(
        "give --clickpipes-region (the region of the ClickHouse Cloud service) to check the one "
        "that serves the pipe");
    return make_result(Status::pass,
                       fmt::format("the writer {} is public and its security groups admit TCP {} "
                                   "from every ClickPipes IP of {}",
                                   writer->identifier, port, fmt::join(open, ", ")),
                       std::move(details));
  }
  // None: the fix for the ClickPipes region of the cluster's own name, if any.
  const auto same = std::find_if(ips.regions.begin(), ips.regions.end(),
                                 [&](const ClickPipesRegion& r) { return r.region == aws.region; });
  Remediation fix;
  if (same != ips.regions.end()) {
    fix = authorize(aws, first, port, *same, missing_ips(aws.security_groups, port, *same));
    fix.steps.insert(fix.steps.begin(),
                     fmt::format("The IPs below are ClickPipes' in {}: if the ClickHouse Cloud "
                                 "service runs in another region, use that region's list "
                                 "(--clickpipes-region REGION shows it).",
                                 same->region));
  } else {
    fix.steps.push_back(
        "Admit TCP on the cluster port from every ClickPipes static IP of the ClickHouse Cloud "
        "service's region (--clickpipes-region REGION lists the commands).");
    fix.docs = kStaticIpsDocs;
  }
  return make_result(Status::warn,
                     fmt::format("the security groups of the writer {} admit TCP {} from the "
                                 "ClickPipes IPs of no ClickPipes region",
                                 writer->identifier, port),
                     std::move(details), std::move(fix));
}

}  // namespace cdcpreflight::checks
