#include "aws/cli.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "util/printable.h"

namespace cdcpreflight {

namespace {

// What the CLI's error codes mean for the checks (botocore: "An error
// occurred (CODE) when calling the OPERATION operation: MESSAGE").
struct KnownCode {
  std::string_view code;
  AwsFailure failure;
};

constexpr KnownCode kKnownCodes[] = {
    {"AccessDenied", AwsFailure::access_denied},
    {"AccessDeniedException", AwsFailure::access_denied},
    {"UnauthorizedOperation", AwsFailure::access_denied},
    {"UnauthorizedAccess", AwsFailure::access_denied},
    {"Throttling", AwsFailure::throttled},
    {"ThrottlingException", AwsFailure::throttled},
    {"RequestLimitExceeded", AwsFailure::throttled},
    {"TooManyRequestsException", AwsFailure::throttled},
    {"DBClusterNotFoundFault", AwsFailure::not_found},
    {"DBInstanceNotFound", AwsFailure::not_found},
    {"DBInstanceNotFoundFault", AwsFailure::not_found},
    {"DBParameterGroupNotFound", AwsFailure::not_found},
    {"DBParameterGroupNotFoundFault", AwsFailure::not_found},
    {"GlobalClusterNotFoundFault", AwsFailure::not_found},
    {"InvalidGroup.NotFound", AwsFailure::not_found},
    {"InvalidClientTokenId", AwsFailure::credentials},
    {"UnrecognizedClientException", AwsFailure::credentials},
    {"SignatureDoesNotMatch", AwsFailure::credentials},
    {"AuthFailure", AwsFailure::credentials},
    {"ExpiredToken", AwsFailure::credentials},
    {"ExpiredTokenException", AwsFailure::credentials},
    {"RequestExpired", AwsFailure::credentials},
};

// Words of the CLI's own messages (no error code), and what they mean.
struct KnownWords {
  std::string_view words;
  AwsFailure failure;
};

constexpr KnownWords kKnownWords[] = {
    {"Unable to locate credentials", AwsFailure::credentials},
    {"Token has expired", AwsFailure::credentials},
    {"SSO session", AwsFailure::credentials},
    {"Error loading SSO Token", AwsFailure::credentials},
    {"could not be found", AwsFailure::credentials},  // The config profile (x) could not be found
    {"Partial credentials found", AwsFailure::credentials},
    {"Could not connect to the endpoint URL", AwsFailure::endpoint},
    {"Connect timeout on endpoint URL", AwsFailure::endpoint},
    {"Read timeout on endpoint URL", AwsFailure::endpoint},
    {"Invalid endpoint", AwsFailure::endpoint},
    {"You must specify a region", AwsFailure::other},
};

// The values that must never be shown, whatever the CLI echoes.
std::string without_secrets(std::string text) {
  for (const char* name : {"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || std::string_view(value).size() < 8) {
      continue;
    }
    const std::string secret(value);
    for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "********");
    }
  }
  return text;
}

// The line that says why: botocore's "An error occurred" line when there is
// one, else the last line that is not empty.
std::string cause_line(std::string_view err) {
  std::string_view chosen;
  std::size_t start = 0;
  while (start < err.size()) {
    std::size_t end = err.find('\n', start);
    if (end == std::string_view::npos) {
      end = err.size();
    }
    std::string_view line = err.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.remove_suffix(1);
    }
    if (!line.empty()) {
      if (line.find("An error occurred (") != std::string_view::npos) {
        chosen = line;
        break;
      }
      chosen = line;
    }
    start = end + 1;
  }
  return std::string(chosen);
}

std::string one_line(std::string text) {
  text = printable(without_secrets(std::move(text)));
  constexpr std::size_t kMax = 400;
  if (text.size() > kMax) {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
      --cut;  // not inside a UTF-8 sequence
    }
    text = text.substr(0, cut) + "…";
  }
  return text;
}

}  // namespace

std::vector<std::string> aws_arguments(const AwsOptions& options,
                                       const std::vector<std::string>& call) {
  std::vector<std::string> args{"aws"};
  args.insert(args.end(), call.begin(), call.end());
  args.insert(args.end(), {"--output", "json"});
  if (!options.region.empty()) {
    args.insert(args.end(), {"--region", options.region});
  }
  if (!options.profile.empty()) {
    args.insert(args.end(), {"--profile", options.profile});
  }
  if (!options.endpoint_url.empty()) {
    args.insert(args.end(), {"--endpoint-url", options.endpoint_url});
  }
  const int connect = std::max(1, std::min(10, options.timeout_seconds / 2));
  args.insert(args.end(), {"--cli-connect-timeout", std::to_string(connect), "--cli-read-timeout",
                           std::to_string(std::max(1, options.timeout_seconds))});
  return args;
}

AwsError classify_aws_failure(const std::string& name, const ProcessResult& result,
                              int timeout_seconds) {
  AwsError error;
  error.call = name;
  if (!result.started) {
    if (result.spawn_error == ENOENT) {
      error.failure = AwsFailure::no_cli;
      error.message =
          "the AWS CLI (aws) is not on PATH: install AWS CLI v2 "
          "(https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)";
    } else {
      error.failure = AwsFailure::no_cli;
      error.message =
          fmt::format("could not run the AWS CLI (aws): {}", std::strerror(result.spawn_error));
    }
    return error;
  }
  if (result.timed_out) {
    error.failure = AwsFailure::timeout;
    error.message =
        fmt::format("aws {} gave no answer within {} s (--aws-timeout)", name, timeout_seconds);
    return error;
  }
  const std::string line = cause_line(result.err);
  error.failure = AwsFailure::other;
  if (const std::size_t open = line.find("An error occurred ("); open != std::string::npos) {
    const std::size_t start = open + std::string_view("An error occurred (").size();
    const std::size_t close = line.find(')', start);
    const std::string code = close == std::string::npos ? "" : line.substr(start, close - start);
    for (const KnownCode& known : kKnownCodes) {
      if (known.code == code) {
        error.failure = known.failure;
      }
    }
  } else {
    for (const KnownWords& known : kKnownWords) {
      if (line.find(known.words) != std::string::npos) {
        error.failure = known.failure;
        break;
      }
    }
  }
  if (line.find("You must specify a region") != std::string::npos) {
    error.message = fmt::format(
        "aws {}: no region: give --aws-region (or set one in the AWS CLI profile)", name);
  } else if (line.empty()) {
    error.message =
        fmt::format("aws {} exited with status {} and said nothing", name, result.exit_code);
  } else {
    error.message = one_line(fmt::format("aws {}: {}", name, line));
  }
  return error;
}

AwsAnswer call_aws(const AwsOptions& options, const std::vector<std::string>& call) {
  const std::string name = call.size() >= 2 ? call[0] + " " + call[1] : "";
  // No pager and no prompt: the CLI's output is read, not shown.
  const std::vector<std::pair<std::string, std::string>> environment{
      {"AWS_PAGER", ""}, {"AWS_CLI_AUTO_PROMPT", "off"}};
  spdlog::debug("running aws {}", name);
  ProcessResult result =
      run_process(aws_arguments(options, call), environment, std::max(1, options.timeout_seconds));
  AwsAnswer answer;
  if (!result.started || result.timed_out || result.exit_code != 0) {
    answer.error = classify_aws_failure(name, result, options.timeout_seconds);
    spdlog::debug("aws {}: {}", name, answer.error->message);
    return answer;
  }
  answer.out = std::move(result.out);
  return answer;
}

}  // namespace cdcpreflight
