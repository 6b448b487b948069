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

// What the host name reveals of the cluster or instance, else <placeholders>.
struct AwsTarget {
  std::string cluster = "<cluster-id>";
  std::string instance = "<instance-id>";
  std::string region = "<region>";
};

[[nodiscard]] AwsTarget aws_target(const Facts& facts);

enum class NeedsRestart { no, yes };

[[nodiscard]] Remediation parameter_remediation(const Facts& facts,
                                                std::span<const ParameterChange> changes,
                                                NeedsRestart restart);

// The parameters are already set; only the reboot (restart) is missing.
[[nodiscard]] Remediation reboot_remediation(const Facts& facts);

}  // namespace cdcpreflight
