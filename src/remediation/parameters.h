// Platform-aware fixes for server parameters: the DB cluster parameter group and
// a writer reboot on Aurora, the DB parameter group on RDS, ALTER SYSTEM
// elsewhere. AWS CLI commands are filled in with the cluster or instance
// identifier and region the host name reveals, else left as <placeholders>.
#pragma once

#include <span>
#include <string>

#include "cdcpreflight/facts.h"
#include "cdcpreflight/remediation.h"

namespace cdcpreflight {

// What --aws read of the cluster, else what the host name reveals of the
// cluster or instance, else <placeholders>.
struct AwsTarget {
  std::string cluster = "<cluster-id>";
  std::string instance = "<instance-id>";
  std::string region = "<region>";
  std::string writer = "<writer-instance>";
  // The DB cluster parameter group attached, when --aws read it (empty: unknown).
  std::string parameter_group;
  // The family of a custom group (aurora-postgresql15) and its suggested name
  // (cdc-aurora-pg15), from the cluster's engine version, else the server's.
  std::string family;
  std::string custom_group;
  [[nodiscard]] bool default_group() const { return parameter_group.starts_with("default."); }
};

[[nodiscard]] AwsTarget aws_target(const Facts& facts);

// aws rds reboot-db-instance of `instance`, in the target's region.
[[nodiscard]] std::string aurora_reboot_command(const AwsTarget& target,
                                                const std::string& instance);
// The command that shows each member's DBClusterParameterGroupStatus.
[[nodiscard]] std::string member_status_command(const AwsTarget& target);

enum class NeedsRestart { no, yes };

[[nodiscard]] Remediation parameter_remediation(const Facts& facts,
                                                std::span<const ParameterChange> changes,
                                                NeedsRestart restart);

// The parameters are already set; only the reboot (restart) is missing.
[[nodiscard]] Remediation reboot_remediation(const Facts& facts);

// Aurora, what --aws read: the fix of the cluster's parameter group for
// `changes` (a custom group created and attached first when a default.* one is
// attached), then the reboot of the writer; with no changes, only the
// attachment of a custom group (when the default is attached) and the reboot.
[[nodiscard]] Remediation aurora_group_remediation(const Facts& facts,
                                                   std::span<const ParameterChange> changes);

}  // namespace cdcpreflight
