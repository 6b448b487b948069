// `server.version`: ClickPipes reads PostgreSQL 12 and later; a few minor
// releases have a logical-decoding bug ("invalid memory alloc request size")
// fixed in the next minor. `server.platform`: says what the server is.
#include <array>

#include <fmt/format.h>

#include "cdcpreflight/platform.h"
#include "cdcpreflight/settings.h"
#include "checks/checks.h"
#include "checks/common.h"
#include "remediation/clouds.h"
#include "remediation/parameters.h"

namespace cdcpreflight::checks {

namespace {

constexpr int kOldestSupported = 120000;
constexpr int kOldestAlloyDb = 140000;

// server_version_num of the releases with the bug, and the release that fixes it.
struct BuggyMinor {
  int version_num;
  const char* fixed_in;
};
constexpr std::array kBuggyMinors{BuggyMinor{170005, "17.6"}, BuggyMinor{160009, "16.10"},
                                  BuggyMinor{150013, "15.14"}, BuggyMinor{140018, "14.19"},
                                  BuggyMinor{130021, "13.22"}};

Remediation upgrade(const Facts& facts, const std::string& target) {
  Remediation fix;
  const AwsTarget aws = aws_target(facts);
  const Platform platform = platform_of(facts);
  switch (platform) {
    case Platform::aurora:
      fix.steps = {
          fmt::format("Upgrade the Aurora cluster to PostgreSQL {} (list the versions "
                      "available to this cluster first).",
                      target)};
      fix.commands = {
          fmt::format("aws rds describe-db-engine-versions --region {} --engine aurora-postgresql "
                      "--query 'DBEngineVersions[].EngineVersion' --output text",
                      aws.region),
          fmt::format(
              "aws rds modify-db-cluster --region {} --db-cluster-identifier {} "
              "--engine-version <version> --allow-major-version-upgrade --apply-immediately",
              aws.region, aws.cluster)};
      break;
    case Platform::rds:
      fix.steps = {fmt::format("Upgrade the RDS instance to PostgreSQL {}.", target)};
      fix.commands = {fmt::format(
          "aws rds modify-db-instance --region {} --db-instance-identifier {} "
          "--engine-version <version> --allow-major-version-upgrade --apply-immediately",
          aws.region, aws.instance)};
      break;
    case Platform::cloud_sql:
      fix.steps = {
          fmt::format("Upgrade the Cloud SQL instance to PostgreSQL {} (an in-place "
                      "major version upgrade).",
                      target)};
      fix.commands = {"gcloud sql instances patch <instance> --database-version=POSTGRES_<major>"};
      break;
    case Platform::alloydb:
      fix.steps = {fmt::format("Upgrade the AlloyDB cluster to PostgreSQL {}.", target)};
      fix.commands = {
          "gcloud alloydb clusters upgrade <cluster> --region=<region> --version=POSTGRES_<major>"};
      break;
    case Platform::azure:
      fix.steps = {
          fmt::format("Upgrade the server to PostgreSQL {} (an in-place major version "
                      "upgrade).",
                      target)};
      fix.commands = {
          fmt::format("az postgres flexible-server upgrade --resource-group "
                      "<resource-group> --name {} --version <major>",
                      azure_server_name(facts))};
      break;
    case Platform::postgresql:
      fix.steps = {
          fmt::format("Upgrade the server to PostgreSQL {} (pg_upgrade for a major "
                      "version, the distribution's packages for a minor one).",
                      target)};
      break;
    case Platform::supabase:
    case Platform::neon:
    case Platform::crunchy_bridge:
    case Platform::timescale:
    case Platform::planetscale:
      fix.steps = {fmt::format("Upgrade the {} database to PostgreSQL {} from its dashboard.",
                               platform_info(platform).name, target)};
      break;
  }
  fix.docs = setup_docs(facts);
  return fix;
}

// version() as a detail line.
std::string printable_version(const ServerFacts& server) {
  return fmt::format("version(): {}", server.version_string);
}

}  // namespace

CheckResult server_version(const Facts& facts, const Scope& /*scope*/) {
  const ServerFacts& server = facts.server;
  // ClickPipes' engine (PeerDB) refuses a PostgreSQL-compatible server that is
  // not PostgreSQL, from what version() says.
  if (const std::optional<std::string> engine = refused_engine(server)) {
    Remediation fix;
    fix.steps = {fmt::format(
        "ClickPipes' Postgres CDC does not support {}: replicate from a PostgreSQL server.",
        *engine)};
    fix.docs = setup_docs(facts);
    return make_result(Status::fail, fmt::format("{} is not supported by ClickPipes", *engine),
                       {printable_version(server)}, std::move(fix));
  }
  // AlloyDB's ClickPipes guide asks for AlloyDB for PostgreSQL 14 or later.
  if (platform_of(facts) == Platform::alloydb && server.version_num < kOldestAlloyDb) {
    return make_result(Status::fail,
                       fmt::format("AlloyDB for PostgreSQL {} is older than 14, the oldest "
                                   "AlloyDB version ClickPipes supports",
                                   server.version),
                       {}, upgrade(facts, "14 or later (ideally the latest)"));
  }
  if (server.version_num < kOldestSupported) {
    return make_result(Status::fail,
                       fmt::format("PostgreSQL {} is older than 12, the oldest version ClickPipes "
                                   "supports",
                                   server.version),
                       {}, upgrade(facts, "12 or later (ideally the latest)"));
  }
  for (const BuggyMinor& buggy : kBuggyMinors) {
    if (server.version_num == buggy.version_num) {
      return make_result(
          Status::warn,
          fmt::format("PostgreSQL {} has a known logical decoding bug (\"invalid memory alloc "
                      "request size\"), fixed in {}",
                      server.version, buggy.fixed_in),
          {"Logical decoding of large transactions can fail on this minor release."},
          upgrade(facts, fmt::format("{} or later", buggy.fixed_in)));
    }
  }
  return make_result(Status::pass, fmt::format("PostgreSQL {}", server.version));
}

CheckResult server_platform(const Facts& facts, const Scope& /*scope*/) {
  const ServerFacts& server = facts.server;
  const PlatformDetection detected = detect_platform(facts);
  std::vector<std::string> details;
  if (detected.signal.empty()) {
    details.emplace_back(
        "no platform signal: not Aurora (no aurora_version()), RDS (no "
        "rds.extensions) or any other platform docs/platforms.md lists");
  } else {
    details.push_back(detected.signal);
  }
  if (detected.platform != Platform::timescale) {
    if (const auto found = server.extensions.find("timescaledb");
        found != server.extensions.end()) {
      details.push_back(fmt::format("the timescaledb extension is installed ({})", found->second));
    }
  }
  std::string summary;
  switch (detected.platform) {
    case Platform::aurora:
      summary = fmt::format("Amazon Aurora PostgreSQL {} (PostgreSQL {})",
                            server.aurora_version.value_or(""), server.version);
      break;
    case Platform::rds:
      summary = fmt::format("Amazon RDS for PostgreSQL {}", server.version);
      break;
    case Platform::postgresql:
      summary = fmt::format("PostgreSQL {}", server.version);
      break;
    default:
      summary =
          fmt::format("{} (PostgreSQL {})", platform_info(detected.platform).name, server.version);
      break;
  }
  return make_result(Status::pass, std::move(summary), std::move(details));
}

}  // namespace cdcpreflight::checks
