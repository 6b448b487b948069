// `endpoint.writer`: logical replication runs on the primary only, and a slot
// must survive failover, so ClickPipes should connect through an endpoint that
// follows the writer: on Aurora and RDS the cluster endpoint (or a Global
// Database writer endpoint). Reader endpoints, RDS Proxy and the platforms'
// transaction poolers (cdcpreflight/platform.h) cannot carry replication.
#include <fmt/format.h>

#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/platform.h"
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

// Off Aurora and RDS: the primary, as each platform names its endpoint.
Remediation use_primary(Platform platform) {
  Remediation fix;
  switch (platform) {
    case Platform::neon:
      fix.steps.emplace_back(
          "Connect to the direct endpoint of the branch's primary (read-write) compute, not a "
          "read replica's: Neon console > Connect, with -pooler not in the host name.");
      break;
    case Platform::supabase:
      fix.steps.emplace_back(
          "Connect to the primary database's direct connection, db.<project-ref>.supabase.co "
          "port 5432 (Supabase dashboard: Connect > Direct connection), not a read replica.");
      break;
    case Platform::planetscale:
      fix.steps.emplace_back(
          "Connect to the primary on port 5432, with a user name that does not end in |replica "
          "(%7Creplica in a URI): PlanetScale routes such a user to a replica.");
      break;
    default:
      fix.steps.emplace_back(
          "Connect to the primary server, not a standby or read replica: logical replication "
          "runs on the primary only.");
      break;
  }
  fix.docs = platform_info(platform).setup_docs;
  return fix;
}

CheckResult in_recovery(const Facts& facts, const Endpoint& endpoint, Platform platform) {
  const std::string& host = facts.connection.host;
  if (is_aws_platform(platform)) {
    return make_result(Status::fail,
                       fmt::format("{} is in recovery: a reader or an Aurora Global Database "
                                   "secondary, where logical replication cannot run",
                                   host),
                       {"pg_is_in_recovery() is true"}, use_cluster_endpoint(facts, endpoint));
  }
  return make_result(Status::fail,
                     fmt::format("{} is in recovery: a standby or read replica, where logical "
                                 "replication cannot run",
                                 host),
                     {"pg_is_in_recovery() is true"}, use_primary(platform));
}

}  // namespace

CheckResult endpoint_writer(const Facts& facts, const Scope& /*scope*/) {
  const std::string& host = facts.connection.host;
  const Endpoint endpoint = classify_host(host);
  const Platform platform = platform_of(facts);
  if (const auto pooler = platform_pooler(host, facts.connection.port, platform)) {
    Remediation fix;
    fix.steps.push_back(
        fmt::format("Connect ClickPipes to the direct endpoint instead: {}.", pooler->direct));
    fix.docs = platform_info(pooler->platform).setup_docs;
    std::vector<std::string> details{
        fmt::format("{} pools connections: a replication connection needs the server itself",
                    platform_info(pooler->platform).name)};
    if (facts.server.in_recovery) {
      details.emplace_back("pg_is_in_recovery() is true: the server behind it is a standby too");
    }
    return make_result(Status::fail, pooler->what, std::move(details), std::move(fix));
  }
  if (facts.server.in_recovery) {
    return in_recovery(facts, endpoint, platform);
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
      // Cloud SQL and AlloyDB, among others, are reached by address: only an
      // Aurora or RDS address stands for an endpoint that should be a name.
      if (!is_aws_platform(platform)) {
        return make_result(Status::pass, fmt::format("connected to the primary ({})", host),
                           {"pg_is_in_recovery() is false",
                            "the host is an IP address, an ordinary way to reach the primary "
                            "off Aurora and RDS"});
      }
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
