// The ClickPipes static IP list (--clickpipes-ips FILE, and the list shipped
// as data/clickpipes-static-ips.json) on arbitrary bytes, then cidr_contains
// for every address it holds. Properties: a list that does not parse is a one-
// line printable error and leaves the list held unchanged; one that parses has
// a region, every region a name and an address, every address IPv4; an
// address is in its own /32, in 0.0.0.0/0 and in every shorter prefix of
// itself, a shorter prefix holds whatever a longer one does, and no prefix
// past /32 holds anything; aws.network, given a security group open to
// 0.0.0.0/0 or one admitting exactly a region's /32s, passes for that region.
// The input is also split at its first line feed into a range and an
// address for cidr_contains: a range that holds the address means both are
// IPv4.
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/parse.h"
#include "cdcpreflight/aws.h"
#include "cdcpreflight/check.h"
#include "cdcpreflight/facts.h"
#include "util/printable.h"

namespace cdcpreflight {
namespace {

void require(bool condition) {
  if (!condition) {
    std::abort();
  }
}

bool parses_as_ipv4(const std::string& text) {
  in_addr address{};
  return inet_pton(AF_INET, text.c_str(), &address) == 1;
}

void check_address(const std::string& ip, const std::string& other) {
  require(parses_as_ipv4(ip));
  require(cidr_contains(ip, ip));
  require(cidr_contains("0.0.0.0/0", ip));
  require(!cidr_contains(ip + "/33", ip));
  bool held = true;  // by `other`'s prefix of every length so far
  for (int bits = 0; bits <= 32; ++bits) {
    const std::string prefix = "/" + std::to_string(bits);
    require(cidr_contains(ip + prefix, ip));
    const bool holds_other = cidr_contains(ip + prefix, other);
    require(held || !holds_other);  // once a prefix length excludes it, every longer one does
    held = holds_other;
  }
}

// A public writer whose one security group has `rule`, asked for `region`.
Status network_status(const ClickPipesIps& ips, const AwsIngressRule& rule,
                      const std::string& region) {
  Facts facts;
  facts.connection.host = "mydb.cluster-abc123.us-east-1.rds.amazonaws.com";
  AwsFacts& aws = facts.aws;
  aws.attempted = true;
  aws.region = "us-east-1";
  aws.cluster_id = "mydb";
  aws.cluster_from = "host name";
  AwsCluster cluster;
  cluster.identifier = "mydb";
  cluster.port = 5432;
  cluster.members = {{"mydb-instance-1", true, "in-sync"}};
  aws.cluster = cluster;
  AwsInstance writer;
  writer.identifier = "mydb-instance-1";
  writer.publicly_accessible = true;
  writer.security_groups = {"sg-0123456789abcdef0"};
  aws.instances = {writer};
  AwsSecurityGroup group;
  group.id = "sg-0123456789abcdef0";
  group.ingress = {rule};
  aws.security_groups = {group};
  aws.clickpipes_ips = ips;
  ScopeRequest request;
  request.clickpipes_region = region;
  const CheckDefinition* check = find_check("aws.network");
  require(check != nullptr);
  return check->evaluate(facts, resolve_scope(facts, request)).status;
}

}  // namespace
}  // namespace cdcpreflight

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cdcpreflight;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // cidr_contains on the raw input: RANGE\nADDRESS.
  if (const std::size_t newline = text.find('\n'); newline != std::string_view::npos) {
    const std::string cidr(text.substr(0, newline));
    const std::string ip(text.substr(newline + 1));
    if (cidr_contains(cidr, ip)) {
      require(parses_as_ipv4(ip) && cidr_contains("0.0.0.0/0", ip));
      require(parses_as_ipv4(cidr.substr(0, cidr.find('/'))));
    }
  }

  ClickPipesIps ips;
  ips.source = "held";
  ips.regions = {{"held", {"192.0.2.1"}}};
  const auto error = parse_clickpipes_ips(text, ips);
  if (error) {
    require(!error->empty() && is_printable(*error));
    require(ips.source == "held" && ips.regions.size() == 1 && ips.regions[0].region == "held");
    return 0;
  }
  require(!ips.regions.empty());
  for (const ClickPipesRegion& region : ips.regions) {
    require(!region.region.empty() && !region.egress_ips.empty());
    const std::string& other = ips.regions.front().egress_ips.front();
    for (const std::string& ip : region.egress_ips) {
      check_address(ip, other);
    }
  }

  // aws.network over the parsed list, for its first and last regions (a name
  // the list repeats is its first entry's).
  for (const ClickPipesRegion* named : {&ips.regions.front(), &ips.regions.back()}) {
    const ClickPipesRegion* region = named;
    for (const ClickPipesRegion& candidate : ips.regions) {
      if (candidate.region == named->region) {
        region = &candidate;
        break;
      }
    }
    AwsIngressRule open;
    open.protocol = "tcp";
    open.from_port = 5432;
    open.to_port = 5432;
    open.ipv4_ranges = {"0.0.0.0/0"};
    require(network_status(ips, open, region->region) == Status::pass);
    AwsIngressRule exact = open;
    exact.ipv4_ranges.clear();
    for (const std::string& ip : region->egress_ips) {
      exact.ipv4_ranges.push_back(ip + "/32");
    }
    require(network_status(ips, exact, region->region) == Status::pass);
    AwsIngressRule other_port = exact;
    other_port.from_port = other_port.to_port = 5433;
    require(network_status(ips, other_port, region->region) == Status::fail);
  }
  return 0;
}
