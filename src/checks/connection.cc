// `connection`: the tool reached the database; when not, why, classified so the
// fix points at the right layer (DNS, network, pg_hba, TLS, database).
#include <fmt/format.h>

#include "aws/parameters.h"
#include "cdcpreflight/endpoint.h"
#include "checks/checks.h"
#include "checks/common.h"

namespace cdcpreflight::checks {

namespace {

std::string where(const ConnectionFacts& connection) {
  return connection.port > 0 ? fmt::format("{}:{}", connection.host, connection.port)
                             : connection.host;
}

CheckResult failure(const Facts& facts) {
  const ConnectionFacts& connection = facts.connection;
  const AwsTarget aws = aws_target(facts);
  Remediation fix;
  std::string summary;
  const std::string target = where(connection);
  switch (connection.failure) {
    case ConnectionFailure::dns:
      summary = fmt::format("DNS lookup failed for {}", connection.host);
      fix.steps = {
          "Check the host name: use the cluster (writer) endpoint shown in the console "
          "under the cluster's Connectivity & security tab.",
          "A private endpoint resolves only inside its VPC (or through PrivateLink)."};
      fix.commands = {
          "aws rds describe-db-clusters --query "
          "'DBClusters[*].[DBClusterIdentifier,Endpoint]' --output text",
          fmt::format("getent hosts {}", connection.host)};
      break;
    case ConnectionFailure::refused:
      summary = fmt::format("connection refused by {}", target);
      fix.steps = {
          "Nothing accepts connections on that port: check the port (Aurora and RDS "
          "default to 5432) and that the instance is available."};
      break;
    case ConnectionFailure::timeout:
      summary = fmt::format("connection to {} timed out", target);
      fix.steps = {
          "Allow inbound TCP on the database port in the cluster's VPC security group, from "
          "this machine and from the ClickPipes static IPs of your ClickHouse Cloud region.",
          "A database in a private subnet is reachable only through a bastion, a VPN or AWS "
          "PrivateLink; also check network ACLs and route tables."};
      fix.commands = {fmt::format("aws rds describe-db-clusters --region {} "
                                  "--db-cluster-identifier {} --query "
                                  "'DBClusters[0].VpcSecurityGroups'",
                                  aws.region, aws.cluster),
                      fmt::format("aws ec2 describe-security-groups --region {} --group-ids "
                                  "<security-group-id>",
                                  aws.region)};
      break;
    case ConnectionFailure::authentication:
      summary = fmt::format("authentication failed for {} at {}", connection.connected_as, target);
      fix.steps = {"Check the user name and password (PGPASSWORD, ~/.pgpass or -W).",
                   "Check that the role exists and may log in, and that pg_hba.conf allows this "
                   "host; a server that requires TLS (rds.force_ssl = 1) rejects unencrypted "
                   "connections the same way: use sslmode=verify-full."};
      break;
    case ConnectionFailure::tls:
      summary = fmt::format("TLS negotiation with {} failed", target);
      fix.steps = {
          "Download the RDS CA bundle and verify the server with it: "
          "sslmode=verify-full sslrootcert=/path/global-bundle.pem."};
      fix.commands = {
          "curl -sSo global-bundle.pem "
          "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"};
      break;
    case ConnectionFailure::database_missing:
      summary = fmt::format("database {} does not exist on {}", connection.dbname, target);
      fix.steps = {"Name an existing database with -d (psql -l lists them)."};
      break;
    case ConnectionFailure::lost:
      summary = fmt::format("connection to {} was lost mid-run", target);
      fix.steps = {
          "The server closed the connection or stopped answering (a restart, a "
          "failover, a network cut): run the check again."};
      break;
    case ConnectionFailure::none:
    case ConnectionFailure::other:
      summary = fmt::format("could not connect to {}", target);
      break;
  }
  return make_result(
      Status::fail, std::move(summary),
      {fmt::format("cause: {}", to_string(connection.failure)), connection.failure_message},
      std::move(fix));
}

}  // namespace

CheckResult connection(const Facts& facts, const Scope& /*scope*/) {
  const ConnectionFacts& connection = facts.connection;
  if (!connection.connected || connection.failure != ConnectionFailure::none) {
    return failure(facts);
  }
  std::vector<std::string> details;
  details.push_back(connection.ssl_in_use
                        ? fmt::format("TLS {} ({})", connection.ssl_protocol, connection.ssl_cipher)
                        : "not encrypted");
  return make_result(Status::pass,
                     fmt::format("connected to {}/{} as {}", where(connection), connection.dbname,
                                 connection.connected_as),
                     std::move(details));
}

}  // namespace cdcpreflight::checks

namespace cdcpreflight::checks {

// `connection.tls`: ClickPipes' credentials and every row cross the network;
// libpq's default sslmode=prefer encrypts without verifying the server.
CheckResult connection_tls(const Facts& facts, const Scope& /*scope*/) {
  const ConnectionFacts& connection = facts.connection;
  const Endpoint endpoint = classify_host(connection.host);
  if (endpoint.kind == EndpointKind::unix_socket) {
    return make_result(Status::pass, "local Unix-domain socket: no network to encrypt");
  }
  const bool aws_host =
      endpoint.kind != EndpointKind::other && endpoint.kind != EndpointKind::ip_literal;
  Remediation fix;
  if (aws_host) {
    fix.steps = {
        "Verify the server against the RDS CA bundle: connect with sslmode=verify-full "
        "sslrootcert=/path/global-bundle.pem (or PGSSLMODE / PGSSLROOTCERT)."};
    fix.commands = {
        "curl -sSo global-bundle.pem "
        "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"};
    fix.docs = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.SSL.html";
  } else {
    fix.steps = {
        "Enable TLS on the server (ssl = on with a certificate) and connect with "
        "sslmode=verify-full and sslrootcert= the CA that signed it."};
    fix.docs = "https://www.postgresql.org/docs/current/libpq-ssl.html";
  }
  if (!connection.ssl_in_use) {
    return make_result(Status::warn,
                       fmt::format("the connection is not encrypted (sslmode={})",
                                   connection.sslmode.empty() ? "prefer" : connection.sslmode),
                       {}, std::move(fix));
  }
  const std::string tls =
      fmt::format("TLS {} ({})", connection.ssl_protocol, connection.ssl_cipher);
  if (aws_host && connection.sslmode != "verify-full") {
    return make_result(Status::warn,
                       fmt::format("{}, but sslmode={} does not verify that the server is the "
                                   "AWS endpoint",
                                   tls, connection.sslmode),
                       {}, std::move(fix));
  }
  return make_result(Status::pass, fmt::format("{}, sslmode={}", tls, connection.sslmode));
}

}  // namespace cdcpreflight::checks
