// `connection`: the tool reached the database; when not, why, classified so the
// fix points at the right layer (DNS, network, pg_hba, TLS, database).
#include <fmt/format.h>

#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/sql_quote.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "remediation/docs.h"
#include "remediation/parameters.h"
#include "util/shell.h"
#include "util/text.h"

namespace cdcpreflight::checks {

namespace {

std::string where(const ConnectionFacts& connection) {
  return connection.port > 0 ? fmt::format("{}:{}", connection.host, connection.port)
                             : connection.host;
}

// Why the server refused the login, from its message: each has its own fix.
enum class Refusal { password, no_password, login_not_allowed, pg_hba, role_missing, unknown };

const char* to_string(Refusal refusal) {
  switch (refusal) {
    case Refusal::password:
      return "password";
    case Refusal::no_password:
      return "no_password";
    case Refusal::login_not_allowed:
      return "login_not_allowed";
    case Refusal::pg_hba:
      return "pg_hba";
    case Refusal::role_missing:
      return "role_missing";
    case Refusal::unknown:
      break;
  }
  return "unknown";
}

Refusal refusal_of(std::string_view message) {
  if (contains(message, "is not permitted to log in")) {
    return Refusal::login_not_allowed;
  }
  if (contains(message, "pg_hba.conf")) {
    return Refusal::pg_hba;
  }
  // libpq's own words when the server asks for a password and none was given (no
  // PGPASSWORD, no ~/.pgpass line, no -W): not a wrong password.
  if (contains(message, "no password supplied")) {
    return Refusal::no_password;
  }
  if (contains(message, "password authentication failed")) {
    return Refusal::password;
  }
  if (contains(message, "role \"") && contains(message, "does not exist")) {
    return Refusal::role_missing;
  }
  return Refusal::unknown;
}

void describe_refusal(Refusal refusal, const ConnectionFacts& connection, const std::string& target,
                      std::string& summary, Remediation& fix) {
  const std::string& user = connection.connected_as;
  switch (refusal) {
    case Refusal::password:
      summary = fmt::format("password authentication failed for {} at {}", user, target);
      fix.steps = {
          "Check the password (PGPASSWORD, ~/.pgpass or -W) and the user name: PostgreSQL "
          "answers the same way for a role that does not exist.",
          fmt::format("An admin can set a new password: ALTER ROLE {} PASSWORD '…'; (psql's "
                      "\\password {} keeps it out of the server log), or on Aurora/RDS change "
                      "the master password in the console.",
                      quote_identifier(user), user)};
      return;
    case Refusal::no_password:
      summary = fmt::format("{} at {} asks for a password and none was given", user, target);
      fix.steps = {
          "Give the password as psql takes it: PGPASSWORD, a ~/.pgpass line (or PGPASSFILE), "
          "or -W to be prompted. Run from a terminal without -w, cdc-preflight prompts when "
          "the server asks; a CI job never gets a prompt."};
      return;
    case Refusal::login_not_allowed:
      summary = fmt::format("role {} is not permitted to log in", user);
      fix.sql = {fmt::format("ALTER ROLE {} LOGIN;", quote_identifier(user))};
      fix.steps = {"The role exists but has NOLOGIN: an admin must allow it to log in."};
      return;
    case Refusal::pg_hba: {
      summary = fmt::format("pg_hba.conf on {} rejects {}", target, user);
      const std::string database = connection.dbname.empty() ? "all" : connection.dbname;
      // A Unix-domain socket is matched by `local` lines only (no address, no TLS).
      const bool socket = classify_host(connection.host).kind == EndpointKind::unix_socket;
      fix.steps = {
          socket ? fmt::format("Self-managed PostgreSQL: add a `local {} {} scram-sha-256` line "
                               "above any matching `reject` line in pg_hba.conf (a Unix-domain "
                               "socket is matched by `local` lines only), then SELECT "
                               "pg_reload_conf();",
                               database, user)
                 : fmt::format("Self-managed PostgreSQL: add a `hostssl {} {} <client "
                               "address>/32 scram-sha-256` line above any matching `reject` line "
                               "in pg_hba.conf, then SELECT pg_reload_conf();",
                               database, user),
          "Aurora and RDS manage pg_hba.conf: a rejection there usually means an unencrypted "
          "connection to a cluster with rds.force_ssl = 1: connect with sslmode=verify-full.",
          "Which hosts may reach the database at all is the VPC security group's (and the IP "
          "allow list's) business: allow this machine and the ClickPipes static IPs."};
      return;
    }
    case Refusal::role_missing:
      summary = fmt::format("role {} does not exist on {}", user, target);
      fix.steps = {
          "Check the user name (-U); an admin creates the role with CREATE ROLE … "
          "LOGIN PASSWORD '…' as the ClickPipes setup guide shows."};
      return;
    case Refusal::unknown:
      break;
  }
  summary = fmt::format("authentication failed for {} at {}", user, target);
  fix.steps = {"Check the user name and password (PGPASSWORD, ~/.pgpass or -W).",
               "Check that the role exists and may log in, and that pg_hba.conf allows this "
               "host; a server that requires TLS (rds.force_ssl = 1) rejects unencrypted "
               "connections the same way: use sslmode=verify-full."};
}

// The writer's security groups --aws read, else a placeholder.
std::string security_group_ids(const Facts& facts) {
  std::string ids;
  for (const AwsSecurityGroup& group : facts.aws.security_groups) {
    ids += (ids.empty() ? "" : " ") + group.id;
  }
  return ids.empty() ? "<security-group-id>" : ids;
}

// The network layer's failures: the host does not resolve, nothing listens,
// nothing answers. Returns the summary; fills in the fix.
std::string describe_unreachable(const Facts& facts, Remediation& fix) {
  const ConnectionFacts& connection = facts.connection;
  const std::string target = where(connection);
  if (connection.failure == ConnectionFailure::dns) {
    fix.steps = {
        "Check the host name: use the cluster (writer) endpoint shown in the console "
        "under the cluster's Connectivity & security tab.",
        "A private endpoint resolves only inside its VPC (or through PrivateLink)."};
    fix.commands = {
        "aws rds describe-db-clusters --query "
        "'DBClusters[*].[DBClusterIdentifier,Endpoint]' --output text",
        fmt::format("getent hosts {}", shell_quote(connection.host))};
    return fmt::format("DNS lookup failed for {}", connection.host);
  }
  if (connection.failure == ConnectionFailure::refused) {
    fix.steps = {
        "Nothing accepts connections on that port: check the port (Aurora and RDS "
        "default to 5432) and that the instance is available."};
    return fmt::format("connection refused by {}", target);
  }
  const AwsTarget aws = aws_target(facts);
  fix.steps = {
      "Allow inbound TCP on the database port in the cluster's VPC security group, from "
      "this machine and from the ClickPipes static IPs of your ClickHouse Cloud region.",
      "A database in a private subnet is reachable only through a bastion, a VPN or AWS "
      "PrivateLink; also check network ACLs and route tables."};
  fix.commands = {fmt::format("aws rds describe-db-clusters --region {} "
                              "--db-cluster-identifier {} --query "
                              "'DBClusters[0].VpcSecurityGroups'",
                              aws.region, aws.cluster),
                  fmt::format("aws ec2 describe-security-groups --region {} --group-ids {}",
                              aws.region, security_group_ids(facts))};
  if (facts.aws.cluster) {
    fix.steps.push_back(
        "aws.network (--aws) holds the writer's security groups against the ClickPipes static "
        "IPs.");
  }
  return fmt::format("connection to {} timed out", target);
}

// Every other failure but authentication's. Returns the summary; fills in the fix.
std::string describe_other_failure(const ConnectionFacts& connection, Remediation& fix) {
  const std::string target = where(connection);
  switch (connection.failure) {
    case ConnectionFailure::tls:
      fix.steps = {
          "Download the RDS CA bundle and verify the server with it: "
          "sslmode=verify-full sslrootcert=/path/global-bundle.pem."};
      fix.commands = {kRdsCaBundleCommand};
      return fmt::format("TLS negotiation with {} failed", target);
    case ConnectionFailure::database_missing:
      fix.steps = {"Name an existing database with -d (psql -l lists them)."};
      return fmt::format("database {} does not exist on {}", connection.dbname, target);
    case ConnectionFailure::lost:
      fix.steps = {
          "The server closed the connection or stopped answering (a restart, a "
          "failover, a network cut): run the check again."};
      return fmt::format("connection to {} was lost mid-run", target);
    default:
      break;
  }
  if (connection.connected) {
    // Connected, then answered in a shape no PostgreSQL gives: nothing it said
    // is trusted, so nothing else is checked.
    fix.steps = {
        "Check that this host and port reach the database itself, not a proxy, a pooler or "
        "a PostgreSQL-compatible service that answers catalog queries differently."};
    return fmt::format("{} answered in a way PostgreSQL never does: nothing was checked", target);
  }
  return fmt::format("could not connect to {}", target);
}

CheckResult failure(const Facts& facts) {
  const ConnectionFacts& connection = facts.connection;
  Remediation fix;
  std::vector<std::string> details{fmt::format("cause: {}", to_string(connection.failure))};
  std::string summary;
  switch (connection.failure) {
    case ConnectionFailure::dns:
    case ConnectionFailure::refused:
    case ConnectionFailure::timeout:
      summary = describe_unreachable(facts, fix);
      break;
    case ConnectionFailure::authentication: {
      const Refusal refusal = refusal_of(connection.failure_message);
      describe_refusal(refusal, connection, where(connection), summary, fix);
      if (refusal != Refusal::unknown) {
        details.push_back(fmt::format("reason: {}", to_string(refusal)));
      }
      break;
    }
    default:
      summary = describe_other_failure(connection, fix);
      break;
  }
  details.push_back(connection.failure_message);
  return make_result(Status::fail, std::move(summary), std::move(details), std::move(fix));
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
    fix.commands = {kRdsCaBundleCommand};
    fix.docs = kAuroraTlsDocs;
  } else {
    fix.steps = {
        "Enable TLS on the server (ssl = on with a certificate) and connect with "
        "sslmode=verify-full and sslrootcert= the CA that signed it."};
    fix.docs = kLibpqTlsDocs;
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
