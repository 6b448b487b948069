#include "remediation/parameters.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/format.h>

#include "cdcpreflight/check.h"
#include "cdcpreflight/endpoint.h"
#include "cdcpreflight/platform.h"
#include "cdcpreflight/sql_quote.h"
#include "remediation/clouds.h"
#include "remediation/docs.h"

namespace cdcpreflight {

namespace {

std::string parameters_argument(std::span<const ParameterChange> changes) {
  std::string argument;
  for (const ParameterChange& change : changes) {
    argument +=
        fmt::format(" \\\n    \"ParameterName={},ParameterValue={},ApplyMethod=pending-reboot\"",
                    change.name, change.value);
  }
  return argument;
}

std::string settings_list(std::span<const ParameterChange> changes) {
  std::string list;
  for (const ParameterChange& change : changes) {
    list += (list.empty() ? "" : ", ") + change.name + " = " + change.value;
  }
  return list;
}

}  // namespace

std::string aurora_reboot_command(const AwsTarget& target, const std::string& instance) {
  return fmt::format("aws rds reboot-db-instance --region {} --db-instance-identifier {}",
                     target.region, instance);
}

std::string member_status_command(const AwsTarget& target) {
  return fmt::format(
      "aws rds describe-db-clusters --region {} --db-cluster-identifier {} --query "
      "'DBClusters[0].DBClusterMembers[].[DBInstanceIdentifier,DBClusterParameterGroupStatus]' "
      "--output text",
      target.region, target.cluster);
}

AwsTarget aws_target(const Facts& facts) {
  const Endpoint endpoint = classify_host(facts.connection.host);
  AwsTarget target;
  if (endpoint.kind == EndpointKind::cluster_writer ||
      endpoint.kind == EndpointKind::cluster_reader ||
      endpoint.kind == EndpointKind::cluster_custom) {
    target.cluster = endpoint.identifier;
  }
  if (endpoint.kind == EndpointKind::instance) {
    target.instance = endpoint.identifier;
  }
  if (!endpoint.region.empty()) {
    target.region = endpoint.region;
  }
  int major = facts.server.version_num / 10000;
  const AwsFacts& aws = facts.aws;
  if (aws.cluster) {
    target.cluster = aws.cluster->identifier;
    target.parameter_group = aws.cluster->parameter_group;
    if (const AwsClusterMember* writer = aws_writer_member(aws)) {
      target.writer = writer->instance;
    }
    const std::string& version = aws.cluster->engine_version;
    int from_engine = 0;
    std::from_chars(version.data(), version.data() + version.size(), from_engine);
    major = from_engine > 0 ? from_engine : major;
  }
  if (aws.attempted && !aws.region.empty()) {
    target.region = aws.region;
  }
  target.family =
      major > 0 ? fmt::format("aurora-postgresql{}", major) : "aurora-postgresql<major>";
  target.custom_group = major > 0 ? fmt::format("cdc-aurora-pg{}", major) : "cdc-aurora-pg<major>";
  return target;
}

namespace {

std::vector<std::string> aurora_reboot_commands(const AwsTarget& target) {
  if (target.writer != "<writer-instance>") {
    return {aurora_reboot_command(target, target.writer)};
  }
  return {
      fmt::format("aws rds describe-db-clusters --region {} --db-cluster-identifier {} --query "
                  "'DBClusters[0].DBClusterMembers[?IsClusterWriter==`true`].DBInstanceIdentifier' "
                  "--output text",
                  target.region, target.cluster),
      aurora_reboot_command(target, target.writer)};
}

constexpr const char* kAuroraRebootStep =
    "Reboot the writer instance (then the readers) so the change takes effect, and check that "
    "DBClusterParameterGroupStatus is in-sync.";
constexpr const char* kPostgresRestartCommand =
    "pg_ctl restart -D <data-directory>   # or: sudo systemctl restart postgresql";

std::string create_and_attach_commands(const AwsTarget& target) {
  return fmt::format(
      "aws rds create-db-cluster-parameter-group --region {0} "
      "--db-cluster-parameter-group-name {2} --db-parameter-group-family {3} "
      "--description \"Logical replication for CDC\"\n"
      "aws rds modify-db-cluster --region {0} --db-cluster-identifier {1} "
      "--db-cluster-parameter-group-name {2}",
      target.region, target.cluster, target.custom_group, target.family);
}

}  // namespace

Remediation aurora_group_remediation(const Facts& facts, std::span<const ParameterChange> changes) {
  const AwsTarget target = aws_target(facts);
  const bool replace = target.default_group() || target.parameter_group.empty();
  const std::string& group = replace ? target.custom_group : target.parameter_group;
  Remediation fix;
  if (replace) {
    fix.steps.push_back(fmt::format(
        "Cluster {} uses {}, a default DB cluster parameter group, which cannot be modified: "
        "create the custom DB cluster parameter group {} (family {}) and attach it to the "
        "cluster (Console: Modify > DB cluster parameter group > Continue > Modify cluster).",
        target.cluster, target.parameter_group.empty() ? "no" : target.parameter_group, group,
        target.family));
    fix.commands.push_back(create_and_attach_commands(target));
  }
  if (!changes.empty()) {
    fix.steps.push_back(fmt::format(
        "In the DB cluster parameter group {}, set {} (Console: Parameter groups > {} > Edit > "
        "Save changes).",
        group, settings_list(changes), group));
    fix.commands.push_back(
        fmt::format("aws rds modify-db-cluster-parameter-group --region {} "
                    "--db-cluster-parameter-group-name {}{}",
                    target.region, group, parameters_argument(changes)));
  }
  fix.steps.push_back(fmt::format(
      "Reboot the writer instance {} (then the readers) so the change takes effect, and check "
      "that DBClusterParameterGroupStatus is in-sync.",
      target.writer));
  fix.commands.push_back(aurora_reboot_command(target, target.writer));
  fix.commands.push_back(member_status_command(target));
  fix.docs = kAuroraSetupDocs;
  fix.parameters.assign(changes.begin(), changes.end());
  return fix;
}

namespace {

Remediation aurora_remediation(const Facts& facts, std::span<const ParameterChange> changes) {
  const AwsTarget target = aws_target(facts);
  if (!target.parameter_group.empty()) {
    return aurora_group_remediation(facts, changes);
  }
  const std::string& cluster = target.cluster;
  const std::string& region = target.region;
  const std::string& family = target.family;
  Remediation fix;
  fix.steps = {
      fmt::format("In the DB cluster parameter group of cluster {}, set {} (a default.* group "
                  "cannot be modified: create a custom DB cluster parameter group of family {}, "
                  "set the values there and attach it to the cluster).",
                  cluster, settings_list(changes), family),
      "Console: Databases > the cluster > Configuration > DB cluster parameter group > Edit > "
      "Save changes; to attach a custom group: Modify > DB cluster parameter group > Continue > "
      "Modify cluster.",
      kAuroraRebootStep,
  };
  fix.commands = {
      fmt::format("aws rds describe-db-clusters --region {} --db-cluster-identifier {} --query "
                  "'DBClusters[0].DBClusterParameterGroup' --output text",
                  region, cluster),
      "# only if that group's name starts with default.:\n" + create_and_attach_commands(target),
      fmt::format("aws rds modify-db-cluster-parameter-group --region {} "
                  "--db-cluster-parameter-group-name <group>{}",
                  region, parameters_argument(changes)),
  };
  for (std::string& command : aurora_reboot_commands(target)) {
    fix.commands.push_back(std::move(command));
  }
  fix.docs = kAuroraSetupDocs;
  fix.parameters.assign(changes.begin(), changes.end());
  return fix;
}

std::string rds_reboot_command(const AwsTarget& target) {
  return aurora_reboot_command(target, target.instance);  // the same call for an RDS instance
}

Remediation rds_remediation(const Facts& facts, std::span<const ParameterChange> changes) {
  const AwsTarget target = aws_target(facts);
  const std::string& instance = target.instance;
  const std::string& region = target.region;
  const int major = facts.server.version_num / 10000;
  const std::string family = major > 0 ? fmt::format("postgres{}", major) : "postgres<major>";
  Remediation fix;
  fix.steps = {
      fmt::format("In the DB parameter group of instance {}, set {} (a default.* group cannot be "
                  "modified: create a custom DB parameter group of family {} and attach it).",
                  instance, settings_list(changes), family),
      "Reboot the instance so the change takes effect.",
  };
  fix.commands = {
      fmt::format("aws rds describe-db-instances --region {} --db-instance-identifier {} --query "
                  "'DBInstances[0].DBParameterGroups' --output text",
                  region, instance),
      fmt::format(
          "aws rds modify-db-parameter-group --region {} --db-parameter-group-name <group>{}",
          region, parameters_argument(changes)),
      rds_reboot_command(target),
  };
  fix.docs = kRdsSetupDocs;
  fix.parameters.assign(changes.begin(), changes.end());
  return fix;
}

Remediation postgres_remediation(std::span<const ParameterChange> changes, NeedsRestart restart) {
  Remediation fix;
  for (const ParameterChange& change : changes) {
    fix.sql.push_back(
        fmt::format("ALTER SYSTEM SET {} = {};", quote_identifier(change.name), change.sql_value));
  }
  if (restart == NeedsRestart::yes) {
    fix.steps.push_back(
        "Restart PostgreSQL so the change takes effect (ALTER SYSTEM writes "
        "postgresql.auto.conf; this parameter is read only at server start).");
    fix.commands.push_back(kPostgresRestartCommand);
  } else {
    fix.sql.push_back("SELECT pg_reload_conf();");
  }
  fix.docs = kGenericSetupDocs;
  return fix;
}

}  // namespace

Remediation reboot_remediation(const Facts& facts) {
  Remediation fix;
  const Platform platform = platform_of(facts);
  switch (platform) {
    case Platform::aurora:
      fix.steps = {kAuroraRebootStep};
      fix.commands = aurora_reboot_commands(aws_target(facts));
      fix.docs = kAuroraSetupDocs;
      break;
    case Platform::rds:
      fix.steps = {"Reboot the instance so the change takes effect."};
      fix.commands = {rds_reboot_command(aws_target(facts))};
      fix.docs = kRdsSetupDocs;
      break;
    case Platform::timescale:
      if (timescale_cloud(facts)) {
        return cloud_restart_remediation(facts, platform);
      }
      [[fallthrough]];  // a self-hosted TimescaleDB
    case Platform::postgresql:
      fix.steps = {"Restart PostgreSQL so the change takes effect."};
      fix.commands = {kPostgresRestartCommand};
      fix.docs = platform_info(platform).setup_docs;
      break;
    default:
      return cloud_restart_remediation(facts, platform);
  }
  return fix;
}

Remediation parameter_remediation(const Facts& facts, std::span<const ParameterChange> changes,
                                  NeedsRestart restart) {
  const Platform platform = platform_of(facts);
  switch (platform) {
    case Platform::aurora:
      return aurora_remediation(facts, changes);
    case Platform::rds:
      return rds_remediation(facts, changes);
    case Platform::postgresql:
    case Platform::crunchy_bridge:  // connects as postgres, a superuser: ALTER SYSTEM works
      break;
    case Platform::timescale:
      if (!timescale_cloud(facts)) {
        break;  // a self-hosted TimescaleDB
      }
      return cloud_parameter_remediation(facts, platform, changes, restart == NeedsRestart::yes);
    default:
      return cloud_parameter_remediation(facts, platform, changes, restart == NeedsRestart::yes);
  }
  Remediation fix = postgres_remediation(changes, restart);
  if (platform == Platform::crunchy_bridge && restart == NeedsRestart::yes) {
    // ALTER SYSTEM as postgres, then the restart from the dashboard.
    const Remediation restart_fix = cloud_restart_remediation(facts, platform);
    fix.steps = restart_fix.steps;
    fix.commands = restart_fix.commands;
  }
  fix.docs = platform_info(platform).setup_docs;
  return fix;
}

namespace {

// Removes from `entries` every entry of `own`.
void remove_each(std::vector<std::string>& entries, const std::vector<std::string>& own) {
  std::erase_if(entries, [&](const std::string& entry) {
    return std::find(own.begin(), own.end(), entry) != own.end();
  });
}

}  // namespace

std::optional<ParameterGroupFix> combine_parameter_fixes(const Facts& facts,
                                                         std::vector<CheckResult>& results) {
  if (!is_aws_platform(platform_of(facts))) {
    return std::nullopt;
  }
  std::vector<CheckResult*> parts;
  for (CheckResult& result : results) {
    if ((result.status == Status::warn || result.status == Status::fail) &&
        !result.remediation.parameters.empty()) {
      parts.push_back(&result);
    }
  }
  if (parts.size() < 2) {
    return std::nullopt;
  }
  ParameterGroupFix combined;
  std::vector<ParameterChange> all;
  for (const CheckResult* part : parts) {
    combined.checks.push_back(part->id);
    for (const ParameterChange& change : part->remediation.parameters) {
      const bool known = std::any_of(all.begin(), all.end(), [&](const ParameterChange& seen) {
        return seen.name == change.name;
      });
      if (!known) {
        all.push_back(change);
      }
    }
  }
  combined.remediation = parameter_remediation(facts, all, NeedsRestart::yes);
  for (CheckResult* part : parts) {
    Remediation& fix = part->remediation;
    const Remediation own = parameter_remediation(facts, fix.parameters, NeedsRestart::yes);
    remove_each(fix.steps, own.steps);
    remove_each(fix.commands, own.commands);
    std::string others;
    for (const std::string& id : combined.checks) {
      if (id != part->id) {
        others += (others.empty() ? "" : ", ") + id;
      }
    }
    fix.steps.push_back(fmt::format(
        "Set {} in the one parameter-group fix of this report, with what {} needs: one group, "
        "one modify call, one reboot (\"One parameter-group fix\" after the checks; "
        "parameter_group in --format json).",
        settings_list(fix.parameters), others));
  }
  return combined;
}

}  // namespace cdcpreflight
