// The AWS CLI, run for one read-only Describe call: its arguments (profile,
// region, endpoint, JSON output, no pager, bounded waits) and the one-line
// cause of a call that gave no answer.
#pragma once

#include <string>
#include <vector>

#include "cdcpreflight/aws.h"
#include "util/process.h"

namespace cdcpreflight {

struct AwsAnswer {
  std::string out;  // the JSON the CLI printed
  std::optional<AwsError> error;
};

// The arguments given to `aws` for `call` (e.g. {"rds", "describe-db-clusters",
// "--db-cluster-identifier", "x"}).
[[nodiscard]] std::vector<std::string> aws_arguments(const AwsOptions& options,
                                                     const std::vector<std::string>& call);

// Runs the call; an answer without error holds the CLI's stdout.
[[nodiscard]] AwsAnswer call_aws(const AwsOptions& options, const std::vector<std::string>& call);

// Why the call `name` (e.g. "rds describe-db-clusters") failed, from how the
// CLI ended and what it wrote on stderr: one printable line, without the
// values of AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
[[nodiscard]] AwsError classify_aws_failure(const std::string& name, const ProcessResult& result,
                                            int timeout_seconds);

}  // namespace cdcpreflight
