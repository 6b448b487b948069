// `endpoint.writer`: logical replication runs on the writer only, and a slot
// must survive failover, so ClickPipes should connect through an endpoint that
// follows the writer: the cluster endpoint (or a Global Database writer
// endpoint). Reader endpoints and RDS Proxy cannot carry replication.
#include <fmt/format.h>

#include "cdcpreflight/endpoint.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "remediation/docs.h"
#include "util/text.h"

namespace cdcpreflight::checks {

namespace {

Remediation use_cluster_endpoint(const Facts& facts, const Endpoint& endpoint) {
  Remediation fix;
  const std::string& host = facts.connection.host;
  if (endpoint.kind == EndpointKind::cluster_reader) {
    std::string writer = lowercase(host);
    if (const std::size_t at = writer.find(".cluster-ro-"); at != std::string::npos) {
      writer.replace(at, 12, ".cluster-");
      fix.steps.push_back(fmt::format("Connect to the cluster (writer) endpoint {}.", writer));
    }
  }
  if (fix.steps.empty() && facts.aws.cluster && !facts.aws.cluster->endpoint.empty()) {
    fix.steps.push_back(
        fmt::format("Connect to the cluster (writer) endpoint {}.", facts.aws.cluster->endpoint));
    fix.docs = kAuroraEndpointDocs;
    return fix;  // --aws read it: nothing to look up
  }
  if (fix.steps.empty()) {
    fix.steps.push_back(
        "Connect to the cluster (writer) endpoint: <cluster-id>.cluster-<id>.<region>.rds."
        "amazonaws.com, shown in the console under the cluster's Connectivity & security tab.");
  }
  const std::string region = endpoint.region.empty() ? "<region>" : endpoint.region;
  const bool cluster_kind = endpoint.kind == EndpointKind::cluster_reader ||
                            endpoint.kind == EndpointKind::cluster_custom;
  fix.commands.push_back(
      fmt::format("aws rds describe-db-clusters --region {} --db-cluster-identifier {} --query "
                  "'DBClusters[0].Endpoint' --output text",
                  region, cluster_kind ? endpoint.identifier : "<cluster-id>"));
  fix.docs = kAuroraEndpointDocs;
  return fix;
}

}  // namespace

CheckResult endpoint_writer(const Facts& facts, const Scope& /*scope*/) {
  const std::string& host = facts.connection.host;
  const Endpoint endpoint = classify_host(host);
  if (facts.server.in_recovery) {
    return make_result(Status::fail,
                       fmt::format("{} is in recovery: a reader or an Aurora Global Database "
                                   "secondary, where logical replication cannot run",
                                   host),
                       {"pg_is_in_recovery() is true"}, use_cluster_endpoint(facts, endpoint));
  }
  switch (endpoint.kind) {
    case EndpointKind::cluster_reader:
      return make_result(Status::fail,
                         fmt::format("{} is a reader endpoint, which cannot carry logical "
                                     "replication (it routes to readers when there are any)",
                                     host),
                         {}, use_cluster_endpoint(facts, endpoint));
    case EndpointKind::proxy:
      return make_result(Status::fail,
                         fmt::format("{} is an RDS Proxy endpoint, which cannot carry "
                                     "replication connections",
                                     host),
                         {}, use_cluster_endpoint(facts, endpoint));
    case EndpointKind::cluster_custom:
      return make_result(Status::warn,
                         fmt::format("{} is a custom endpoint: it may route to readers and does "
                                     "not follow the writer on failover",
                                     host),
                         {}, use_cluster_endpoint(facts, endpoint));
    case EndpointKind::instance:
      return make_result(Status::warn,
                         fmt::format("{} is an instance endpoint: after a failover it points at "
                                     "a reader",
                                     host),
                         {}, use_cluster_endpoint(facts, endpoint));
    case EndpointKind::shard_group:
      return make_result(Status::warn,
                         fmt::format("{} is an Aurora Limitless shard group endpoint, which "
                                     "ClickPipes CDC does not document as supported",
                                     host),
                         {}, use_cluster_endpoint(facts, endpoint));
    case EndpointKind::ip_literal:
      return make_result(Status::warn,
                         fmt::format("{} is an IP address: it does not follow the writer on "
                                     "failover",
                                     host),
                         {}, use_cluster_endpoint(facts, endpoint));
    case EndpointKind::cluster_writer:
      return make_result(Status::pass, fmt::format("{} is the cluster writer endpoint", host));
    case EndpointKind::global_writer:
      return make_result(Status::pass,
                         fmt::format("{} is an Aurora Global Database writer endpoint", host));
    case EndpointKind::unix_socket:
    case EndpointKind::other:
      break;
  }
  return make_result(Status::pass, fmt::format("connected to the primary ({})", host),
                     {"pg_is_in_recovery() is false"});
}

}  // namespace cdcpreflight::checks
