#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "aws/parse.h"
#include "cdcpreflight/aws.h"

namespace cdcpreflight {

// data/clickpipes-static-ips.json, as CMake wrote it into the build.
extern const char kBuiltinClickPipesIps[];

const char* to_string(AwsFailure failure) {
  switch (failure) {
    case AwsFailure::none:
      return "none";
    case AwsFailure::no_cli:
      return "no_cli";
    case AwsFailure::credentials:
      return "credentials";
    case AwsFailure::access_denied:
      return "access_denied";
    case AwsFailure::throttled:
      return "throttled";
    case AwsFailure::not_found:
      return "not_found";
    case AwsFailure::timeout:
      return "timeout";
    case AwsFailure::endpoint:
      return "endpoint";
    case AwsFailure::invalid_output:
      return "invalid_output";
    case AwsFailure::other:
      return "other";
  }
  return "other";
}

const AwsClusterMember* aws_writer_member(const AwsFacts& aws) {
  if (!aws.cluster) {
    return nullptr;
  }
  const auto& members = aws.cluster->members;
  const auto found = std::find_if(members.begin(), members.end(),
                                  [](const AwsClusterMember& member) { return member.writer; });
  return found == members.end() ? nullptr : &*found;
}

const AwsInstance* aws_instance(const AwsFacts& aws, std::string_view identifier) {
  const auto found =
      std::find_if(aws.instances.begin(), aws.instances.end(),
                   [&](const AwsInstance& instance) { return instance.identifier == identifier; });
  return found == aws.instances.end() ? nullptr : &*found;
}

const AwsParameter* aws_parameter(const AwsFacts& aws, std::string_view name) {
  const auto found =
      std::find_if(aws.parameters.begin(), aws.parameters.end(),
                   [&](const AwsParameter& parameter) { return parameter.name == name; });
  return found == aws.parameters.end() ? nullptr : &*found;
}

namespace {

std::optional<std::uint32_t> ipv4(const std::string& text) {
  in_addr address{};
  if (inet_pton(AF_INET, text.c_str(), &address) != 1) {
    return std::nullopt;
  }
  return ntohl(address.s_addr);
}

}  // namespace

bool cidr_contains(const std::string& cidr, const std::string& ip) {
  if (cidr.find('\0') != std::string::npos || ip.find('\0') != std::string::npos) {
    return false;  // inet_pton would read up to it only
  }
  const std::size_t slash = cidr.find('/');
  const auto base = ipv4(cidr.substr(0, slash));
  const auto address = ipv4(ip);
  int bits = 32;
  if (slash != std::string::npos) {
    const char* begin = cidr.data() + slash + 1;
    const char* end = cidr.data() + cidr.size();
    const auto [at, ec] = std::from_chars(begin, end, bits);
    if (ec != std::errc{} || at != end || bits < 0 || bits > 32) {
      return false;
    }
  }
  if (!base || !address) {
    return false;
  }
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (*base & mask) == (*address & mask);
}

const ClickPipesIps& builtin_clickpipes_ips() {
  static const ClickPipesIps kIps = [] {
    ClickPipesIps ips;
    // The file is the repository's and is checked by the tests: it parses.
    [[maybe_unused]] const auto error = parse_clickpipes_ips(kBuiltinClickPipesIps, ips);
    ips.source = "built in";
    return ips;
  }();
  return kIps;
}

}  // namespace cdcpreflight
