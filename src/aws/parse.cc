#include "aws/parse.h"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/printable.h"

namespace cdcpreflight {

namespace {

using nlohmann::json;

struct Invalid : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const json& null_json() {
  static const json kNull;
  return kNull;
}

std::string shown(const char* key) { return printable(key); }

const json& member(const json& object, const char* key) {
  if (!object.is_object()) {
    throw Invalid("expected an object");
  }
  const auto found = object.find(key);
  return found == object.end() ? null_json() : *found;
}

std::string text(const json& object, const char* key) {
  const json& value = member(object, key);
  if (value.is_null()) {
    return {};
  }
  if (!value.is_string()) {
    throw Invalid(fmt::format("{} is not a string", shown(key)));
  }
  return value.get<std::string>();
}

bool flag(const json& object, const char* key) {
  const json& value = member(object, key);
  if (value.is_null()) {
    return false;
  }
  if (!value.is_boolean()) {
    throw Invalid(fmt::format("{} is not true or false", shown(key)));
  }
  return value.get<bool>();
}

int integer(const json& object, const char* key, int min, int max, int absent) {
  const json& value = member(object, key);
  if (value.is_null()) {
    return absent;
  }
  if (!value.is_number_integer() || value.get<std::int64_t>() < min ||
      value.get<std::int64_t>() > max) {
    throw Invalid(fmt::format("{} is not an integer from {} to {}", shown(key), min, max));
  }
  return static_cast<int>(value.get<std::int64_t>());
}

std::optional<double> number(const json& object, const char* key) {
  const json& value = member(object, key);
  if (value.is_null()) {
    return std::nullopt;
  }
  if (!value.is_number() || !(value.get<double>() >= 0.0) || value.get<double>() > 1e6) {
    throw Invalid(fmt::format("{} is not a capacity", shown(key)));
  }
  return value.get<double>();
}

const json& list(const json& object, const char* key) {
  static const json kEmpty = json::array();
  const json& value = member(object, key);
  if (value.is_null()) {
    return kEmpty;
  }
  if (!value.is_array()) {
    throw Invalid(fmt::format("{} is not a list", shown(key)));
  }
  return value;
}

std::vector<std::string> texts(const json& object, const char* list_key, const char* key) {
  std::vector<std::string> values;
  for (const json& entry : list(object, list_key)) {
    if (std::string value = text(entry, key); !value.empty()) {
      values.push_back(std::move(value));
    }
  }
  return values;
}

// Parses the CLI's output and runs `read` over it: any Invalid (or a JSON type
// error) becomes the one-line error.
template <typename Read>
std::optional<std::string> parsed(std::string_view text, Read read) {
  const json document = json::parse(text, nullptr, false);
  if (document.is_discarded()) {
    return "the output is not JSON";
  }
  try {
    if (!document.is_object()) {
      throw Invalid("expected an object");
    }
    read(document);
  } catch (const Invalid& invalid) {
    return std::string("unexpected output: ") + invalid.what();
  } catch (const json::exception&) {
    return "unexpected output";
  }
  return std::nullopt;
}

AwsCluster read_cluster(const json& entry) {
  AwsCluster cluster;
  cluster.identifier = text(entry, "DBClusterIdentifier");
  cluster.arn = text(entry, "DBClusterArn");
  cluster.engine = text(entry, "Engine");
  cluster.engine_version = text(entry, "EngineVersion");
  cluster.engine_mode = text(entry, "EngineMode");
  cluster.status = text(entry, "Status");
  cluster.endpoint = text(entry, "Endpoint");
  cluster.reader_endpoint = text(entry, "ReaderEndpoint");
  const json& custom = list(entry, "CustomEndpoints");
  for (const json& endpoint : custom) {
    if (!endpoint.is_string()) {
      throw Invalid("CustomEndpoints holds a value that is not a string");
    }
    cluster.custom_endpoints.push_back(endpoint.get<std::string>());
  }
  cluster.port = integer(entry, "Port", 0, 65535, 0);
  cluster.parameter_group = text(entry, "DBClusterParameterGroup");
  if (const json& scaling = member(entry, "ServerlessV2ScalingConfiguration"); !scaling.is_null()) {
    cluster.serverless_min_capacity = number(scaling, "MinCapacity");
    cluster.serverless_max_capacity = number(scaling, "MaxCapacity");
  }
  for (const json& member_entry : list(entry, "DBClusterMembers")) {
    AwsClusterMember member_facts;
    member_facts.instance = text(member_entry, "DBInstanceIdentifier");
    member_facts.writer = flag(member_entry, "IsClusterWriter");
    member_facts.parameter_group_status = text(member_entry, "DBClusterParameterGroupStatus");
    cluster.members.push_back(std::move(member_facts));
  }
  return cluster;
}

AwsInstance read_instance(const json& entry) {
  AwsInstance instance;
  instance.identifier = text(entry, "DBInstanceIdentifier");
  instance.status = text(entry, "DBInstanceStatus");
  instance.instance_class = text(entry, "DBInstanceClass");
  if (const json& endpoint = member(entry, "Endpoint"); !endpoint.is_null()) {
    instance.address = text(endpoint, "Address");
    instance.port = integer(endpoint, "Port", 0, 65535, 0);
  }
  instance.publicly_accessible = flag(entry, "PubliclyAccessible");
  if (const json& subnets = member(entry, "DBSubnetGroup"); !subnets.is_null()) {
    instance.vpc_id = text(subnets, "VpcId");
  }
  for (const json& group : list(entry, "VpcSecurityGroups")) {
    const std::string status = text(group, "Status");
    if (status.empty() || status == "active" || status == "adding") {
      if (std::string id = text(group, "VpcSecurityGroupId"); !id.empty()) {
        instance.security_groups.push_back(std::move(id));
      }
    }
  }
  return instance;
}

AwsIngressRule read_rule(const json& entry) {
  AwsIngressRule rule;
  rule.protocol = text(entry, "IpProtocol");
  rule.from_port = integer(entry, "FromPort", -1, 65535, -1);
  rule.to_port = integer(entry, "ToPort", -1, 65535, -1);
  rule.ipv4_ranges = texts(entry, "IpRanges", "CidrIp");
  rule.ipv6_ranges = texts(entry, "Ipv6Ranges", "CidrIpv6");
  rule.groups = texts(entry, "UserIdGroupPairs", "GroupId");
  rule.prefix_lists = texts(entry, "PrefixListIds", "PrefixListId");
  return rule;
}

bool is_ipv4(const std::string& address) {
  if (address.find('\0') != std::string::npos) {
    return false;  // inet_pton would read up to it only
  }
  in_addr parsed{};
  return inet_pton(AF_INET, address.c_str(), &parsed) == 1;
}

}  // namespace

std::optional<std::string> parse_db_clusters(std::string_view text,
                                             std::optional<AwsCluster>& cluster) {
  return parsed(text, [&](const json& document) {
    const json& clusters = list(document, "DBClusters");
    cluster.reset();
    if (!clusters.empty()) {
      cluster = read_cluster(clusters.front());
    }
  });
}

std::optional<std::string> parse_db_instances(std::string_view text,
                                              std::vector<AwsInstance>& instances,
                                              std::string* cluster_of_first) {
  return parsed(text, [&](const json& document) {
    instances.clear();
    for (const json& entry : list(document, "DBInstances")) {
      instances.push_back(read_instance(entry));
      if (cluster_of_first != nullptr && instances.size() == 1) {
        *cluster_of_first = cdcpreflight::text(entry, "DBClusterIdentifier");
      }
    }
  });
}

std::optional<std::string> parse_cluster_parameters(std::string_view text,
                                                    std::vector<AwsParameter>& parameters) {
  return parsed(text, [&](const json& document) {
    parameters.clear();
    for (const json& entry : list(document, "Parameters")) {
      AwsParameter parameter;
      parameter.name = cdcpreflight::text(entry, "ParameterName");
      if (std::find(std::begin(kAwsParameters), std::end(kAwsParameters), parameter.name) ==
          std::end(kAwsParameters)) {
        continue;
      }
      if (const json& value = member(entry, "ParameterValue"); !value.is_null()) {
        parameter.value = cdcpreflight::text(entry, "ParameterValue");
      }
      parameter.source = cdcpreflight::text(entry, "Source");
      parameter.apply_type = cdcpreflight::text(entry, "ApplyType");
      parameters.push_back(std::move(parameter));
    }
  });
}

std::optional<std::string> parse_security_groups(std::string_view text,
                                                 std::vector<AwsSecurityGroup>& groups) {
  return parsed(text, [&](const json& document) {
    groups.clear();
    for (const json& entry : list(document, "SecurityGroups")) {
      AwsSecurityGroup group;
      group.id = cdcpreflight::text(entry, "GroupId");
      group.name = cdcpreflight::text(entry, "GroupName");
      group.vpc_id = cdcpreflight::text(entry, "VpcId");
      for (const json& rule : list(entry, "IpPermissions")) {
        group.ingress.push_back(read_rule(rule));
      }
      groups.push_back(std::move(group));
    }
  });
}

std::optional<std::string> parse_global_clusters(std::string_view text,
                                                 std::string_view cluster_arn,
                                                 std::optional<AwsGlobalCluster>& global) {
  return parsed(text, [&](const json& document) {
    global.reset();
    for (const json& entry : list(document, "GlobalClusters")) {
      AwsGlobalCluster candidate;
      candidate.identifier = cdcpreflight::text(entry, "GlobalClusterIdentifier");
      bool ours = cluster_arn.empty();
      for (const json& member_entry : list(entry, "GlobalClusterMembers")) {
        std::string arn = cdcpreflight::text(member_entry, "DBClusterArn");
        ours = ours || arn == cluster_arn;
        if (flag(member_entry, "IsWriter")) {
          candidate.writer_arn = arn;
        }
        candidate.member_arns.push_back(std::move(arn));
      }
      if (ours) {
        global = std::move(candidate);
        return;
      }
    }
  });
}

std::optional<ClusterArn> parse_cluster_arn(std::string_view arn) {
  // arn:aws:rds:us-east-1:123456789012:cluster:name
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (int i = 0; i < 6; ++i) {
    const std::size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  const std::string_view identifier = arn.substr(start);
  if (parts[0] != "arn" || parts[2] != "rds" || parts[5] != "cluster" || parts[3].empty() ||
      identifier.empty() || identifier.find(':') != std::string_view::npos) {
    return std::nullopt;
  }
  return ClusterArn{std::string(parts[3]), std::string(identifier)};
}

std::optional<std::string> parse_clickpipes_ips(std::string_view text, ClickPipesIps& ips) {
  ClickPipesIps read;
  auto error = parsed(text, [&](const json& document) {
    read.read_on = cdcpreflight::text(document, "read_on");
    read.url = cdcpreflight::text(document, "source");
    for (const json& entry : list(document, "aws")) {
      ClickPipesRegion region;
      region.region = cdcpreflight::text(entry, "region");
      if (region.region.empty()) {
        throw Invalid("an entry of \"aws\" has no region");
      }
      for (const json& address : list(entry, "clickpipes_egress_ips")) {
        if (!address.is_string() || !is_ipv4(address.get<std::string>())) {
          throw Invalid(fmt::format("a ClickPipes address of {} is not an IPv4 address",
                                    printable(region.region.substr(0, 40))));
        }
        region.egress_ips.push_back(address.get<std::string>());
      }
      if (!region.egress_ips.empty()) {
        read.regions.push_back(std::move(region));
      }
    }
    if (read.regions.empty()) {
      throw Invalid("no \"aws\" region lists clickpipes_egress_ips");
    }
  });
  if (!error) {
    ips = std::move(read);
  }
  return error;
}

}  // namespace cdcpreflight
