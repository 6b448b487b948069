// What the AWS CLI prints for --aws (src/aws/parse.cc), on arbitrary bytes: the
// input is given to every Describe call's parser and to parse_cluster_arn, then
// the three aws.* checks run over the facts built from whatever parsed (as
// gather_aws builds them: a part that did not parse is that part's error), for
// several hosts and --clickpipes-region values, and over their redaction.
// Properties: no crash, exception or sanitizer finding; a parser's error is one
// printable line; a parsed cluster ARN is the text's region and id; each check
// gives a known status with a summary, a pass has no fix, and aws.network says
// what it does not read whenever it judged the network; the facts write to a
// snapshot that loads back as the same JSON (unless a string holds a NUL,
// which a snapshot refuses by design and the AWS API never returns).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/parse.h"
#include "cdcpreflight/aws.h"
#include "cdcpreflight/check.h"
#include "cdcpreflight/facts.h"
#include "facts/redact.h"
#include "util/printable.h"

namespace cdcpreflight {
namespace {

void require(bool condition) {
  if (!condition) {
    std::abort();
  }
}

// A parser's error, as gather_aws records it.
std::optional<AwsError> as_error(const char* call, const std::optional<std::string>& error) {
  if (!error) {
    return std::nullopt;
  }
  require(!error->empty() && is_printable(*error));
  return AwsError{AwsFailure::invalid_output, call, std::string("aws ") + call + ": " + *error};
}

void check_arn(std::string_view text) {
  const std::optional<ClusterArn> arn = parse_cluster_arn(text);
  if (!arn) {
    return;
  }
  require(!arn->region.empty() && !arn->identifier.empty());
  require(arn->identifier.find(':') == std::string::npos);
  require(text.starts_with("arn:"));
  require(text.ends_with(":cluster:" + arn->identifier));
  require(text.find(":rds:" + arn->region + ":") != std::string_view::npos);
}

constexpr std::string_view kChecks[] = {"aws.cluster", "aws.parameter_group", "aws.network"};

void run_aws_checks(const Facts& facts) {
  for (const char* region : {"", "us-east-1", "mars-1"}) {
    ScopeRequest request;
    request.clickpipes_region = region;
    const Scope scope = resolve_scope(facts, request);
    for (const std::string_view id : kChecks) {
      const CheckDefinition* check = find_check(id);
      require(check != nullptr && check->control_plane);
      const CheckResult result = check->evaluate(facts, scope);
      require(!result.summary.empty());
      require(result.summary != "not checked: --aws not given");
      const Status status = result.status;
      require(status == Status::pass || status == Status::warn || status == Status::fail ||
              status == Status::skip || status == Status::error);
      require(status != Status::pass || result.remediation.empty());
      if (id == "aws.network" && result.status != Status::skip && result.status != Status::error) {
        bool says_out_of_scope = false;
        for (const std::string& detail : result.details) {
          says_out_of_scope =
              says_out_of_scope || detail.starts_with("network ACLs and route tables are not read");
        }
        require(says_out_of_scope);
      }
    }
  }
}

std::string written(const Facts& facts) {
  return nlohmann::json(facts).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace
}  // namespace cdcpreflight

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cdcpreflight;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  Facts facts;
  facts.connection.connected = true;
  facts.connection.port = 5432;
  AwsFacts& aws = facts.aws;
  aws.attempted = true;
  aws.region = "us-east-1";
  aws.cluster_id = "mydb";
  aws.cluster_from = "host name";
  aws.clickpipes_ips = builtin_clickpipes_ips();

  aws.cluster_error = as_error("rds describe-db-clusters", parse_db_clusters(text, aws.cluster));
  require(!aws.cluster_error || !aws.cluster);
  std::string cluster_of_first;
  aws.instances_error = as_error("rds describe-db-instances",
                                 parse_db_instances(text, aws.instances, &cluster_of_first));
  aws.parameters_error = as_error("rds describe-db-cluster-parameters",
                                  parse_cluster_parameters(text, aws.parameters));
  for (const AwsParameter& parameter : aws.parameters) {
    bool known = false;
    for (const std::string_view name : kAwsParameters) {
      known = known || parameter.name == name;
    }
    require(known);
  }
  aws.security_groups_error =
      as_error("ec2 describe-security-groups", parse_security_groups(text, aws.security_groups));
  const std::string cluster_arn = aws.cluster ? aws.cluster->arn : "";
  aws.global_error = as_error("rds describe-global-clusters",
                              parse_global_clusters(text, cluster_arn, aws.global_cluster));
  if (aws.global_cluster && !cluster_arn.empty()) {
    bool member = false;
    for (const std::string& arn : aws.global_cluster->member_arns) {
      member = member || arn == cluster_arn;
    }
    require(member);
  }

  check_arn(text);
  if (aws.cluster) {
    check_arn(aws.cluster->arn);
  }
  if (aws.global_cluster) {
    check_arn(aws.global_cluster->writer_arn);
  }

  // The checks, from hosts that are and are not the cluster's endpoints.
  std::vector<std::string> hosts = {"mydb.cluster-abc123.us-east-1.rds.amazonaws.com",
                                    "myglobal.global-abc123.global.rds.amazonaws.com",
                                    "db.example.com"};
  if (aws.cluster) {
    hosts.push_back(aws.cluster->endpoint);
    hosts.push_back(aws.cluster->reader_endpoint);
    if (!aws.cluster->custom_endpoints.empty()) {
      hosts.push_back(aws.cluster->custom_endpoints.front());
    }
  }
  if (!aws.instances.empty()) {
    hosts.push_back(aws.instances.front().address);
  }
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  for (const std::string& host : hosts) {
    facts.connection.host = host;
    run_aws_checks(facts);
  }
  aws.cluster_from = "global database";
  run_aws_checks(facts);

  // collect --aws writes these facts; check --from reads them back (without
  // the built-in IP list, which is not the input's and only slows this down).
  Facts snapshot = facts;
  snapshot.aws.clickpipes_ips = ClickPipesIps{};
  const std::string once = written(snapshot);
  if (once.find("\\u0000") == std::string::npos) {
    const Facts loaded = nlohmann::json::parse(once).get<Facts>();
    require(written(loaded) == once);
  }

  // collect --aws --redact, then the checks again.
  run_aws_checks(redact(facts));
  return 0;
}
